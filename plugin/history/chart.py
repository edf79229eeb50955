"""The gap chart: server-rendered inline SVG, no JavaScript.

One dot per pair whose later activity started in the last `weeks` calendar
weeks (Monday first, athlete's time zone): x = when, y = gap in hours, colour =
the verdict's tone, and a white mark on the dot (tick, bar, cross) that tells
the tone without colour. A dashed line marks the goal's recommended gap. The
SVG carries a title and a description as its text alternative, and each dot a
<title> with its date, gap and verdict in words.

The drawing is narrow (360 units) so that its 14-unit text stays at about
12 px or more when a 360 px phone scales it down; the stylesheet keeps it
from growing much on a desktop. Week labels are two lines (day, then the
month where it changes), so eight of them fit that width.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from plugin.coaching.codes import STRENGTH_GOALS
from plugin.coaching.durations import format_gap, format_number
from plugin.coaching.rules import Rules
from plugin.history.summary import week_start
from plugin.verdict_tones import CAUTION, GOOD, RISK, TONE_COLOURS, TONE_LABELS, TONES, colour, tone

UTC = dt.timezone.utc

# Small enough that the text stays readable when a phone scales the SVG down.
WIDTH, HEIGHT = 360, 232
LEFT, RIGHT, TOP, BOTTOM = 38, 8, 16, 54
FONT_SIZE = 14
DOT_RADIUS = 7
# A white mark on each dot, drawn around (0, 0): the tone without colour.
TONE_MARKS = {
    GOOD: "M-3.5 0.2 L-1 2.8 L3.6 -2.6",   # tick
    CAUTION: "M-3.6 0 H3.6",               # bar
    RISK: "M-3 -3 L3 3 M3 -3 L-3 3",       # cross
}


def _mark(verdict_tone: str | None, x: float, y: float) -> str:
    path = TONE_MARKS.get(verdict_tone or "")
    if not path:
        return ""
    return (f'<path class="pair-mark" d="{path}" transform="translate({x:.1f} {y:.1f})" fill="none" '
            'stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"/>')


@dataclass(frozen=True)
class ChartPoint:
    start: dt.datetime  # the later activity's start, aware UTC
    gap_minutes: int
    verdict: str
    headline: str = ""


@dataclass(frozen=True)
class Chart:
    svg: str
    summary: str
    points: int
    recommended_hours: float


def recommended_gap_hours(goal: str, rules: Rules) -> float:
    """Strength and hypertrophy: the "well separated" limit; other goals: the close-gap limit."""
    seconds = rules.well_separated_from_s if goal in STRENGTH_GOALS else rules.close_gap_below_s
    return seconds / 3600


def chart_range(now: dt.datetime, zone: dt.tzinfo, weeks: int) -> tuple[dt.datetime, dt.datetime]:
    """From Monday 00:00 `weeks - 1` weeks before this week's Monday to next Monday (local), in UTC."""
    this_monday = week_start(now, zone).date()
    first = this_monday - dt.timedelta(weeks=weeks - 1)
    end = this_monday + dt.timedelta(weeks=1)
    as_utc = lambda day: dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(UTC)  # noqa: E731
    return as_utc(first), as_utc(end)


def _tick_step(top: float) -> int:
    for step in (1, 2, 3, 6, 12, 24):
        if top / step <= 6:
            return step
    return 24


def render_gap_chart(points: list[ChartPoint], *, now: dt.datetime, zone: dt.tzinfo, goal: str,
                     rules: Rules, weeks: int = 8) -> Chart:
    start, end = chart_range(now, zone, weeks)
    shown = sorted((p for p in points if p.start is not None and start <= p.start < end), key=lambda p: p.start)
    recommended = recommended_gap_hours(goal, rules)

    largest = max((p.gap_minutes / 60 for p in shown), default=0.0)
    step = _tick_step(max(recommended * 2, largest))
    top = max(step, math.ceil(max(recommended * 2, largest * 1.05) / step) * step)

    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    span = (end - start).total_seconds()

    def x_of(moment: dt.datetime) -> float:
        return LEFT + plot_w * (moment - start).total_seconds() / span

    def y_of(hours: float) -> float:
        return TOP + plot_h * (1 - min(hours, top) / top)

    met = sum(1 for p in shown if p.gap_minutes / 60 >= recommended)
    first_day = start.astimezone(zone).date()
    last_day = (end.astimezone(zone) - dt.timedelta(days=1)).date()
    summary = (
        f"Gap between lift and run, in hours, for {len(shown)} pair{'' if len(shown) == 1 else 's'} "
        f"from {first_day.day} {first_day:%b} to {last_day.day} {last_day:%b %Y}. Recommended for your goal: at least "
        f"{format_number(recommended)} h; {met} of {len(shown)} at or above it."
    )

    out: list[str] = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="gap-chart-title gap-chart-desc" font-family="system-ui, sans-serif" '
        f'font-size="{FONT_SIZE}">',
        '<title id="gap-chart-title">Gaps between your lifts and runs, last '
        f'{weeks} weeks</title>',
        f'<desc id="gap-chart-desc">{escape(summary)}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fafafa" stroke="#e3e5e8"/>',
    ]
    # Horizontal grid and y labels.
    for value in range(0, int(top) + 1, step):
        y = y_of(value)
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e5e8"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5c6370">{value} h</text>')
    # One vertical line and label per week (Mondays): the day, and below it the month where it changes.
    previous_month = None
    for week in range(weeks + 1):
        day = first_day + dt.timedelta(weeks=week)
        x = x_of(dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(UTC))
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#e3e5e8"/>')
        if week < weeks:
            out.append(f'<text class="week-day" x="{x + 2:.1f}" y="{TOP + plot_h + 16}" fill="#5c6370">{day.day}</text>')
            if day.month != previous_month:
                out.append(f'<text class="week-month" x="{x + 2:.1f}" y="{TOP + plot_h + 32}" fill="#5c6370">'
                           f'{day:%b}</text>')
                previous_month = day.month
    # The recommended gap.
    ry = y_of(recommended)
    out.append(f'<line class="recommended" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ry:.1f}" y2="{ry:.1f}" '
               f'stroke="#1f2328" stroke-width="1.5" stroke-dasharray="6 4"/>')
    out.append(f'<text x="{LEFT + plot_w - 4}" y="{ry - 5:.1f}" text-anchor="end" fill="#1f2328" font-weight="600">'
               f'recommended ≥ {format_number(recommended)} h</text>')
    # The pairs.
    for p in shown:
        hours = p.gap_minutes / 60
        verdict_tone = tone(p.verdict)
        label = f"{p.start.astimezone(zone):%a %d %b}: gap {format_gap(p.gap_minutes * 60)}"
        if p.headline:
            label += f" — {p.headline}"
        if verdict_tone:
            label += f" ({TONE_LABELS[verdict_tone]})"
        if hours > top:
            label += " (off the scale)"
        x, y = x_of(p.start), y_of(hours)
        out.append(
            f'<circle class="pair-dot" data-verdict="{escape(p.verdict)}" data-tone="{verdict_tone or ""}" '
            f'cx="{x:.1f}" cy="{y:.1f}" r="{DOT_RADIUS}" fill="{colour(p.verdict)}" stroke="#fff" stroke-width="1.5">'
            f'<title>{escape(label)}</title></circle>'
        )
        out.append(_mark(verdict_tone, x, y))
    out.append(f'<text x="{LEFT}" y="{HEIGHT - 4}" fill="#5c6370">week starting (Monday)</text>')
    out.append("</svg>")
    return Chart(svg="".join(out), summary=summary, points=len(shown), recommended_hours=recommended)


def legend_mark(verdict_tone: str) -> Markup:
    """Draw the dot as on the chart, for the legend next to it (built from constants only)."""
    return Markup(
        f'<svg class="legend-mark" viewBox="-8 -8 16 16" width="16" height="16" aria-hidden="true" focusable="false">'
        f'<circle r="{DOT_RADIUS}" fill="{TONE_COLOURS[verdict_tone]}"/>{_mark(verdict_tone, 0, 0)}</svg>'
    )


# (mark, words) per tone, in the site's order: what the history page's legend shows.
LEGEND = [(legend_mark(t), TONE_LABELS[t]) for t in TONES]
