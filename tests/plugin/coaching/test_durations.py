"""One spelling of gaps and thresholds on every surface."""

from __future__ import annotations

import datetime as dt

import pytest

from plugin.coaching.durations import format_gap, format_hours, format_number
from plugin.history.chart import ChartPoint, render_gap_chart
from plugin.history.routes import format_gap as history_gap


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 min"), (59, "0 min"), (45 * 60, "45 min"), (3600, "1 h"), (3600 + 5 * 60, "1 h 5 min"),
    (2 * 3600 + 50 * 60 + 59, "2 h 50 min"), (30 * 3600, "30 h"),
])
def test_gap(seconds, text):
    assert format_gap(seconds) == text


def test_numbers_and_hours_use_the_catalogs_separator():
    assert format_number(2.0) == "2" and format_number(2.5) == "2.5" and format_number(2.5, ",") == "2,5"
    assert format_hours(16200) == "4.5" and format_hours(3 * 3600) == "3" and format_hours(16200, ",") == "4,5"


def test_history_and_chart_write_a_gap_like_the_advice():
    assert history_gap(125) == format_gap(125 * 60) == "2 h 5 min"
    assert history_gap(None) == "unknown" and history_gap(0).startswith("none")
    from plugin.coaching.options import default_rules

    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.timezone.utc)
    chart = render_gap_chart([ChartPoint(now - dt.timedelta(days=1), 125, "well_separated", "Well separated")],
                             now=now, zone=dt.timezone.utc, goal="general", rules=default_rules(), weeks=8)
    assert "gap 2 h 5 min" in chart.svg
