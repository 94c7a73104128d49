"""The pilot evaluation report for one pathway and entry period: learner completion, employer
satisfaction, learning transfer (post-hire performance ratings) and equity, with the method
notes and the suppression rule; as data for the HTML page and as a PDF (reportlab) with the
charts drawn as images. Registrars, board members and administrators only."""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from credstack.credentials.certificate_pdf import BOLD, REGULAR, _register_fonts
from credstack.domain.analytics import CompletionCurve, Row
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution
from credstack.services import analytics as an
from credstack.services import analytics_charts as charts
from credstack.services.unit_of_work import UnitOfWork

METHOD_NOTES = (
    "Learners are those enrolled on the pathway whose entry date falls in the period; figures are "
    "as of the last refresh of the analytics summaries.",
    "Completion: the Kaplan-Meier estimate of the time from entry to the terminal credential (SciPy), "
    "learners still active censored at the as-of date and withdrawn learners at their withdrawal; the "
    "median's 95% interval is where the log-log pointwise band crosses one half.",
    f"Employer satisfaction and post-hire performance: employers' ratings put on a 5-point scale, means "
    f"with Student t 95% intervals. Hire rate: completers hired within {an.HIRE_WINDOW_DAYS} days of the "
    "credential, among those with the whole window behind them (Wilson 95% interval).",
    "Learning transfer: the employers' ratings of the hired credential holders' performance 3, 6 and 12 "
    "months after the hire.",
    f"Equity: progression (two modules or the credential) and completion within {an.EQUITY_HORIZON_DAYS} "
    "days of entry by demographic group, from data learners consented to give; Wilson intervals, "
    "disparity ratios with Katz log intervals against the largest group and against the comparison "
    "cohort.",
)


@dataclass(frozen=True)
class PilotReport:
    context: an.Context
    progression: an.Progression
    velocity: an.Velocity
    employment: an.Employment
    equity: an.EquityView
    rule: str

    @property
    def curve(self) -> CompletionCurve:
        return self.velocity.curves[0][1]

    def completion_rows(self) -> list[Row]:
        c = self.curve
        stages = {s.name: s.learners for s in self.progression.funnel.stages}
        enrolled = stages.get("enrolled", 0)
        return [
            {"measure": "learners enrolled", "value": enrolled},
            {"measure": "holding the credential", "value": c.completed},
            {
                "measure": "share holding the credential",
                "value": (c.completed / enrolled) if enrolled else None,
            },
            {"measure": "median days to the credential", "value": c.median.days},
            {"measure": "median: 95% interval, low", "value": c.median.low},
            {"measure": "median: 95% interval, high", "value": c.median.high},
        ]

    def transfer_rows(self) -> list[Row]:
        return [r for r in self.employment.rows() if str(r["measure"]).startswith("performance")]

    def satisfaction_rows(self) -> list[Row]:
        return [r for r in self.employment.rows() if not str(r["measure"]).startswith("performance")]

    def charts(self) -> list[charts.Chart]:
        o = self.employment.outcomes
        drawn = [
            charts.funnel_chart(self.progression.funnel),
            charts.km_chart(self.velocity.curves),
            charts.means_chart(
                "Employer ratings (5-point scale)",
                [("satisfaction", o.satisfaction)] + [(f"{m} months", mean) for m, mean in o.performance],
                "mean rating",
                top=5,
            ),
        ]
        if self.equity.report is not None:
            drawn.append(charts.equity_chart(self.equity.report))
        return drawn


def build(
    uow: UnitOfWork, *, institution: Institution, principal: Principal, flt: an.AnalyticsFilter
) -> PilotReport:
    principal.require(*an.ANALYSTS, scope="read")
    progression = an.progression(uow, institution=institution, principal=principal, flt=flt)
    velocity = an.velocity(uow, institution=institution, principal=principal, flt=flt)
    employment = an.employment(uow, institution=institution, principal=principal, flt=flt)
    equity = an.equity(uow, institution=institution, principal=principal, flt=flt)
    return PilotReport(progression.context, progression, velocity, employment, equity, an.POLICY.describe())


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def pdf(report: PilotReport, *, institution_name: str) -> bytes:
    _register_fonts()
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=REGULAR, fontSize=9.5, leading=13)
    h1 = ParagraphStyle("h1", parent=styles["Title"], fontName=BOLD, fontSize=17)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontName=BOLD, fontSize=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=8, textColor=colors.HexColor("#4d5a66"))
    ctx = report.context
    period = f"{ctx.flt.period_from or 'the start'} to {ctx.flt.period_to or 'the as-of date'}"
    story: list[object] = [
        Paragraph(escape(f"Pilot evaluation: {ctx.pathway or 'no pathway'}"), h1),
        Paragraph(
            escape(f"{institution_name}. Learners entering from {period}; as of {ctx.as_of.isoformat()}."),
            body,
        ),
    ]

    def table(rows: list[Row]) -> None:
        if not rows:
            story.append(Paragraph("No data.", body))
            return
        columns = list(rows[0])
        data = [columns] + [[_cell(r[c]) for c in columns] for r in rows]
        t = Table(data, repeatRows=1, hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                    ("FONTNAME", (0, 0), (-1, 0), BOLD),
                    ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c7ced8")),
                ]
            )
        )
        story.append(t)

    def chart(c: charts.Chart) -> None:
        png = c.png(dpi=120)
        width, height = c.figure.get_size_inches()
        w = 170 * mm
        story.append(Image(io.BytesIO(png), width=w, height=w * height / width))
        story.append(Paragraph(escape(c.description), small))

    drawn = report.charts()
    story += [Paragraph("Learner completion", h2)]
    chart(drawn[0])
    chart(drawn[1])
    table(report.completion_rows())
    story += [Paragraph("Employer satisfaction and hiring", h2)]
    table(report.satisfaction_rows())
    story += [Paragraph("Learning transfer (post-hire performance)", h2)]
    chart(drawn[2])
    table(report.transfer_rows())
    story += [Paragraph("Equity", h2)]
    if report.equity.report is not None:
        chart(drawn[3])
        table(
            [
                {
                    k: r[k]
                    for k in (
                        "measure",
                        "kind",
                        "group",
                        "learners",
                        "successes",
                        "rate",
                        "ratio_to_reference",
                        "comparison_rate",
                    )
                }
                for r in report.equity.report.rows()
            ]
        )
    else:
        story.append(Paragraph("No consented demographic data for this pathway.", body))
    story += [Spacer(1, 4 * mm), Paragraph("Method", h2)]
    story += [Paragraph(escape(n), body) for n in METHOD_NOTES]
    story.append(Paragraph(escape("Small groups: " + report.rule), body))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"Pilot evaluation {ctx.pathway or ''}",
        author=institution_name,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    ).build(story)  # type: ignore[arg-type]
    return out.getvalue()
