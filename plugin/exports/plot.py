"""Draw the gap of every pair over time, coloured and shaped by the verdict's tone.

The colours and words are the site's (plugin.verdict_tones): a green dot on
the plot means what a green dot on the history page means, and the legend
says it in words ("may cost gains"), never in verdict codes. Each tone also
has its own marker shape, so the plot reads without colour vision too.

matplotlib is imported only when a plot is asked for (it costs about a second
at start-up), and through Figure + the Agg canvas rather than pyplot, so no
GUI backend or global state is touched, on a server or a laptop alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from plugin.coaching.durations import format_hours
from plugin.coaching.options import default_rules
from plugin.coaching.rules import Rules
from plugin.verdict_tones import CAUTION, GOOD, RISK, TONE_COLOURS, TONE_LABELS, TONES, UNKNOWN_COLOUR, tone

MARKERS = {GOOD: "o", CAUTION: "s", RISK: "^"}
UNKNOWN = "unknown"


@dataclass
class Series:
    """The pairs of one tone: what the legend names and the axes draw."""

    tone: str
    label: str
    colour: str
    marker: str
    xs: list = field(default_factory=list)
    ys: list = field(default_factory=list)

    @property
    def legend(self) -> str:
        return f"{self.label} ({len(self.xs)})"


def _when(record: dict, by_id: dict) -> datetime | None:
    start = (by_id.get(record.get("later_id")) or {}).get("start_date")
    if isinstance(start, datetime):
        return start if start.tzinfo else start.replace(tzinfo=timezone.utc)
    if isinstance(start, str):
        try:
            return datetime.fromisoformat(start.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def series_by_tone(records: list[dict], by_id: dict) -> list[Series]:
    """One series per tone that has pairs, in the site's order (good, could be better, may cost gains)."""
    found: dict[str, Series] = {}
    for record in records:
        when = _when(record, by_id)
        if when is None:
            continue
        key = tone(record.get("verdict", "")) or UNKNOWN
        if key not in found:
            found[key] = Series(key, TONE_LABELS.get(key, "other verdict"),
                                TONE_COLOURS.get(key, UNKNOWN_COLOUR), MARKERS.get(key, "x"))
        found[key].xs.append(when)
        found[key].ys.append(record["gap_minutes"] / 60)
    order = {name: i for i, name in enumerate((*TONES, UNKNOWN))}
    return sorted(found.values(), key=lambda s: order[s.tone])


def guides(rules: Rules) -> list[tuple[float, str]]:
    """Return the dashed lines: the coach's limits for "separate sessions" and "well separated"."""
    return [(rules.close_gap_below_s / 3600, f"{format_hours(rules.close_gap_below_s)} h: separate sessions"),
            (rules.well_separated_from_s / 3600, f"{format_hours(rules.well_separated_from_s)} h: well separated")]


def plot_gaps(records: list[dict], by_id: dict, path: str | Path, *, title: str = "",
              rules: Rules | None = None) -> list[str]:
    """Write a PNG and return its legend entries; an export without pairs still gets a (labelled) chart."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    series = series_by_tone(records, by_id)
    for s in series:
        axes.scatter(s.xs, s.ys, s=44, color=s.colour, marker=s.marker, edgecolors="white",
                     linewidths=0.6, label=s.legend)
    for hours, label in guides(rules or default_rules()):
        axes.axhline(hours, color="grey", linestyle="--", linewidth=0.8)
        axes.annotate(label, xy=(0, hours), xycoords=("axes fraction", "data"),
                      xytext=(4, 2), textcoords="offset points", fontsize=8, color="dimgrey")
    if not series:
        axes.text(0.5, 0.5, "no lift/run pairs", transform=axes.transAxes,
                  ha="center", va="center")
    else:
        axes.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1), title="Verdict")
        figure.autofmt_xdate()
    axes.set_xlabel("date of the later activity (UTC)")
    axes.set_ylabel("gap (hours)")
    highest = max((y for s in series for y in s.ys), default=0)
    axes.set_ylim(0, max(7.0, highest * 1.05))
    axes.set_title(title or "Gap between lifting and running")
    figure.tight_layout()
    figure.savefig(path, format="png")
    legend = axes.get_legend()
    return [text.get_text() for text in legend.get_texts()] if legend else []
