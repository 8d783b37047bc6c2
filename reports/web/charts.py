"""Server-side SVG charts: geometry computed here, drawn by templates/reports/_chart_*.html.

No JavaScript and no external library: the charts print, scale with the page and work without
scripts. Each chart is drawn next to (or above) the data table it is made from, which carries the
exact numbers for screen readers and for anyone who would rather read than look.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reports import format as fmt

# Distinct in colour and in lightness, so a grey print still tells neighbours apart.
PALETTE = ("#b1121c", "#164c8f", "#e0a400", "#23783a", "#6b3fa0", "#7a8794", "#d4607a", "#1b9aaa")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square", "triangle", "diamond")


def nice_ticks(vmax: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 to at least ``vmax``."""
    if vmax <= 0:
        return [0, 1]
    raw = vmax / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(step, 1)
    top = math.ceil(vmax / step) * step
    return [i * step for i in range(int(round(top / step)) + 1)]


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    label: str
    value: str
    href: str = ""
    color: str = PALETTE[1]
    text_x: float = 0
    text_y: float = 0
    label_x: float = 0
    label_y: float = 0


@dataclass
class Tick:
    pos: float
    text: str


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    x_labels: list[Tick] = field(default_factory=list)
    plot: dict = field(default_factory=dict)
    empty: bool = False
    summary: str = ""


def _num(v) -> float:
    return float(v) if v is not None else 0.0


def bar_chart(title: str, items: list[tuple[str, object, str]], *, width: int = 560, height: int = 240) -> Chart:
    """Vertical bars, one per item (label, value, link): trends by year."""
    left, right, top, bottom = 56, 10, 22, 30
    chart = Chart(
        title, width, height, plot={"x": left, "y": top, "w": width - left - right, "h": height - top - bottom}
    )
    values = [_num(v) for _, v, _ in items]
    if not items or not any(values):
        chart.empty = True
        return chart
    ticks = nice_ticks(max(values))
    scale = chart.plot["h"] / ticks[-1]
    base = top + chart.plot["h"]
    chart.ticks = [Tick(base - t * scale, fmt.display_number(int(t))) for t in ticks]
    slot = chart.plot["w"] / len(items)
    w = min(slot * 0.62, 56)
    for i, ((label, value, href), v) in enumerate(zip(items, values, strict=True)):
        h = v * scale
        x = left + slot * i + (slot - w) / 2
        chart.bars.append(
            Bar(
                x,
                base - h,
                w,
                h,
                label,
                fmt.display_number(value),
                href,
                PALETTE[1],
                x + w / 2,
                base - h - 5,
                x + w / 2,
                base + 18,
            )
        )
    chart.summary = ";".join(f"{b.label}:{b.value or '无数据'}" for b in chart.bars)
    return chart


def hbar_chart(title: str, items: list[tuple[str, object, str]], *, width: int = 560, limit: int = 15) -> Chart:
    """Horizontal bars, largest first: a ranking (by child region)."""
    ranked = sorted((i for i in items if i[1] is not None), key=lambda i: _num(i[1]), reverse=True)[:limit]
    label_w, right, row = 130, 70, 24
    height = 10 + row * max(len(ranked), 1)
    chart = Chart(title, width, height, plot={"x": label_w, "w": width - label_w - right})
    if not ranked or not any(_num(v) for _, v, _ in ranked):
        chart.empty = True
        return chart
    vmax = _num(ranked[0][1])
    for i, (label, value, href) in enumerate(ranked):
        w = max(_num(value) / vmax * chart.plot["w"], 1 if _num(value) else 0)
        y = 5 + i * row
        chart.bars.append(
            Bar(
                label_w,
                y + 3,
                w,
                row - 8,
                label,
                fmt.display_number(value),
                href,
                PALETTE[0],
                label_w + w + 5,
                y + row / 2 + 4,
                label_w - 6,
                y + row / 2 + 4,
            )
        )
    chart.summary = ";".join(f"{b.label}:{b.value}" for b in chart.bars)
    return chart


def stacked_chart(
    title: str, rows: list[tuple[str, list[tuple[str, object]]]], *, width: int = 560, label_w: int = 120
) -> Chart:
    """One 100% bar per row, split into its parts (label, value): shares of the outcomes by year."""
    row_h = 30
    legend_h = 22 * math.ceil(len(rows[0][1]) / 3) if rows else 0
    height = 10 + row_h * max(len(rows), 1) + legend_h + 8
    plot_w = width - label_w - 10
    chart = Chart(title, width, height, plot={"x": label_w, "w": plot_w})
    if not rows or not any(_num(v) for _, parts in rows for _, v in parts):
        chart.empty = True
        return chart
    for i, (label, parts) in enumerate(rows):
        whole = sum(_num(v) for _, v in parts)
        y = 8 + i * row_h
        x = label_w
        chart.x_labels.append(Tick(y + row_h / 2 + 2, label))
        for k, (name, v) in enumerate(parts):
            share = _num(v) / whole if whole else 0
            w = share * plot_w
            text = f"{share * 100:.0f}%" if share >= 0.07 else ""
            chart.bars.append(
                Bar(x, y, w, row_h - 8, name, text, "", PALETTE[k % len(PALETTE)], x + w / 2, y + row_h / 2 + 1, 0, 0)
            )
            x += w
    top = 10 + row_h * len(rows)
    for k, (name, _) in enumerate(rows[0][1]):
        chart.legend.append(
            {
                "x": label_w + (k % 3) * (plot_w / 3),
                "y": top + 22 * (k // 3),
                "color": PALETTE[k % len(PALETTE)],
                "text": name,
            }
        )
    chart.summary = ";".join(
        f"{label}:" + "、".join(f"{n} {fmt.display_number(v)}" for n, v in parts) for label, parts in rows
    )
    return chart


def line_chart(
    title: str, x_labels: list[str], series: list[tuple[str, list[object]]], *, width: int = 560, height: int = 260
) -> Chart:
    """One line per series over the same x labels (years): comparisons over time."""
    left, right, top = 56, 10, 16
    legend_h = 20 * math.ceil(len(series) / 2)
    chart = Chart(
        title, width, height + legend_h, plot={"x": left, "y": top, "w": width - left - right, "h": height - top - 30}
    )
    values = [_num(v) for _, vs in series for v in vs if v is not None]
    if not values or not any(values):
        chart.empty = True
        return chart
    ticks = nice_ticks(max(values))
    scale = chart.plot["h"] / ticks[-1]
    base = top + chart.plot["h"]
    chart.ticks = [Tick(base - t * scale, fmt.display_number(int(t))) for t in ticks]
    step = chart.plot["w"] / max(len(x_labels), 1)
    xs = [left + step * (i + 0.5) for i in range(len(x_labels))]
    chart.x_labels = [Tick(x, label) for x, label in zip(xs, x_labels, strict=True)]
    for k, (name, vs) in enumerate(series):
        points = [
            (x, base - _num(v) * scale, fmt.display_number(v)) for x, v in zip(xs, vs, strict=True) if v is not None
        ]
        chart.lines.append(
            {
                "name": name,
                "color": PALETTE[k % len(PALETTE)],
                "marker": MARKERS[k % len(MARKERS)],
                "dash": "" if k < 4 else "6 3",
                "points": points,
                "path": " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points),
            }
        )
        chart.legend.append(
            {
                "x": left + (k % 2) * (chart.plot["w"] / 2),
                "y": base + 44 + 20 * (k // 2),
                "color": PALETTE[k % len(PALETTE)],
                "text": name,
                "marker": MARKERS[k % len(MARKERS)],
            }
        )
    chart.summary = ";".join(
        f"{name}:" + "、".join(f"{x} {fmt.display_number(v) or '无'}" for x, v in zip(x_labels, vs, strict=True))
        for name, vs in series
    )
    return chart
