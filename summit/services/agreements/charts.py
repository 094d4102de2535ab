"""Dashboard charts as server-drawn SVG: no JavaScript, the same markup on the page and in the
printed report. Every bar and point carries its number in words, so colour is never the only
signal; each chart has a <title> and <desc> for screen readers."""
from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 640
BAR = 22
GAP = 8
LABEL_W = 150
VALUE_W = 130
# A CSS style, not the font-family attribute: WeasyPrint's SVG reader drops a quoted family
# list in the attribute and falls back to Noto's default face, which draws Chinese in
# Japanese glyph shapes. Its SVG text also takes only the first family it finds, so the
# simplified face (which holds the traditional characters too) comes first.
FONT = "style=\"font-family: 'Noto Sans CJK SC', 'Noto Sans CJK TC', sans-serif\""
COLOURS = ("#9b1c1c", "#1f4fbf", "#1e7b34", "#a15c00", "#5b3f99", "#475467")


def _frame(height: int, title: str, desc: str, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" class="chart" {FONT} font-size="13">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{body}</svg>")


def _clip(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def bars(rows: list[tuple[str, Decimal, str]], title: str, empty: str) -> Markup:
    """Horizontal bars: (label, value, value in words) per row, largest first."""
    if not rows:
        return _frame(40, title, empty, f'<text x="8" y="24" fill="#5b6475">{escape(empty)}</text>')
    top = max((value for _label, value, _text in rows), default=Decimal(0)) or Decimal(1)
    span = WIDTH - LABEL_W - VALUE_W - 16
    parts = []
    for i, (label, value, text) in enumerate(rows):
        y = 8 + i * (BAR + GAP)
        width = max(1, int(span * Decimal(value) / top)) if value else 0
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + BAR - 6}" text-anchor="end">'
            f"{escape(_clip(label))}</text>"
            f'<rect x="{LABEL_W}" y="{y}" width="{width}" height="{BAR}" '
            f'fill="{COLOURS[0]}" rx="3"><title>{escape(label)}: {escape(text)}</title></rect>'
            f'<text x="{LABEL_W + width + 6}" y="{y + BAR - 6}">{escape(text)}</text>')
    height = 16 + len(rows) * (BAR + GAP)
    desc = "; ".join(f"{label}: {text}" for label, _value, text in rows)
    return _frame(height, title, desc, "".join(parts))


def funnel(rows: list[tuple[str, int, str]], title: str) -> Markup:
    """Centred bars narrowing stage by stage: (stage, count, share of the first in words)."""
    first = rows[0][1] if rows else 0
    label_w, value_w = 170, 90
    span = WIDTH - label_w - value_w
    parts = []
    for i, (label, count, share) in enumerate(rows):
        y = 8 + i * (BAR + GAP + 4)
        width = int(span * count / first) if first else 0
        x = label_w + (span - width) // 2
        parts.append(
            f'<text x="8" y="{y + BAR - 6}">{escape(_clip(label, 22))}</text>'
            f'<rect x="{x}" y="{y}" width="{max(width, 1)}" height="{BAR}" '
            f'fill="{COLOURS[(i + 1) % len(COLOURS)]}" rx="3"/>'
            f'<text x="{WIDTH - 8}" y="{y + BAR - 6}" text-anchor="end">'
            f"{count} · {escape(share)}</text>")
    height = 16 + len(rows) * (BAR + GAP + 4)
    desc = "; ".join(f"{label}: {count} ({share})" for label, count, share in rows)
    return _frame(height, title, desc, "".join(parts))


def line(points: list[tuple[str, Decimal, str]], title: str, empty: str) -> Markup:
    """Cumulative funds by month: (month, cumulative value, value in words)."""
    if not points:
        return _frame(40, title, empty, f'<text x="8" y="24" fill="#5b6475">{escape(empty)}</text>')
    height, left, right, top_pad, bottom = 240, 60, 30, 20, 50
    top = max(value for _m, value, _t in points) or Decimal(1)
    step = (WIDTH - left - right) / max(len(points) - 1, 1)

    def xy(i: int, value: Decimal) -> tuple[float, float]:
        return (left + i * step,
                top_pad + (height - top_pad - bottom) * (1 - float(Decimal(value) / top)))

    coords = [xy(i, value) for i, (_m, value, _t) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - right}" '
             f'y2="{height - bottom}" stroke="#b9bfcb"/>',
             f'<polyline points="{path}" fill="none" stroke="{COLOURS[1]}" stroke-width="2.5"/>']
    label_every = max(1, len(points) // 8)
    for i, ((month, _value, text), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOURS[1]}">'
                     f"<title>{escape(month)}: {escape(text)}</title></circle>")
        if i % label_every == 0 or i == len(points) - 1:
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                         f'font-size="11">{escape(month)}</text>')
    last_x, last_y = coords[-1]
    parts.append(f'<text x="{min(last_x, WIDTH - right - 4):.1f}" y="{max(last_y - 10, 12):.1f}" '
                 f'text-anchor="end">{escape(points[-1][2])}</text>')
    desc = "; ".join(f"{month}: {text}" for month, _value, text in points)
    return _frame(height, title, desc, "".join(parts))
