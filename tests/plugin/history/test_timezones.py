import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from plugin.history.timezones import athlete_zone, zone_from_name, zone_label


@pytest.mark.parametrize(
    "name, key",
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("(GMT+01:00) Europe/Berlin", "Europe/Berlin"),
        ("(GMT-08:00) America/Los_Angeles", "America/Los_Angeles"),
        ("  (GMT+00:00) UTC ", "UTC"),
    ],
)
def test_zone_names_and_strava_labels(name, key):
    assert zone_from_name(name) == ZoneInfo(key)


@pytest.mark.parametrize("name", [None, "", "(GMT+01:00)", "Mars/Olympus", "../etc/passwd", "(GMT+01:00) Nowhere"])
def test_unknown_zones(name):
    assert zone_from_name(name) is None


def test_setting_wins_then_activity_then_utc():
    assert athlete_zone("Asia/Tokyo", "(GMT+01:00) Europe/Berlin") == ZoneInfo("Asia/Tokyo")
    assert athlete_zone(None, "(GMT+01:00) Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert athlete_zone("bogus", "(GMT+01:00) Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert athlete_zone(None, None) == dt.timezone.utc
    assert zone_label(dt.timezone.utc) == "UTC"
    assert zone_label(ZoneInfo("Europe/Berlin")) == "Europe/Berlin"
