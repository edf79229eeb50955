import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from plugin.coaching.codes import VERDICTS
from plugin.history.summary import phrase_counts, week_bounds, weekly_line
from plugin.history.verdicts import VERDICT_PHRASES, VERDICT_TONES

UTC = dt.timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def test_every_verdict_has_a_tone_and_a_phrase():
    assert set(VERDICT_TONES) == set(VERDICTS)
    assert set(VERDICT_PHRASES) == set(VERDICTS)


def test_phrase_from_counts_most_frequent_first():
    verdicts = ["interference_risk", "well_separated", "well_separated"]
    assert phrase_counts(verdicts) == "3 pairs, 2 well separated, 1 cool-down too long"


def test_phrase_singular_and_plural():
    assert phrase_counts(["acceptable_gap"]) == "1 pair, 1 acceptable gap"
    assert phrase_counts(["acceptable_gap"] * 2) == "2 pairs, 2 acceptable gaps"
    assert phrase_counts([]) == "no pairs yet"


def test_both_fits_goal_codes_share_one_phrase():
    assert phrase_counts(["fits_goal_lift_first", "fits_goal_run_first"]) == "2 pairs, 2 fitting your goal"


def test_unknown_code_still_phrased():
    assert phrase_counts(["brand_new_code"]) == "1 pair, 1 brand new code"


def test_week_is_monday_to_monday_in_local_time():
    # Sunday 23:30 UTC is already Monday 00:30 in Berlin (winter, UTC+1).
    now = utc(2024, 3, 10, 23, 30)
    start, end = week_bounds(now, BERLIN)
    assert start == utc(2024, 3, 10, 23, 0)  # Mon 11 Mar 00:00 CET
    assert end == utc(2024, 3, 17, 23, 0)
    start_utc, _ = week_bounds(now, UTC)
    assert start_utc == utc(2024, 3, 4)


def test_week_across_daylight_saving_is_still_monday_to_monday():
    start, end = week_bounds(utc(2024, 3, 28, 12), BERLIN)  # DST starts Sun 31 Mar
    assert start == utc(2024, 3, 24, 23)
    assert end == utc(2024, 3, 31, 22)
    assert end - start == dt.timedelta(hours=167)


@pytest.mark.parametrize(
    "start, counted",
    [
        (utc(2024, 3, 10, 22, 59), False),  # Sun 23:59 Berlin: last week
        (utc(2024, 3, 10, 23, 0), True),    # Mon 00:00 Berlin
        (utc(2024, 3, 17, 22, 59), True),   # Sun 23:59 Berlin
        (utc(2024, 3, 17, 23, 0), False),   # next Monday
        (None, False),
    ],
)
def test_weekly_line_counts_only_this_calendar_week(start, counted):
    now = utc(2024, 3, 13, 12)
    line = weekly_line([(start, "well_separated")], now, BERLIN)
    assert line == ("This week: 1 pair, 1 well separated" if counted else "This week: no pairs yet")
