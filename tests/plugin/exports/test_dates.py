from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from plugin.exports.dates import infer_slash_order, parse_activity_date, to_strava_iso
from tests.plugin.exports.builders import english_date

EXPECTED = datetime(2024, 1, 5, 18, 1, 33, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", [
    "Jan 5, 2024, 6:01:33 PM",
    "Jan 5, 2024 6:01:33 PM",
    "Jan 5, 2024, 6:01:33\u202fPM",          # CLDR narrow no-break space
    "January 5, 2024 at 6:01:33 pm",
    "5. Jan. 2024, 18:01:33",                 # German
    "05.01.2024, 18:01:33",                   # German numeric
    "5 Jan 2024, 18:01:33",                   # en-GB
    "5 janv. 2024 à 18:01:33",                # French
    "5 de ene. de 2024, 18:01:33",            # Spanish
    "2024-01-05 18:01:33",
    "2024-01-05T18:01:33Z",
])
def test_common_layouts_parse_to_the_same_utc_moment(text):
    assert parse_activity_date(text) == EXPECTED


def test_german_month_with_umlaut():
    expected = datetime(2024, 3, 5, 7, 0, tzinfo=timezone.utc)
    assert parse_activity_date("5. März 2024, 07:00:00") == expected


@pytest.mark.parametrize("text", [
    "", "yesterday", "Foo 5, 2024, 6:01:33 PM", "Jan 32, 2024, 6:01:33 PM",
    "Jan 5, 2024, 13:01:33 PM", "2024-13-05 10:00:00", "Jan 5, 2024",
])
def test_unrecognised_dates_raise(text):
    with pytest.raises(ValueError):
        parse_activity_date(text)


def test_midnight_and_noon_on_a_12_hour_clock():
    assert parse_activity_date("Jan 5, 2024, 12:00:00 AM").hour == 0
    assert parse_activity_date("Jan 5, 2024, 12:00:00 PM").hour == 12


def test_slash_order_is_inferred_from_the_whole_column():
    assert infer_slash_order(["03/01/2024, 10:00:00", "25/01/2024, 10:00:00"]) == "dmy"
    assert infer_slash_order(["01/25/2024, 10:00:00 AM"]) == "mdy"
    assert infer_slash_order(["01/02/2024, 10:00:00 AM"]) == "mdy"
    assert infer_slash_order(["01/02/2024, 10:00:00"]) == "dmy"
    assert parse_activity_date("03/01/2024, 10:00:00", slash_order="dmy").month == 1
    assert parse_activity_date("03/01/2024, 10:00:00 AM", slash_order="mdy").month == 3


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_english_export_dates_round_trip(moment):
    moment = moment.replace(microsecond=0, tzinfo=timezone.utc)
    assert parse_activity_date(english_date(moment)) == moment


def test_iso_output_is_strava_shaped():
    assert to_strava_iso(EXPECTED) == "2024-01-05T18:01:33Z"
