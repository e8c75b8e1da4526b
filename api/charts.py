"""Charts drawn on the server as SVG (no chart library, nothing to fetch): the geometry is
computed here, ``templates/charts.html`` draws it. Horizontal bars with an optional target mark
(coverages against targets, segment sizes, influence ranking) and grouped bars (counts year over
year)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def grouped_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    width: float = 640.0,
    height: float = 260.0,
) -> Chart:
    """Vertical bars per category, one per series (e.g. one per year), side by side."""
    names = list(series)
    top = max([v for vs in series.values() for v in vs] + [1e-9])
    plot_h = height - 70
    slot = (width - 40) / max(1, len(categories))
    bar_w = min(28.0, (slot - 10) / max(1, len(names)))
    bars, labels = [], []
    for c, cat in enumerate(categories):
        x0 = 30 + c * slot + (slot - bar_w * len(names)) / 2
        labels.append((cat, 30 + c * slot + slot / 2, height - 22))
        for s, name in enumerate(names):
            value = float(series[name][c])
            h = plot_h * value / top
            bars.append(
                Bar(
                    label=f"{cat} {name}",
                    text=f"{value:,.0f}",
                    x=x0 + s * bar_w,
                    y=30 + plot_h - h,
                    width=bar_w - 2,
                    height=h,
                    colour=SERIES_COLOURS[s % len(SERIES_COLOURS)],
                )
            )
    legend = tuple((n, SERIES_COLOURS[i % len(SERIES_COLOURS)]) for i, n in enumerate(names))
    return Chart(title, width, height, tuple(bars), legend, tuple(labels))
