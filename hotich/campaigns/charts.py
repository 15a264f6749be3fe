"""Small server-side SVG charts for the dashboards (no JavaScript, no third-party files).

Pure Python: each function returns an ``<svg>`` string with a ``<title>`` and ``role="img"``
so screen readers announce the chart; every chart on a page also has its table.
"""

from dataclasses import dataclass, field
from html import escape

PALETTE = ("#9b1c1c", "#1f5f99", "#17663a", "#8a5a00", "#6b3fa0", "#4b5563")


@dataclass
class Series:
    """One line: NAME and a value per x position (None where there is no value)."""

    name: str
    values: list[float | None]
    color: str = PALETTE[0]
    dashed: bool = False


@dataclass
class Frame:
    width: int = 640
    height: int = 260
    left: int = 64
    right: int = 16
    top: int = 28
    bottom: int = 44
    extra: list[str] = field(default_factory=list)

    @property
    def plot_w(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> int:
        return self.height - self.top - self.bottom


def _fmt(n: float) -> str:
    """Return N with Vietnamese thousands separators (1.234.567)."""
    return f"{n:,.0f}".replace(",", ".")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _svg(frame: Frame, title: str, body: list[str]) -> str:
    return (
        f"<figure><figcaption>{escape(title)}</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="100%" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"{''.join(body)}</svg>"
    )


def _y_axis(frame: Frame, top_value: float) -> list[str]:
    out = []
    for i in range(5):
        v = top_value * i / 4
        y = frame.top + frame.plot_h * (1 - i / 4)
        out.append(
            f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e3e7ec"/><text x="{frame.left - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{_fmt(v)}</text>'
        )
    return out


def line_chart(title: str, labels: list[str], series: list[Series], *, note: str = "") -> str:
    """Return a line chart of SERIES over LABELS (x positions), with a legend."""
    frame = Frame()
    values = [v for s in series for v in s.values if v is not None]
    top = _nice_max(max(values, default=0))
    n = max(len(labels), 2)
    body = _y_axis(frame, top)

    def x(i: int) -> float:
        return frame.left + frame.plot_w * i / (n - 1)

    def y(v: float) -> float:
        return frame.top + frame.plot_h * (1 - v / top)

    step = max(1, len(labels) // 8)
    for i in range(0, len(labels), step):
        body.append(
            f'<text x="{x(i):.1f}" y="{frame.height - frame.bottom + 16}" '
            f'text-anchor="middle">{escape(labels[i])}</text>'
        )
    for s in series:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values) if v is not None)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        body.append(
            f'<polyline fill="none" stroke="{s.color}" stroke-width="2"{dash} points="{points}">'
            f"<title>{escape(s.name)}</title></polyline>"
        )
    lx = frame.left
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        body.append(
            f'<line x1="{lx}" x2="{lx + 18}" y1="14" y2="14" stroke="{s.color}" stroke-width="2"{dash}/>'
            f'<text x="{lx + 22}" y="18">{escape(s.name)}</text>'
        )
        lx += 30 + 7 * len(s.name)
    if note:
        body.append(
            f'<text x="{frame.width - frame.right}" y="{frame.height - 6}" '
            f'text-anchor="end">{escape(note)}</text>'
        )
    return _svg(frame, title, body)


def bar_chart(
    title: str,
    labels: list[str],
    values: list[float],
    *,
    percent: bool = False,
    reference: float | None = None,
    color: str = PALETTE[1],
) -> str:
    """Return horizontal bars, one per label; PERCENT formats values as %, REFERENCE draws a line."""
    row = 22
    frame = Frame(height=40 + row * max(len(labels), 1), left=190, right=70, top=10, bottom=30)
    top = max([*values, reference or 0, 0])
    top = 100 if percent and top <= 100 else _nice_max(top)
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        yy = frame.top + i * row
        w = frame.plot_w * (value / top) if top else 0
        shown = f"{value:.0f}%" if percent else _fmt(value)
        body.append(
            f'<text x="{frame.left - 6}" y="{yy + 15}" text-anchor="end">{escape(label[:30])}</text>'
            f'<rect x="{frame.left}" y="{yy + 3}" width="{max(w, 0):.1f}" height="{row - 6}" '
            f'fill="{color}"><title>{escape(label)}: {shown}</title></rect>'
            f'<text x="{frame.left + max(w, 0) + 4:.1f}" y="{yy + 15}">{shown}</text>'
        )
    if reference is not None and top:
        rx = frame.left + frame.plot_w * reference / top
        body.append(
            f'<line x1="{rx:.1f}" x2="{rx:.1f}" y1="{frame.top}" '
            f'y2="{frame.top + row * len(labels)}" stroke="#9b1c1c" stroke-dasharray="4 3"/>'
        )
    return _svg(frame, title, body)


def stacked_bar_chart(
    title: str,
    labels: list[str],
    segments: list[tuple[str, str]],
    values: list[list[float]],
) -> str:
    """Return one 100 % bar per label, split into SEGMENTS (name, colour), with a legend.

    VALUES holds, per label, one count per segment; each bar shows the shares and its total.
    """
    row = 22
    frame = Frame(height=64 + row * max(len(labels), 1), left=190, right=70, top=34, bottom=30)
    body = []
    lx = frame.left
    for name, color in segments:
        body.append(
            f'<rect x="{lx}" y="8" width="12" height="12" fill="{color}"/>'
            f'<text x="{lx + 16}" y="18">{escape(name)}</text>'
        )
        lx += 28 + 7 * len(name)
    for i, (label, counts) in enumerate(zip(labels, values, strict=True)):
        yy = frame.top + i * row
        total = sum(counts)
        body.append(
            f'<text x="{frame.left - 6}" y="{yy + 15}" text-anchor="end">{escape(label[:30])}</text>'
        )
        x = float(frame.left)
        for (name, color), n in zip(segments, counts, strict=True):
            if not total or not n:
                continue
            w = frame.plot_w * n / total
            share = f"{100 * n / total:.0f}%"
            body.append(
                f'<rect x="{x:.1f}" y="{yy + 3}" width="{w:.1f}" height="{row - 6}" fill="{color}">'
                f"<title>{escape(label)} – {escape(name)}: {_fmt(n)} ({share})</title></rect>"
            )
            if w > 34:
                body.append(
                    f'<text x="{x + w / 2:.1f}" y="{yy + 15}" text-anchor="middle" '
                    f'style="fill:#fff">{share}</text>'
                )
            x += w
        body.append(f'<text x="{frame.left + frame.plot_w + 4}" y="{yy + 15}">{_fmt(total)}</text>')
    return _svg(frame, title, body)
