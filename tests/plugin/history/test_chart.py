import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from plugin.coaching.options import default_rules
from plugin.history.chart import ChartPoint, chart_range, recommended_gap_hours, render_gap_chart
from plugin.history.verdicts import TONE_COLOURS

UTC = dt.timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2024, 3, 13, 12, tzinfo=UTC)  # Wednesday
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def dots(svg: str):
    return parse(svg).findall(f"{SVG}circle")


def test_recommended_gap_comes_from_the_rules():
    rules = default_rules()
    assert recommended_gap_hours("strength", rules) == rules.well_separated_from_s / 3600 == 6
    assert recommended_gap_hours("hypertrophy", rules) == 6
    for goal in ("endurance", "weight_loss", "general"):
        assert recommended_gap_hours(goal, rules) == rules.close_gap_below_s / 3600 == 3
    coach = replace(rules, well_separated_from_s=7 * 3600, close_gap_below_s=2 * 3600)
    assert recommended_gap_hours("strength", coach) == 7
    assert recommended_gap_hours("general", coach) == 2


def test_range_is_eight_calendar_weeks_monday_first():
    start, end = chart_range(NOW, BERLIN, 8)
    assert start == dt.datetime(2024, 1, 21, 23, tzinfo=UTC)  # Mon 22 Jan 00:00 CET
    assert end == dt.datetime(2024, 3, 17, 23, tzinfo=UTC)    # Mon 18 Mar 00:00 CET


def test_one_mark_per_pair_in_range_coloured_by_verdict():
    points = [
        ChartPoint(NOW - dt.timedelta(hours=2), 30, "interference_risk", "Long run right after lifting"),
        ChartPoint(NOW - dt.timedelta(days=3), 420, "well_separated", "Well separated"),
        ChartPoint(NOW - dt.timedelta(days=20), 200, "acceptable_gap", "Acceptable gap"),
        ChartPoint(NOW - dt.timedelta(days=60), 100, "cooldown_ok"),   # before the range
        ChartPoint(NOW + dt.timedelta(days=7), 100, "cooldown_ok"),    # after it
    ]
    chart = render_gap_chart(points, now=NOW, zone=BERLIN, goal="strength", rules=default_rules())
    marks = dots(chart.svg)
    assert chart.points == len(marks) == 3
    by_verdict = {m.get("data-verdict"): m.get("fill") for m in marks}
    assert by_verdict == {
        "interference_risk": TONE_COLOURS["risk"],
        "well_separated": TONE_COLOURS["good"],
        "acceptable_gap": TONE_COLOURS["caution"],
    }
    titles = [m.find(f"{SVG}title").text for m in marks]
    assert "Wed 13 Mar: gap 30 min — Long run right after lifting (may cost gains)" in titles
    assert "Sun 10 Mar: gap 7 h — Well separated (fits your goal)" in titles


def test_higher_gap_is_drawn_higher_and_the_recommended_line_sits_between():
    points = [ChartPoint(NOW - dt.timedelta(days=1), 60, "interference_risk"),
              ChartPoint(NOW - dt.timedelta(days=2), 600, "well_separated")]
    chart = render_gap_chart(points, now=NOW, zone=UTC, goal="strength", rules=default_rules())
    root = parse(chart.svg)
    y = {m.get("data-verdict"): float(m.get("cy")) for m in root.findall(f"{SVG}circle")}
    line = next(el for el in root.findall(f"{SVG}line") if el.get("class") == "recommended")
    assert y["well_separated"] < float(line.get("y1")) < y["interference_risk"]  # SVG y grows downwards
    assert "recommended ≥ 6 h" in chart.svg


def test_text_alternative():
    points = [ChartPoint(NOW - dt.timedelta(days=1), 60, "keep_second_easy"),
              ChartPoint(NOW - dt.timedelta(days=2), 240, "acceptable_gap")]
    chart = render_gap_chart(points, now=NOW, zone=UTC, goal="general", rules=default_rules())
    root = parse(chart.svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "gap-chart-title gap-chart-desc"
    desc = root.find(f"{SVG}desc").text
    assert "2 pairs" in desc and "at least 3 h" in desc and "1 of 2 at or above it" in desc
    assert chart.summary == desc


def test_empty_chart_is_valid_svg():
    chart = render_gap_chart([], now=NOW, zone=UTC, goal="strength", rules=default_rules())
    assert dots(chart.svg) == []
    assert "0 pairs" in chart.summary


def test_week_labels_are_mondays_with_the_month_where_it_changes():
    chart = render_gap_chart([], now=NOW, zone=BERLIN, goal="strength", rules=default_rules())
    days = re.findall(r'<text class="week-day" x="([\d.]+)"[^>]*>(\d{1,2})</text>', chart.svg)
    months = re.findall(r'<text class="week-month" x="([\d.]+)"[^>]*>([A-Z][a-z]{2})</text>', chart.svg)
    assert [d for _, d in days] == ["22", "29", "5", "12", "19", "26", "4", "11"]
    assert [m for _, m in months] == ["Jan", "Feb", "Mar"]
    x_of_day = dict((d, x) for x, d in days)
    assert [x for x, _ in months] == [x_of_day["22"], x_of_day["5"], x_of_day["4"]]


def test_text_stays_readable_on_a_360_px_phone():
    # The page's side padding and the figure's border leave about 318 px of a 360 px screen.
    from plugin.history.chart import FONT_SIZE, WIDTH

    assert FONT_SIZE * 318 / WIDTH >= 12
    chart = render_gap_chart([], now=NOW, zone=BERLIN, goal="strength", rules=default_rules())
    root = parse(chart.svg)
    assert root.get("viewBox") == f"0 0 {WIDTH} {root.get('viewBox').split()[3]}"
    assert root.get("font-size") == str(FONT_SIZE)
    assert not [t for t in root.iter(f"{SVG}text") if t.get("font-size")]  # no smaller text anywhere


def test_each_tone_has_its_own_mark_besides_colour():
    points = [ChartPoint(NOW - dt.timedelta(hours=2), 30, "interference_risk"),
              ChartPoint(NOW - dt.timedelta(days=3), 420, "well_separated"),
              ChartPoint(NOW - dt.timedelta(days=5), 200, "acceptable_gap")]
    chart = render_gap_chart(points, now=NOW, zone=BERLIN, goal="strength", rules=default_rules())
    root = parse(chart.svg)
    marks = [el for el in root.iter(f"{SVG}path") if el.get("class") == "pair-mark"]
    assert len(marks) == 3 and len({m.get("d") for m in marks}) == 3
    tones = [m.get("data-tone") for m in dots(chart.svg)]
    assert sorted(tones) == ["caution", "good", "risk"]


def test_legend_shows_the_same_marks_in_words():
    from plugin.history.chart import LEGEND, TONE_MARKS

    assert [label for _, label in LEGEND] == ["fits your goal", "could be better", "may cost gains"]
    for (mark, _), path in zip(LEGEND, TONE_MARKS.values()):
        assert path in str(mark) and 'aria-hidden="true"' in str(mark)


@pytest.mark.parametrize("gap_minutes", [0, 59, 3 * 60, 72 * 60])
def test_every_gap_fits_inside_the_plot(gap_minutes):
    chart = render_gap_chart([ChartPoint(NOW, gap_minutes, "well_separated")], now=NOW, zone=UTC,
                             goal="strength", rules=default_rules())
    (mark,) = dots(chart.svg)
    assert 0 < float(mark.get("cy")) < 250


def test_headlines_are_escaped():
    chart = render_gap_chart([ChartPoint(NOW, 5, "cooldown_ok", "<script>x</script>")], now=NOW, zone=UTC,
                             goal="strength", rules=default_rules())
    assert "<script>" not in chart.svg
    parse(chart.svg)
