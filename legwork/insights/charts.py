"""Small SVG charts drawn on the server: no script, legible in print, each with a text alternative.

Every chart is an <svg role="img"> with an aria-label, a <title> and a <desc> that say in words what the
picture shows, so a screen reader (or a printout in black and white) loses nothing. Series differ by
line style and marker shape as well as colour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from legwork.lib.dates import add_time, day_end
from legwork.lib.svg_text import fit_lines, whole_if_shortened

from . import metrics
from .metrics import IntervalInsights

# Drawn narrow and scaled to the box (viewBox, width 100 %): legible on a 390 px phone without scrolling
# sideways, and capped in CSS so it doesn't grow huge on a desktop.
WIDTH = 420
INK = "#1d2327"
MUTED = "#5a6570"
LINE = "#c5ccd3"
ACCENT = "#1f5f8b"
GOOD = "#1e6b3a"
WARN = "#8a4b00"
SHADE = "#fff1dc"


def _svg(width: int, height: int, label: str, desc: str, body: list[str], css_class: str) -> SafeString:
    return format_html(
        '<div class="chart-wrap"><svg class="chart {}" role="img" viewBox="0 0 {} {}" width="100%"'
        ' preserveAspectRatio="xMinYMin meet"'
        ' aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title><desc>{}</desc>{}</svg></div>',
        css_class,
        width,
        height,
        label,
        label,
        desc,
        mark_safe("".join(body)),  # noqa: S308 - every piece below is built with format_html
    )


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start", fill: str = INK) -> str:
    return format_html(
        '<text x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}">{}</text>',
        f"{x:.1f}",
        f"{y:.1f}",
        size,
        anchor,
        fill,
        text,
    )


def timeline_summary(insights: IntervalInsights) -> str:
    interval = insights.interval
    parts = [
        f"{insights.entries} progress entr{'y' if insights.entries == 1 else 'ies'}",
        f"work on {insights.active_days} of {insights.days} days",
    ]
    if interval.end is not None:
        parts.append(f"{insights.last_minute} in the last 24 hours before the session")
    if insights.thinking_planned:
        parts.append(
            f"thinking time taken {insights.thinking_taken} of {insights.thinking_planned}"
            f" ({insights.thinking_skipped} skipped)"
        )
    if insights.stalled:
        parts.append(f"{len(insights.stalled)} stalled")
    return "; ".join(parts) + "."


def timeline_svg(insights: IntervalInsights) -> SafeString:
    """The interval day by day: entries per day (bars), each homework's entries (dots, by when written),
    thinking time (filled = taken, hollow = skipped, dash = not marked), the last 24 hours shaded."""
    interval = insights.interval
    # The whole interval up to the session's day, even the days still to come, so "today" sits in context.
    days = metrics.interval_days(interval, through_session=True)
    first, last = days[0], days[-1]
    counts = dict(metrics.day_counts(interval))
    rows = interval.homework[:8]
    # Every row's label sits above its own line, so the days get the full width on a phone.
    bar_h, row_h, top = 36, 30, 24
    rows_top = top + bar_h + 8
    height = rows_top + row_h * (len(rows) + 1) + 22
    x0, x1 = 8, WIDTH - 8
    zone = interval.zone
    t0 = dt.datetime.combine(days[0], dt.time.min, tzinfo=zone)
    t1 = day_end(days[-1], zone)
    span = (t1 - t0).total_seconds()

    def x_at(moment: dt.datetime) -> float:
        return x0 + (x1 - x0) * max(0.0, min(1.0, (moment - t0).total_seconds() / span))

    day_w = (x1 - x0) / len(days)
    body: list[str] = []
    if interval.end is not None:
        a, b = x_at(add_time(interval.end, -metrics.LAST_MINUTE)), x_at(interval.end)
        body.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                f"{a:.1f}",
                top,
                f"{max(b - a, 1):.1f}",
                height - top - 20,
                SHADE,
            )
        )
        body.append(_text(b, height - 24, "last 24 h", size=9, anchor="end", fill=WARN))
    if interval.end is not None and interval.now < interval.end:
        x = x_at(interval.now)
        body.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1.5" stroke-dasharray="4 3"/>',
                f"{x:.1f}",
                f"{x:.1f}",
                top - 8,
                height - 20,
                INK,
            )
        )
        body.append(_text(x - 3, top - 8, "today", size=10, anchor="end"))
    peak = max(counts.values(), default=0) or 1
    step = max(1, -(-len(days) // 7))
    for n, day in enumerate(days):
        x = x0 + n * day_w
        # Numbers and our own colours only, so nothing to escape: plain f-strings (format_html, per day and
        # per entry, was a good part of the brief's time).
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 20}" stroke="{LINE}" stroke-width="0.5"/>'
        )
        if counts.get(day):
            h = bar_h * counts[day] / peak
            body.append(
                f'<rect x="{x + 2:.1f}" y="{top + bar_h - h:.1f}" width="{max(day_w - 4, 1):.1f}" height="{h:.1f}"'
                f' fill="{ACCENT}"/>'
            )
            body.append(_text(x + day_w / 2, top + bar_h - h - 2, str(counts[day]), size=9, anchor="middle"))
        if n % step == 0:
            body.append(_text(x + day_w / 2, height - 6, day.strftime("%a %-d"), size=9, anchor="middle", fill=MUTED))
    body.append(_text(x0, top - 10, "Entries per day", size=12, fill=MUTED))
    for index, item in enumerate(rows):
        y = rows_top + index * row_h + 21
        # The title on one line above its dots; shortened only when it will not fit, then whole in its
        # <title> (and in the chart's desc).
        shown, shortened = fit_lines(item.title, 12, x1 - x0, lines=1)
        full = whole_if_shortened(item.title, shortened)
        body.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="{}">{}{}</text>',
                f"{x0:.1f}",
                f"{y - 9:.1f}",
                INK,
                full,
                shown[0],
            )
        )
        for entry in interval.entries.get(item.pk, []):
            body.append(f'<circle cx="{x_at(entry.written_at):.1f}" cy="{y:.1f}" r="4.5" fill="{ACCENT}"/>')
    y = rows_top + len(rows) * row_h + 21
    body.append(_text(x0, y - 9, "Thinking time", size=12))
    for slot in interval.thinking:
        cx = x_at(slot.starts_at)
        if slot.status == "taken":
            body.append(format_html('<circle cx="{}" cy="{}" r="5" fill="{}"/>', f"{cx:.1f}", f"{y:.1f}", GOOD))
        elif slot.status == "skipped":
            body.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="5" fill="#fff" stroke="{}" stroke-width="2"/>',
                    f"{cx:.1f}",
                    f"{y:.1f}",
                    WARN,
                )
            )
        else:
            body.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2"/>',
                    f"{cx - 4:.1f}",
                    f"{cx + 4:.1f}",
                    f"{y:.1f}",
                    f"{y:.1f}",
                    MUTED,
                )
            )
    if len(interval.homework) > len(rows):
        more = len(interval.homework) - len(rows)
        body.append(_text(x1, rows_top - 2, f"+{more} more homework", size=10, anchor="end", fill=MUTED))
    label = f"Timeline of the interval, {first:%-d %b} to {last:%-d %b}"
    return _svg(WIDTH, height, label, timeline_summary(insights), body, "timeline-chart")


RATES_SHOWN = 8
Series = list[tuple[str, str, str, str, str]]  # name, attribute, colour, dash pattern, marker
FOLLOW_THROUGH: Series = [
    ("Completion", "completion_rate", GOOD, "", "circle"),
    ("On time", "on_time_rate", ACCENT, "6 3", "square"),
]
EFFORT: Series = [
    ("Share of days with work", "active_share", GOOD, "", "circle"),
    ("Last-minute share", "last_minute_share", WARN, "2 3", "diamond"),
]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return format_html('<circle cx="{}" cy="{}" r="3.5" fill="{}"/>', f"{x:.1f}", f"{y:.1f}", colour)
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"/>', f"{x - 3.5:.1f}", f"{y - 3.5:.1f}", colour
        )
    return format_html('<path d="M{} {} l4 4 l-4 4 l-4 -4 z" fill="{}"/>', f"{x:.1f}", f"{y - 4:.1f}", colour)


def rates_svg(history: Sequence[IntervalInsights], series: Series = FOLLOW_THROUGH, title: str = "Rates") -> SafeString:
    """Rates per interval (0–100 %), oldest on the left, the latest `RATES_SHOWN` only, so each stays
    legible on a phone: completion and on time, or the spread of effort."""
    history = [h for h in history if h.interval.session is not None][-RATES_SHOWN:]
    height, top, bottom, left, right = 190, 34, 150, 36, WIDTH - 10
    body: list[str] = []
    for pct in (0, 50, 100):
        y = bottom - (bottom - top) * pct / 100
        body.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="0.5"/>',
                left,
                right,
                f"{y:.1f}",
                f"{y:.1f}",
                LINE,
            )
        )
        body.append(_text(left - 6, y + 4, f"{pct}%", size=10, anchor="end", fill=MUTED))
    count = len(history)

    def x_at(index: int) -> float:
        return left + 12 + (right - left - 24) * (index / (count - 1) if count > 1 else 0.5)

    for index, item in enumerate(history):
        session = item.interval.session
        assert session is not None
        day = item.interval.local_date(session.scheduled_at)
        body.append(_text(x_at(index), bottom + 16, f"{day:%-d %b}", size=10, anchor="middle", fill=MUTED))
    descriptions = []
    for n, (name, attr, colour, dash, shape) in enumerate(series):
        values = [getattr(item, attr) for item in history]
        lx = left + n * 200
        body.append(
            format_html(
                '<line x1="{}" x2="{}" y1="12" y2="12" stroke="{}" stroke-width="2"{}/>',
                lx,
                lx + 22,
                colour,
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
            )
        )
        body.append(_marker(shape, lx + 11, 12, colour))
        body.append(_text(lx + 28, 16, name, size=12))
        points = [(x_at(i), bottom - (bottom - top) * v) for i, v in enumerate(values) if v is not None]
        for i in range(len(values) - 1):
            if values[i] is not None and values[i + 1] is not None:
                ya = bottom - (bottom - top) * values[i]
                yb = bottom - (bottom - top) * values[i + 1]
                body.append(
                    format_html(
                        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2"{}/>',
                        f"{x_at(i):.1f}",
                        f"{x_at(i + 1):.1f}",
                        f"{ya:.1f}",
                        f"{yb:.1f}",
                        colour,
                        format_html(' stroke-dasharray="{}"', dash) if dash else "",
                    )
                )
        for x, y in points:
            body.append(_marker(shape, x, y, colour))
        descriptions.append(f"{name}: " + ", ".join(metrics.percent(v) for v in values))
    if not history:
        body.append(_text(WIDTH / 2, 90, "No reviewed intervals yet", size=12, anchor="middle", fill=MUTED))
    label = f"{title} over the last {count} interval{'' if count == 1 else 's'}"
    return _svg(WIDTH, height, label, "; ".join(descriptions) + "." if history else "No data yet.", body, "rates-chart")
