"""Charts drawn on the server as SVG (no chart library, nothing to fetch): the geometry is
computed here, ``templates/charts.html`` draws it. Horizontal bars with an optional target mark
(coverages against targets, segment sizes, influence ranking) and grouped bars (counts year over
year)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SERIES_COLOURS = ("#9fb7d6", "#2f7ed8", "#1f4e8c", "#e67e22", "#16a085")


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    x: float
    y: float
    width: float
    height: float
    colour: str
    target_x: float | None = None
    target_text: str = ""
    href: str | None = None


@dataclass(frozen=True)
class Chart:
    title: str
    width: float
    height: float
    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, float, float], ...] = ()  # category labels (text, x, y)


LABEL_W = 150.0
BAR_H = 22.0
GAP = 8.0


def hbar_chart(
    rows: Sequence[tuple[str, float, float | None]],
    *,
    title: str,
    percent: bool = False,
    width: float = 640.0,
    hrefs: Sequence[str | None] | None = None,
) -> Chart:
    """One horizontal bar per (label, value, target); a bar below its target is drawn red and
    the target is marked with a tick. ``percent`` formats 0–1 values as percentages and fixes
    the scale at 0–100%."""
    top = 1.0 if percent else max([v for _, v, _ in rows] + [t or 0 for _, _, t in rows] + [1e-9])
    span = width - LABEL_W - 70

    def fmt(v: float) -> str:
        return f"{v:.1%}" if percent else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}")

    bars = []
    for i, (name, value, target) in enumerate(rows):
        short = target is not None and value < target - 1e-12
        bars.append(
            Bar(
                label=name,
                text=fmt(value),
                x=LABEL_W,
                y=30 + i * (BAR_H + GAP),
                width=max(0.0, span * value / top),
                height=BAR_H,
                colour="#c0392b" if short else "#2f7ed8",
                target_x=None if target is None else LABEL_W + span * target / top,
                target_text="" if target is None else fmt(target),
                href=hrefs[i] if hrefs else None,
            )
        )
    return Chart(title, width, 40 + len(rows) * (BAR_H + GAP), tuple(bars))


def year_over_year_chart(
    rows: Sequence[tuple[str, float, float, float | None]],
    *,
    title: str,
    years: tuple[str, str],
    width: float = 640.0,
    hrefs: Sequence[str | None] | None = None,
) -> Chart:
    """Per (label, previous, current, target) row, last year's bar above this year's, each row
    on its own scale (the counts differ by orders of magnitude; the change is what matters),
    this year's target marked with a tick."""
    span = width - LABEL_W - 70
    bars = []
    row_h = 2 * (BAR_H / 2) + GAP + 4
    for i, (name, previous, current, target) in enumerate(rows):
        top = max(previous, current, target or 0.0, 1e-9)
        y = 30 + i * row_h
        for j, value in enumerate((previous, current)):
            bars.append(
                Bar(
                    label=name if j == 1 else "",
                    text=f"{value:,.0f}",
                    x=LABEL_W,
                    y=y + j * (BAR_H / 2),
                    width=span * value / top,
                    height=BAR_H / 2 - 1,
                    colour=SERIES_COLOURS[j],
                    target_x=None if target is None or j == 0 else LABEL_W + span * target / top,
                    target_text="" if target is None or j == 0 else f"{target:,.0f}",
                    href=(hrefs[i] if hrefs else None) if j == 1 else None,
                )
            )
    legend = ((years[0], SERIES_COLOURS[0]), (years[1], SERIES_COLOURS[1]))
    return Chart(title, width, 40 + len(rows) * row_h, tuple(bars), legend)
