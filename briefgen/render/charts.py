"""Charts as small, hand-written vector SVG, inlined in the page (and so in the PDF).

Written by hand rather than with a plotting library: the output is deterministic, tiny,
fetches nothing, keeps its text as text (Hangul labels render with the page's fonts and
can be searched in the PDF), and can be restyled for dark mode by the page's CSS.

Print comes first: every colour is a presentation attribute that WeasyPrint reads (it
does not apply page CSS inside SVG), and the series differ in lightness, not hue, so they
survive grey-scale printing; values are labelled directly on the bars. Every piece of text
is escaped: theme labels come from the config, and nothing here may carry markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

# The page's own faces: Noto Sans CJK KR sets Latin and Hangul labels alike.
FONT = "Noto Sans CJK KR, DejaVu Sans, sans-serif"
# Narrow on purpose: on a 390 px phone the labels stay near their set size.
WIDTH = 400
# Dark and light differ by ~130 levels of grey: two series stay apart in grey-scale print.
INK, MUTED, RULE = "#1b1f24", "#5b6470", "#c9ced6"
DARK, LIGHT = "#12355b", "#9fb6cf"
LABEL_CHARS = 44


@dataclass(frozen=True)
class Bar:
    """One row of the coverage chart."""

    label: str
    articles: int
    passages: int
    muted: bool = False


def coverage_chart(rows: Sequence[Bar], chart_id: str = "chart-coverage") -> Markup:
    """Articles and passages per theme: one row per theme, a bar per measure, own scales."""
    col_a, col_b = 0, 200
    bar_a, bar_b = 150, 165  # longest bar of each column; the rest is room for the number
    top, row_h = 26, 46
    height = top + row_h * len(rows) + 4
    max_a = max((r.articles for r in rows), default=0) or 1
    max_p = max((r.passages for r in rows), default=0) or 1
    summary = "; ".join(f"{r.label}: {_n(r.articles, 'article')}, {_n(r.passages, 'passage')}" for r in rows)
    parts = [
        _open(chart_id, height, "Articles and passages per theme", summary),
        _text(col_a, 12, "Articles", MUTED, "t-muted", size=11, weight="bold"),
        _text(col_b, 12, "Passages", MUTED, "t-muted", size=11, weight="bold"),
        _line(0, 19, WIDTH, 19, RULE, "l-rule"),
    ]
    for i, row in enumerate(rows):
        y = top + i * row_h
        colour, cls = (MUTED, "t-muted") if row.muted else (INK, "t-ink")
        parts.append(_text(0, y + 13, _fit(row.label), colour, cls, size=13, weight="normal" if row.muted else "bold"))
        parts.append(_bar(col_a, y + 20, row.articles / max_a * bar_a, 14, DARK, "b-dark"))
        parts.append(_text(col_a + _len(row.articles / max_a * bar_a) + 5, y + 31, str(row.articles), INK, "t-ink", size=12))
        parts.append(_bar(col_b, y + 20, row.passages / max_p * bar_b, 14, LIGHT, "b-light", stroke=DARK))
        parts.append(_text(col_b + _len(row.passages / max_p * bar_b) + 5, y + 31, str(row.passages), INK, "t-ink", size=12))
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_chart(
    days: Sequence[date], rows: Sequence[tuple[str, Sequence[int | None]]], chart_id: str = "chart-trend"
) -> Markup:
    """Passages per theme per day as small multiples on one shared scale.

    `days` are oldest first and end with the brief's date; each row gives one value per
    day, None where no brief was written that day (drawn as a hollow dot, not as zero)."""
    slots = len(days)
    slot = WIDTH / max(slots, 1)
    bar_w = min(22.0, slot * 0.68)
    plot_h, label_h, gap = 40, 30, 14
    row_h = label_h + plot_h + gap
    top = 4
    axis_y = top + row_h * len(rows)
    height = axis_y + 40
    peak = max((v for _, values in rows for v in values if v), default=0) or 1
    summary = "; ".join(
        f"{label}: {_n(values[-1] or 0, 'passage')} in this brief, "
        f"{sum(1 for v in values[:-1] if v is not None)} earlier briefs"
        for label, values in rows
    )
    parts = [_open(chart_id, height, f"Passages per theme, last {slots} days", summary)]
    for i, (label, values) in enumerate(rows):
        y0 = top + i * row_h
        base = y0 + label_h + plot_h
        parts.append(_text(0, y0 + 13, _fit(label), INK, "t-ink", size=13, weight="bold"))
        parts.append(_line(0, base, WIDTH, base, RULE, "l-rule"))
        labelled = _labelled(values)
        for j, value in enumerate(values):
            cx = slot * j + slot / 2
            if value is None:
                parts.append(
                    f'<circle class="m-none" cx="{_c(cx)}" cy="{_c(base - 3)}" r="2.5" fill="none" '
                    f'stroke="{MUTED}" stroke-width="1"/>'
                )
                continue
            today = j == slots - 1
            h = max(value / peak * plot_h, 1.5)
            fill, cls = (DARK, "b-dark") if today else (LIGHT, "b-light")
            parts.append(_bar(cx - bar_w / 2, base - h, bar_w, h, fill, cls))
            if j in labelled:
                parts.append(
                    _text(cx, base - h - 3, str(value), INK, "t-ink", size=11,
                          anchor="middle", weight="bold" if today else "normal")
                )
    # Axis: first, middle and last day, so a reader can place every bar.
    for j in sorted({0, slots // 2, slots - 1}):
        if 0 <= j < slots:
            day = days[j]
            anchor = "start" if j == 0 else "end" if j == slots - 1 else "middle"
            x = 0 if j == 0 else WIDTH if j == slots - 1 else slot * j + slot / 2
            parts.append(_text(x, axis_y + 4, f"{day.day} {day:%b}", MUTED, "t-muted", size=11, anchor=anchor))
    legend_y = axis_y + 26
    parts.append(_bar(0, legend_y - 9, 10, 10, DARK, "b-dark"))
    parts.append(_text(15, legend_y, "this brief", MUTED, "t-muted", size=11))
    parts.append(_bar(92, legend_y - 9, 10, 10, LIGHT, "b-light"))
    parts.append(_text(107, legend_y, "earlier briefs", MUTED, "t-muted", size=11))
    parts.append(
        f'<circle class="m-none" cx="{_c(219)}" cy="{_c(legend_y - 4)}" r="2.5" fill="none" stroke="{MUTED}" stroke-width="1"/>'
    )
    parts.append(_text(226, legend_y, "no brief that day", MUTED, "t-muted", size=11))
    parts.append("</svg>")
    return Markup("".join(parts))


def _labelled(values: Sequence[int | None]) -> set[int]:
    """Which bars carry their number: this brief's, and the highest earlier one if different."""
    out = {len(values) - 1} if values and values[-1] is not None else set()
    earlier = [(v, j) for j, v in enumerate(values[:-1]) if v]
    if earlier:
        value, where = max(earlier)
        if value != values[-1]:
            out.add(where)
    return out


# -- SVG pieces: every string through escape(), every number through _c() -------------


def _open(chart_id: str, height: float, title: str, summary: str) -> str:
    cid = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" viewBox="0 0 {WIDTH} {_c(height)}" '
        f'width="{WIDTH}" height="{_c(height)}" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="{FONT}">'
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(summary)}</desc>'
    )


def _text(
    x: float, y: float, text: str, fill: str, cls: str, *, size: int,
    weight: str = "normal", anchor: str = "start",
) -> str:
    return (
        f'<text class="{cls}" x="{_c(x)}" y="{_c(y)}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
    )


def _bar(x: float, y: float, w: float, h: float, fill: str, cls: str, stroke: str | None = None) -> str:
    outline = f' stroke="{stroke}" stroke-width="0.8"' if stroke else ""
    return f'<rect class="{cls}" x="{_c(x)}" y="{_c(y)}" width="{_c(_len(w))}" height="{_c(h)}" fill="{fill}"{outline}/>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, cls: str) -> str:
    return f'<line class="{cls}" x1="{_c(x1)}" y1="{_c(y1)}" x2="{_c(x2)}" y2="{_c(y2)}" stroke="{stroke}" stroke-width="1"/>'


def _len(value: float) -> float:
    # A zero still shows as a sliver, so "0" reads as a value and not as a gap.
    return max(value, 1.5)


def _c(value: float) -> str:
    """A coordinate with at most one decimal: short and identical from run to run."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _fit(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"
