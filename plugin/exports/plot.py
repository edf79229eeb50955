"""Draw the gap of every pair over time, coloured by verdict.

matplotlib is imported only when a plot is asked for (it costs about a second
at start-up), and through Figure + the Agg canvas rather than pyplot, so no
GUI backend or global state is touched, on a server or a laptop alike.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from plugin.exports.summary import VERDICT_ORDER

GUIDES_HOURS = ((3, "3 h: separate sessions"), (6, "6 h: well separated"))


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


def plot_gaps(records: list[dict], by_id: dict, path: str | Path, *, title: str = "") -> None:
    """Write a PNG; an export without pairs still gets a (labelled) empty chart."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    colours = {verdict: f"C{i % 10}" for i, verdict in enumerate(VERDICT_ORDER)}
    points: dict[str, tuple[list, list]] = {}
    for record in records:
        when = _when(record, by_id)
        if when is None:
            continue
        xs, ys = points.setdefault(record["verdict"], ([], []))
        xs.append(when)
        ys.append(record["gap_minutes"] / 60)
    rank = {verdict: i for i, verdict in enumerate(VERDICT_ORDER)}
    for verdict in sorted(points, key=lambda v: (rank.get(v, len(rank)), v)):
        xs, ys = points[verdict]
        axes.scatter(xs, ys, s=18, color=colours.get(verdict, "black"),
                     label=f"{verdict} ({len(xs)})")
    for hours, label in GUIDES_HOURS:
        axes.axhline(hours, color="grey", linestyle="--", linewidth=0.8)
        axes.annotate(label, xy=(0, hours), xycoords=("axes fraction", "data"),
                      xytext=(4, 2), textcoords="offset points", fontsize=8, color="grey")
    if not points:
        axes.text(0.5, 0.5, "no lift/run pairs", transform=axes.transAxes,
                  ha="center", va="center")
    else:
        axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
        figure.autofmt_xdate()
    axes.set_xlabel("date of the later activity (UTC)")
    axes.set_ylabel("gap (hours)")
    highest = max((y for _, ys in points.values() for y in ys), default=0)
    axes.set_ylim(0, max(7.0, highest * 1.05))
    axes.set_title(title or "Gap between lifting and running")
    figure.tight_layout()
    figure.savefig(path, format="png")
