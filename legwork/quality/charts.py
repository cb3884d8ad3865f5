"""The check-in chart: each scale's answers across sessions, one small line each, scaled to its box.

An <svg role="img"> with a title and a desc, and beside it a table with every value, so a screen
reader or a black-and-white printout loses nothing. Drawn on the server, no script.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from legwork.lib.svg_text import fit_lines, whole_if_shortened

from .metrics import CheckInSeries
from .models import CHECK_IN_MAX

WIDTH = 600
ROW = 64
LABEL_W = 190
PAD = 14
INK = "#1d2327"
MUTED = "#5a6570"
LINE = "#c5ccd3"
ACCENT = "#1f5f8b"


def _describe(series: CheckInSeries) -> str:
    values = ", ".join(str(v) for _, v in series.points) or "no answers yet"
    change = series.change
    if change is None:
        trend = ""
    elif change > 0:
        trend = f" (up {change})"
    elif change < 0:
        trend = f" (down {-change})"
    else:
        trend = " (level)"
    return f"{series.question} ({_ends(series, ', ')}): {values}{trend}"


def _ends(series: CheckInSeries, between: str = " · ") -> str:
    """What the scale's two ends mean: "0 stuck · 10 on track"."""
    return f"0 {series.low_label}{between}{CHECK_IN_MAX} {series.high_label}"


def check_in_svg(all_series: list[CheckInSeries], *, title: str = "Check-ins across sessions") -> SafeString:
    """One row per scale: 0 at the bottom, 10 at the top, one point per session answered."""
    shown = [s for s in all_series if s.points]
    if not shown:
        return mark_safe("")
    dates = sorted({when for s in shown for when, _ in s.points})
    plot_w = WIDTH - LABEL_W - PAD
    step = plot_w / max(len(dates) - 1, 1)
    x_of = {when: LABEL_W + (i * step if len(dates) > 1 else plot_w / 2) for i, when in enumerate(dates)}
    body: list[str] = []
    for row, series in enumerate(shown):
        top = PAD + row * ROW
        height = ROW - 24

        def y(value: int, top: float = top, height: float = height) -> float:
            return top + height - value / CHECK_IN_MAX * height

        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
                LABEL_W,
                f"{y(0):.1f}",
                WIDTH - PAD,
                f"{y(0):.1f}",
                LINE,
            )
        )
        # The question whole, on two lines if it needs them; shortened only past two, and then whole in
        # its <title> (and in the desc and the table of numbers).
        lines, shortened = fit_lines(series.question, 12, LABEL_W - 8)
        spans = format_html_join(
            "", '<tspan x="0" dy="{}">{}</tspan>', ((0 if i == 0 else 13, line) for i, line in enumerate(lines))
        )
        full = whole_if_shortened(series.question, shortened)
        body.append(
            format_html('<text x="0" y="{}" font-size="12" fill="{}">{}{}</text>', f"{top + 12:.1f}", INK, full, spans)
        )
        ends, ends_shortened = fit_lines(_ends(series), 10, LABEL_W - 8, lines=1)
        ends_full = whole_if_shortened(_ends(series), ends_shortened)
        body.append(
            format_html(
                '<text x="0" y="{}" font-size="10" fill="{}">{}{}</text>',
                f"{top + 12 + 13 * len(lines) + 1:.1f}",
                MUTED,
                ends_full,
                ends[0],
            )
        )
        points = " ".join(f"{x_of[when]:.1f},{y(value):.1f}" for when, value in series.points)
        if len(series.points) > 1:
            body.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>', points, ACCENT))
        for when, value in series.points:
            body.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}: {}</title></circle>'
                    '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="{}">{}</text>',
                    f"{x_of[when]:.1f}",
                    f"{y(value):.1f}",
                    ACCENT,
                    when.strftime("%d %b"),
                    value,
                    f"{x_of[when]:.1f}",
                    f"{y(value) - 7:.1f}",
                    INK,
                    value,
                )
            )
    axis_y = PAD + len(shown) * ROW - 6
    for index, when in enumerate(dates):
        # The latest date ends at the plot's edge rather than straddling it (it was cut off).
        anchor = "end" if len(dates) > 1 and index == len(dates) - 1 else "middle"
        body.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="{}" fill="{}">{}</text>',
                f"{x_of[when] + (4 if anchor == 'end' else 0):.1f}",
                axis_y,
                anchor,
                MUTED,
                when.strftime("%d %b"),
            )
        )
    height = PAD + len(shown) * ROW + 4
    desc = "; ".join(_describe(s) for s in shown)
    svg = format_html(
        '<svg class="chart check-ins" role="img" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet"'
        ' aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title><desc>{}</desc>{}</svg>',
        WIDTH,
        height,
        title,
        title,
        desc,
        mark_safe("".join(body)),  # noqa: S308 - built with format_html
    )
    day = {when: when.strftime("%d %b") for when in dates}
    head = format_html_join("", '<th scope="col">{}</th>', ((day[when],) for when in dates))
    rows = []
    for series in shown:
        by_date = dict(series.points)
        # On a phone the rows stack and the dates above are hidden: each answer carries its date.
        cells = format_html_join(
            "", '<td data-label="{}">{}</td>', ((day[when], by_date.get(when, "–")) for when in dates)
        )
        rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', series.question, cells))
    table = format_html(
        '<details class="chart-text"><summary>The numbers</summary><table class="table compact">'
        '<thead><tr><th scope="col">Scale (0–{})</th>{}</tr></thead><tbody>{}</tbody></table></details>',
        CHECK_IN_MAX,
        head,
        mark_safe("".join(rows)),  # noqa: S308 - built with format_html
    )
    return format_html('<figure class="check-in-chart"><div class="chart-wrap">{}</div>{}</figure>', svg, table)
