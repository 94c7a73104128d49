"""The transcript as a PDF (A4 portrait, reportlab, the same Bitstream Vera fonts as the
certificate so that names outside ASCII print): the learner, every entry with its credits and
status, the totals in every unit of the equivalency table, and the degree credit granted by
stacked awards. The table breaks across pages with its header repeated."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from credstack.credentials.certificate_pdf import BOLD, REGULAR
from credstack.credentials.certificate_pdf import _register_fonts as register_fonts
from credstack.services.transcripts import Entry, Transcript

NAVY = colors.Color(0.106, 0.165, 0.290)
_BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=8.5, leading=11)
_SMALL = ParagraphStyle(
    "small", parent=_BODY, fontSize=7.5, leading=9.5, textColor=colors.Color(0.3, 0.3, 0.34)
)
_TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=17, leading=21, textColor=NAVY)
_HEAD = ParagraphStyle("head", fontName=BOLD, fontSize=11, leading=14, textColor=NAVY, spaceBefore=8)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _num(value: Decimal | None) -> str:
    return "—" if value is None else format(value.normalize(), "f")


def _what(e: Entry) -> Paragraph:
    extra = []
    if e.source == "stacked" and e.components:
        extra.append("stacks " + ", ".join(e.components))
    if e.transfer_from:
        extra.append(f"transfer credit from {e.transfer_from}")
    if e.part_of:
        extra.append("part of " + ", ".join(e.part_of))
    small = f"<br/><font size='7'>{_esc('; '.join(extra))}</font>" if extra else ""
    return Paragraph(f"<b>{_esc(e.name)}</b><br/>{_esc(e.achievement)}{small}", _BODY)


def transcript_pdf(record: Transcript) -> bytes:
    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Transcript: {record.learner.name}",
        author=record.institution,
    )
    story: list[Flowable] = [
        Paragraph(_esc(record.institution), _HEAD),
        Paragraph("Transcript of micro-credentials and stacked awards", _TITLE),
        Spacer(1, 3 * mm),
        Paragraph(
            f"<b>{_esc(record.learner.name)}</b> · {_esc(record.learner.email)}"
            + (f" · student id {_esc(record.learner.external_id)}" if record.learner.external_id else ""),
            _BODY,
        ),
        Paragraph(f"Issued {record.generated_at.strftime('%d %B %Y, %H:%M UTC')}", _SMALL),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[object]] = [["Date", "Achievement", "Kind", "Status", "Credits", "ECTS"]]
    for e in record.entries:
        status = e.status if e.counts else f"{e.status.upper()} (not counted)"
        credits = f"{_num(e.credits)} {e.unit or ''}".strip() if e.credits is not None else "—"
        rows.append([e.issued.isoformat(), _what(e), e.kind, status, credits, _num(e.ects)])
    if len(rows) == 1:
        rows.append(["", Paragraph("No awards yet.", _BODY), "", "", "", ""])
    table = Table(rows, colWidths=[20 * mm, 68 * mm, 26 * mm, 27 * mm, 22 * mm, 15 * mm], repeatRows=1)
    style: list[Any] = [
        ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
        ("FONT", (0, 1), (-1, -1), REGULAR, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.Color(0.8, 0.8, 0.84)),
        ("ALIGN", (4, 0), (-1, -1), "RIGHT"),
    ]
    for i, e in enumerate(record.entries, start=1):
        if not e.counts:
            style.append(("TEXTCOLOR", (0, i), (-1, i), colors.Color(0.55, 0.1, 0.1)))
        elif e.source == "stacked":
            style.append(("BACKGROUND", (0, i), (-1, i), colors.Color(0.95, 0.96, 0.99)))
    table.setStyle(TableStyle(style))
    story += [table, Paragraph("Totals", _HEAD)]
    totals: list[list[object]] = [["Unit", "Credits earned", "Degree credit granted by stacked awards"]]
    earned = dict((c, v) for c, _, v in record.totals(record.earned))
    for code, name, granted in record.totals(record.stacked):
        totals.append([name, _num(earned.get(code)), _num(granted)])
    summary = Table(totals, colWidths=[70 * mm, 40 * mm, 68 * mm])
    summary.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
                ("FONT", (0, 1), (-1, -1), REGULAR, 8.5),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.Color(0.8, 0.8, 0.84)),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [
        summary,
        Spacer(1, 4 * mm),
        Paragraph(
            "Credits earned count micro-credentials and transfer credit in force; a stacked award adds none of"
            " its own (its components did) but grants its credits as degree credit. Revoked and suspended"
            " awards are listed and count toward nothing. Every credential verifies at its address; the"
            " signed CLR 2.0 transcript carries them all.",
            _SMALL,
        ),
    ]
    doc.build(story)
    return out.getvalue()
