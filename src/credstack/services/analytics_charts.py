"""The analytics charts, drawn by matplotlib (object API, no pyplot state: safe in a web
server's threads) as SVG for the pages and PNG for the pilot report's PDF.

Every chart gets a <title> and <desc> (the text alternative) and scales to its container; the
table beside it on the page is the accessible equivalent and holds the same numbers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import matplotlib

matplotlib.use("svg")  # no GUI backend; Figure objects draw themselves

from matplotlib import rcParams
from matplotlib.figure import Figure

from credstack.domain.analytics import (
    CompletionCurve,
    EquityReport,
    Funnel,
    Mean,
    RoiReport,
)

rcParams["svg.hashsalt"] = "credstack"  # stable ids: the same chart draws the same SVG
rcParams["svg.fonttype"] = "none"  # text stays text (selectable, smaller)
rcParams["font.size"] = 10

INK = "#1d2733"
ACCENT = "#1f5f99"
SECOND = "#b3541e"
MUTED = "#6b7785"
PALETTE = ("#1f5f99", "#b3541e", "#2e7d4f", "#7a3e9d", "#8a6d00", "#00707a", "#a3324a", "#4d5a66")


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its SVG (with title and description) and the text alternative."""

    title: str
    description: str
    figure: Figure

    def svg(self, ident: str) -> str:
        out = io.StringIO()
        self.figure.savefig(out, format="svg")
        text = out.getvalue()
        text = text[text.index("<svg") :]
        opening = re.match(r"<svg([^>]*)>", text)
        assert opening is not None
        attributes = re.sub(r'\s(width|height)="[^"]*"', "", opening.group(1))
        head = (
            f'<svg{attributes} role="img" aria-labelledby="{ident}-t {ident}-d" class="chart__svg">'
            f'<title id="{ident}-t">{escape(self.title)}</title><desc id="{ident}-d">{escape(self.description)}</desc>'
        )
        # matplotlib's own ids are made unique per chart, so that two charts on a page never share one
        body = text[opening.end() :]
        body = re.sub(r'id="([^"]+)"', lambda m: f'id="{ident}-{m.group(1)}"', body)
        body = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{ident}-{m.group(1)})", body)
        body = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{ident}-{m.group(1)}"', body)
        return head + body

    def png(self, dpi: int = 150) -> bytes:
        out = io.BytesIO()
        self.figure.savefig(out, format="png", dpi=dpi, bbox_inches="tight")
        return out.getvalue()


def _figure(width: float = 7.0, height: float = 3.6) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _style(ax: object) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]
    ax.tick_params(colors=INK)  # type: ignore[attr-defined]


def funnel_chart(funnel: Funnel) -> Chart:
    fig = _figure(7.0, 0.5 + 0.45 * max(len(funnel.stages), 1))
    ax = fig.add_subplot()
    names = [s.name for s in funnel.stages][::-1]
    values = [s.learners for s in funnel.stages][::-1]
    bars = ax.barh(names, values, color=ACCENT)
    ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3, color=INK)
    ax.set_xlabel("learners")
    ax.margins(x=0.12)
    _style(ax)
    parts = ", ".join(f"{s.name} {s.learners:,}" for s in funnel.stages)
    return Chart("Progression funnel", f"Learners reaching each stage: {parts}.", fig)


def km_chart(curves: Sequence[tuple[str, CompletionCurve]]) -> Chart:
    fig = _figure()
    ax = fig.add_subplot()
    described = []
    for k, (name, curve) in enumerate(curves):
        if not curve.steps:
            continue
        colour = PALETTE[k % len(PALETTE)]
        days = [0.0] + [s.day for s in curve.steps]
        done = [0.0] + [1 - s.survival for s in curve.steps]
        low = [0.0] + [1 - s.high for s in curve.steps]
        high = [0.0] + [1 - s.low for s in curve.steps]
        ax.step(days, done, where="post", color=colour, label=f"{name} (n={curve.learners:,})", linewidth=1.8)
        if len(curves) == 1 or k == 0:
            ax.fill_between(days, low, high, step="post", color=colour, alpha=0.15, linewidth=0)
        m = curve.median
        described.append(
            f"{name}: {curve.completed:,} of {curve.learners:,} completed; median "
            + (f"{m.days:.0f} days" if m.days is not None else "not reached")
        )
    ax.set_xlabel("days since entry")
    ax.set_ylabel("share holding the credential")
    ax.set_ylim(0, 1)
    ax.axhline(0.5, color=MUTED, linewidth=0.8, linestyle=":")
    if any(c.steps for _, c in curves):
        ax.legend(loc="upper left", frameon=False, fontsize=8)
    _style(ax)
    return Chart(
        "Time to the terminal credential (Kaplan-Meier)",
        "Cumulative share completing by days since entry, with the 95% band. " + "; ".join(described) + ".",
        fig,
    )


def means_chart(
    title: str, items: Sequence[tuple[str, Mean | None]], unit: str, top: float | None = None
) -> Chart:
    fig = _figure(7.0, 3.2)
    ax = fig.add_subplot()
    shown = [(name, m) for name, m in items if m is not None]
    names = [n for n, _ in shown]
    values = [m.mean for _, m in shown]
    errors = [
        [m.mean - m.low if m.low is not None else 0 for _, m in shown],
        [m.high - m.mean if m.high is not None else 0 for _, m in shown],
    ]
    if shown:
        ax.bar(names, values, color=ACCENT, yerr=errors, capsize=4, ecolor=INK)
    if top is not None:
        ax.set_ylim(0, top)
    ax.set_ylabel(unit)
    _style(ax)
    desc = "; ".join(f"{n}: {m.mean:.2f} (n={m.n})" for n, m in shown) or "no ratings"
    return Chart(title, f"Mean with 95% interval. {desc}.", fig)


def roi_chart(report: RoiReport) -> Chart:
    fig = _figure(7.0, 0.6 + 0.5 * max(len(report.cohorts), 1))
    ax = fig.add_subplot()
    names = [f"{r.inputs.sponsor} {r.inputs.cohort}" for r in report.cohorts][::-1]
    values = [float(r.roi) * 100 for r in report.cohorts][::-1]
    bars = ax.barh(names, values, color=[ACCENT if v >= 0 else SECOND for v in values])
    ax.bar_label(bars, labels=[f"{v:.0f} %" for v in values], padding=3)
    ax.axvline(0, color=INK, linewidth=0.8)
    ax.set_xlabel("return on investment, %")
    ax.margins(x=0.15)
    _style(ax)
    desc = "; ".join(
        f"{r.inputs.sponsor} {r.inputs.cohort}: {float(r.roi) * 100:.0f} %" for r in report.cohorts
    )
    return Chart("Employer ROI per sponsored cohort", (desc or "No cohort with ROI inputs") + ".", fig)


def equity_chart(report: EquityReport) -> Chart:
    """Each shown group's rate with its Wilson interval, per measure; the comparison cohort's
    rate beside it where shown. Only what the protected tables show is drawn."""
    fig = _figure(7.0, 3.8)
    axes = fig.subplots(1, len(report.measures), sharey=True, squeeze=False)[0]
    described = []
    for ax, m in zip(axes, report.measures, strict=True):
        groups = [g for g in m.groups if g.rate is not None]
        ys = list(range(len(groups)))
        for y, g in zip(ys, groups, strict=True):
            assert g.rate is not None
            ax.errorbar(
                g.rate.rate,
                y,
                xerr=[[g.rate.rate - g.rate.low], [g.rate.high - g.rate.rate]],
                fmt="o",
                color=ACCENT,
                capsize=3,
            )
            described.append(f"{m.measure} {g.group}: {g.rate.rate:.0%}")
            if g.comparison is not None:
                ax.plot(g.comparison.rate, y + 0.25, marker="s", color=SECOND, linestyle="none")
        ax.set_yticks(ys, [g.group + (" (ref.)" if g.is_reference else "") for g in groups])
        ax.set_xlim(0, 1)
        ax.set_title(m.measure, fontsize=10)
        ax.set_xlabel("rate")
        ax.invert_yaxis()
        _style(ax)
    return Chart(
        f"Progression and completion by {report.attribute}",
        "Rates with 95% Wilson intervals for the groups shown (circles); squares: the comparison cohort. "
        + ("; ".join(described) or "every group is withheld")
        + ".",
        fig,
    )


def counts_chart(title: str, counts: dict[str, int]) -> Chart:
    fig = _figure(7.0, 0.6 + 0.4 * max(len(counts), 1))
    ax = fig.add_subplot()
    names = list(counts)[::-1]
    values = [counts[n] for n in names]
    bars = ax.barh(names, values, color=ACCENT)
    ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3)
    ax.margins(x=0.15)
    _style(ax)
    return Chart(title, "; ".join(f"{k}: {v:,}" for k, v in counts.items()) + ".", fig)
