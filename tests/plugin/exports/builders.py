"""Synthetic Strava bulk exports for the tests (never a real athlete's data).

The headers imitate the real ones where it matters: repeated names ("Elapsed
Time", "Distance", "Max Heart Rate", ...), 103 columns in new exports, 80
columns with HTML-wrapped labels and no Moving Time / Average Heart Rate in
old ones.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime, timedelta, timezone

_BASE = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
    "Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,"
    "Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,"
    "Max Speed,Average Speed,Elevation Gain,Elevation Loss,Elevation Low,Elevation High,"
    "Max Grade,Average Grade,Average Positive Grade,Average Negative Grade,Max Cadence,"
    "Average Cadence,Max Heart Rate,Average Heart Rate,Max Watts,Average Watts,Calories,"
    "Max Temperature,Average Temperature,Relative Effort,Total Work,Number of Runs,"
    "Uphill Time,Downhill Time,Other Time,Perceived Exertion,Type,Start Time,"
    "Weighted Average Power,Power Count,Prefer Perceived Exertion,Perceived Relative Effort,"
    "Commute,Total Weight Lifted,From Upload,Grade Adjusted Distance,Weather Observation Time,"
    "Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,Humidity,"
    "Weather Pressure,Wind Speed,Wind Gust,Wind Bearing,Precipitation Intensity,Sunrise Time,"
    "Sunset Time,Moon Phase,Bike,Gear,Precipitation Probability,Precipitation Type,Cloud Cover,"
    "Weather Visibility,UV Index,Weather Ozone,Jump Count,Total Grit,Average Flow,Flagged,"
    "Average Elapsed Speed,Dirt Distance,Newly Explored Distance,Newly Explored Dirt Distance,"
    "Activity Count,Total Steps,Carbon Saved,Pool Length,Training Load,Intensity,"
    "Average Grade Adjusted Pace,Timer Time,Total Cycles"
).split(",")
_EXTRA = ["Recovery", "With Pet", "Competition", "Long Run", "For a Cause",
          "Start Time Local", "Device", "Workout Type", "Activity Flags", "Media"]

NEW_HEADER = (_BASE + _EXTRA)[:103]
assert len(NEW_HEADER) == 103, len(NEW_HEADER)


def _html(label: str) -> str:
    key = label.lower().replace(" ", "_")
    return (f'<span class="translation_missing" title="translation missing: '
            f'en-US.lib.export.portability_exporter.activities.horton_values.{key}">'
            f"{label}</span>")


_OLD_PLAIN = [name for name in _BASE if name not in ("Moving Time", "Average Heart Rate")][:80]
OLD_HEADER = [
    _html(name) if index % 3 == 0 or name == "Elapsed Time" else f" {name} "
    for index, name in enumerate(_OLD_PLAIN)
]
assert len(OLD_HEADER) == 80 and "Moving Time" not in _OLD_PLAIN


def _label(cell: str) -> str:
    return re.sub(r"<[^>]*>", "", cell).strip()


def make_row(header: list[str], values: dict) -> list[str]:
    """Fill a row by column name; a tuple fills the 1st, 2nd, ... occurrence."""
    row = [""] * len(header)
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _label(cell)
        occurrence = seen.get(name, 0)
        seen[name] = occurrence + 1
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, tuple):
            value = value[occurrence] if occurrence < len(value) else ""
        elif occurrence:
            continue
        row[index] = "" if value is None else str(value)
    return row


def write_csv(header: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for values in rows:
        writer.writerow(make_row(header, values))
    return buffer.getvalue()


def english_date(moment: datetime) -> str:
    """Format the en-US `Activity Date` form, e.g. "Jan 5, 2024, 6:01:33 PM"."""
    hour = moment.hour % 12 or 12
    ampm = "AM" if moment.hour < 12 else "PM"
    return (f"{moment:%b} {moment.day}, {moment.year}, "
            f"{hour}:{moment:%M:%S} {ampm}")


def activity_row(activity_id, kind, start: datetime, elapsed_s, *, moving_s=None,
                 hr=None, name=None, description="", date_text=None) -> dict:
    """Values for one export row; kind is the export's human type name."""
    return {
        "Activity ID": activity_id,
        "Activity Date": date_text if date_text is not None else english_date(start),
        "Activity Name": name or f"{kind} {activity_id}",
        "Activity Type": kind,
        "Activity Description": description,
        "Elapsed Time": (elapsed_s, f"{float(elapsed_s)}"),
        "Moving Time": None if moving_s is None else f"{float(moving_s)}",
        "Distance": ("5.01", "5012.3"),
        "Max Heart Rate": ("171", "171.0"),
        "Average Heart Rate": None if hr is None else f"{float(hr)}",
        "Filename": f"activities/{activity_id}.fit.gz",
    }


T0 = datetime(2024, 1, 8, 10, 0, tzinfo=timezone.utc)


def known_pairs_rows() -> list[dict]:
    """Four lift/run pairs, three days apart so no pair crosses to another day.

    Under the strength goal their verdicts are, in order: cooldown_ok,
    interference_risk, lift_first_next_time, well_separated. Every gap is
    < 8 h, so all four need fuel. Two are lift-first within 3 h (cool-down
    candidates), one of which (10 min, no HR) is a cool-down.
    """
    day = timedelta(days=3)
    h, m = timedelta(hours=1), timedelta(minutes=1)
    a, b, c, d = T0, T0 + day, T0 + 2 * day, T0 + 3 * day
    return [
        activity_row(101, "Weight Training", a, 3600),
        activity_row(102, "Run", a + h + 10 * m, 620, moving_s=600),
        activity_row(201, "Weight Training", b, 3600),
        activity_row(202, "Run", b + h + 30 * m, 1900, moving_s=1800),
        activity_row(301, "Run", c, 1800, moving_s=1800, hr=165),
        activity_row(302, "Weight Training", c + 40 * m, 3600),
        activity_row(401, "Run", d - 3 * h, 1800, moving_s=1800),
        activity_row(402, "Crossfit", d + 4 * h + 30 * m, 3600),
    ]


def zip_with(path, members: dict[str, str | bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
