"""A printable certificate: one A4 landscape page with the badge, the details, and a QR code that
leads to the credential's verification page.

The paper is a convenience; the credential (and its verification page) is what proves anything.
Text is set in Bitstream Vera (shipped inside reportlab) so that names outside ASCII print.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from functools import cache
from importlib import resources

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
NAVY = (0.106, 0.165, 0.290)
GOLD = (0.690, 0.553, 0.341)
GREY = (0.38, 0.40, 0.44)
INK = (0.10, 0.10, 0.12)
REGULAR, BOLD, ITALIC = "CredstackVera", "CredstackVera-Bold", "CredstackVera-Oblique"
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class CertificateError(ValueError):
    """An argument the certificate cannot be made from."""


@cache
def _register_fonts() -> None:
    fonts = resources.files("reportlab") / "fonts"
    for name, file in ((REGULAR, "Vera.ttf"), (BOLD, "VeraBd.ttf"), (ITALIC, "VeraIt.ttf")):
        with resources.as_file(fonts / file) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))


def _long_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _fit_size(text: str, font: str, size: float, width: float, *, smallest: float) -> float:
    """The font size, at most `size`, at which `text` fits `width` (never below `smallest`)."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and pdfmetrics.stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _shorten(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_qr(canvas: Canvas, url: str, *, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (sharp at any zoom), with its four-module quiet zone."""
    qr = segno.make(url, error="m", micro=False)
    rows = qr.matrix
    modules = len(rows) + 8
    unit = size / modules
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            run = c
            while run < len(row) and row[run]:
                run += 1
            path.rect(x + (c + 4) * unit, y + size - (r + 5) * unit, (run - c) * unit, unit)
            c = run
    canvas.drawPath(path, stroke=0, fill=1)


def _centred(canvas: Canvas, text: str, y: float, font: str, size: float, colour: tuple[float, ...]) -> None:
    canvas.setFont(font, size)
    canvas.setFillColorRGB(*colour)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, text)


def _spaced(text: str) -> str:
    """Letter-spaced capitals for headings."""
    return " ".join(text.upper())


def certificate_pdf(
    *,
    learner_name: str,
    achievement_name: str,
    institution_name: str,
    issued_on: date,
    credential_url: str,
    details: Sequence[tuple[str, str]],
    badge_png: bytes | None,
) -> bytes:
    """The certificate as PDF bytes: A4 landscape, one page."""
    if not learner_name.strip() or not achievement_name.strip() or not institution_name.strip():
        raise CertificateError(
            "a certificate needs the learner's, the achievement's and the institution's names"
        )
    if not credential_url.startswith(("https://", "http://")):
        raise CertificateError(f"the verification URL must be http(s), not {credential_url!r}")
    _register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, invariant=True)
    canvas.setTitle(f"{achievement_name} — {learner_name}")
    canvas.setAuthor(institution_name)
    canvas.setSubject(f"Certificate; verify at {credential_url}")
    canvas.setCreator("credstack")
    centre, text_width = PAGE_WIDTH / 2, PAGE_WIDTH - 220

    # The frame: a navy rule and a fine gold one inside it.
    canvas.setStrokeColorRGB(*NAVY)
    canvas.setLineWidth(2.5)
    canvas.rect(22, 22, PAGE_WIDTH - 44, PAGE_HEIGHT - 44)
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(30, 30, PAGE_WIDTH - 60, PAGE_HEIGHT - 60)

    title_size = _fit_size(achievement_name, BOLD, 20, text_width * 2, smallest=13)
    title_lines = _wrap(achievement_name, BOLD, title_size, text_width)
    if len(title_lines) > 2:
        title_lines = [title_lines[0], _shorten(" ".join(title_lines[1:]), BOLD, title_size, text_width)]
    detail_rows = min(2, (len(details) + 3) // 4)
    # The body, from the badge to the details, is centred between the frame and the issuer line.
    body = (98 if badge_png is not None else 0) + 176 + len(title_lines) * title_size * 1.3
    body += 40 + 44 * (detail_rows - 1) if detail_rows else 0
    region_top, region_bottom = PAGE_HEIGHT - 56, 124
    y = region_top - max(0.0, (region_top - region_bottom - body) / 2)
    if badge_png is not None:
        badge = ImageReader(io.BytesIO(badge_png))
        canvas.drawImage(
            badge, centre - 40, y - 80, width=80, height=80, mask="auto", preserveAspectRatio=True
        )
        y -= 98
    y -= 10  # the institution's cap height
    institution = _shorten(_spaced(institution_name), BOLD, 10, text_width)
    _centred(canvas, institution, y, BOLD, 10, NAVY)
    y -= 36
    _centred(canvas, "Certificate of Achievement", y, BOLD, 26, NAVY)
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(1)
    canvas.line(centre - 60, y - 14, centre + 60, y - 14)
    y -= 39
    _centred(canvas, "This certifies that", y, ITALIC, 12, GREY)
    y -= 36
    name_size = _fit_size(learner_name, BOLD, 32, text_width, smallest=16)
    _centred(canvas, _shorten(learner_name, BOLD, name_size, text_width), y, BOLD, name_size, INK)
    y -= 27
    _centred(canvas, "has been awarded", y, ITALIC, 12, GREY)
    y -= 28
    for line in title_lines:
        _centred(canvas, _shorten(line, BOLD, title_size, text_width), y, BOLD, title_size, NAVY)
        y -= title_size * 1.3

    _draw_details(canvas, list(details), top=y - 12)

    # Bottom left: issued on and by; bottom right: the QR code to the verification page.
    left = 70
    canvas.setStrokeColorRGB(*GREY)
    canvas.setLineWidth(0.6)
    canvas.line(left, 104, left + 220, 104)
    canvas.setFillColorRGB(*INK)
    canvas.setFont(BOLD, 11)
    canvas.drawString(left, 88, _shorten(institution_name, BOLD, 11, 300))
    canvas.setFillColorRGB(*GREY)
    canvas.setFont(REGULAR, 10)
    canvas.drawString(left, 73, f"Issued on {_long_date(issued_on)}")

    qr_size, qr_x = 88.0, PAGE_WIDTH - 62 - 88
    _draw_qr(canvas, credential_url, x=qr_x, y=64, size=qr_size)
    canvas.setFont(REGULAR, 7.5)
    canvas.setFillColorRGB(*GREY)
    canvas.drawCentredString(qr_x + qr_size / 2, 54, "Scan to verify")
    canvas.setFont(REGULAR, 7)
    url = _shorten(credential_url, REGULAR, 7, PAGE_WIDTH - 2 * 200)
    canvas.drawCentredString(centre, 42, f"Verify this credential at {url}")
    canvas.linkURL(credential_url, (qr_x, 64, qr_x + qr_size, 64 + qr_size), relative=0)

    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw_details(canvas: Canvas, details: list[tuple[str, str]], *, top: float) -> None:
    """Details (credits, EQF level, results...) as labelled cells, four to a row, at most two
    rows, each value on up to two lines; the cells stay clear of the QR code and the issuer."""
    per_row, cell = 4, 130.0
    shown = details[: per_row * 2]
    for row_no in range(0, len(shown), per_row):
        row = shown[row_no : row_no + per_row]
        x0 = PAGE_WIDTH / 2 - len(row) * cell / 2
        y = top - (row_no // per_row) * 44
        for n, (label, value) in enumerate(row):
            cx = x0 + n * cell + cell / 2
            if n:
                canvas.setStrokeColorRGB(*GOLD)
                canvas.setLineWidth(0.5)
                canvas.line(x0 + n * cell, y - 28, x0 + n * cell, y + 8)
            canvas.setFillColorRGB(*GREY)
            canvas.setFont(REGULAR, 7.5)
            canvas.drawCentredString(cx, y, _shorten(label.upper(), REGULAR, 7.5, cell - 12))
            lines = _wrap(value, BOLD, 10, cell - 12) or [""]
            if len(lines) > 2:
                lines = [lines[0], " ".join(lines[1:])]
            canvas.setFillColorRGB(*INK)
            canvas.setFont(BOLD, 10)
            for k, line in enumerate(lines):
                canvas.drawCentredString(cx, y - 14 - 12 * k, _shorten(line, BOLD, 10, cell - 12))
