"""Turn the text of an export's `activities.csv` into Strava-API-shaped dicts.

The header repeats names ("Elapsed Time" is once the summary in seconds and
again the detailed float), so columns are found by position and the first
occurrence wins; a DictReader would keep the last one. Older exports wrap
header cells in HTML and lack Moving Time and Average Heart Rate.

Row numbers in warnings count CSV records with the header as row 1, the way a
spreadsheet shows them; a multi-line description is still one row.
"""

from __future__ import annotations

import csv
import html
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable

from plugin.exports.dates import infer_slash_order, parse_activity_date, to_strava_iso
from plugin.exports.sport_types import to_sport_type

REQUIRED = ("Activity ID", "Activity Date", "Activity Type", "Elapsed Time")

Progress = Callable[[list], Iterable]


class ExportError(ValueError):
    """The file cannot be read as an export at all (not a bad row)."""


@dataclass
class RowWarning:
    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ReadResult:
    activities: list[dict] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    source: str = ""
    # What a warning's number counts: CSV rows, or items of a JSON list.
    unit: str = "row"

    @property
    def skipped(self) -> int:
        return len({w.row for w in self.warnings if w.row})


class _BadRow(ValueError):
    pass


def clean_header(cell: str) -> str:
    """Strip the HTML some exports put in header cells and keep the label."""
    text = html.unescape(re.sub(r"<[^>]*>", "", cell or ""))
    return re.sub(r"\s+", " ", text).strip()


class _Columns:
    """Positions of every occurrence of each header name, in file order."""

    def __init__(self, header: list[str]):
        self.positions: dict[str, list[int]] = {}
        for index, cell in enumerate(header):
            self.positions.setdefault(clean_header(cell).lower(), []).append(index)
        missing = [name for name in REQUIRED if name.lower() not in self.positions]
        if missing:
            raise ExportError(
                "not a Strava activities.csv (missing column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)})"
            )

    def first_filled(self, row: list[str], name: str) -> str | None:
        for index in self.positions.get(name.lower(), ()):
            if index < len(row) and row[index].strip():
                return row[index].strip()
        return None

    def first(self, row: list[str], name: str) -> str:
        indices = self.positions.get(name.lower(), ())
        return row[indices[0]] if indices and indices[0] < len(row) else ""


def _number(text: str | None, label: str) -> float | None:
    if text is None:
        return None
    value = text.replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", value):
        value = value.replace(",", "")
    elif value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise _BadRow(f"bad number in {label} {text!r}") from None
    if number != number or number < 0 or number == float("inf"):
        raise _BadRow(f"bad number in {label} {text!r}")
    return number


def _activity(row: list[str], cols: _Columns, slash_order: str) -> dict:
    raw_id = cols.first_filled(row, "Activity ID")
    if raw_id is None:
        raise _BadRow("missing Activity ID")
    # "123.0" is what a spreadsheet makes of an ID when the file is re-saved.
    if not re.fullmatch(r"\d+(\.0+)?", raw_id):
        raise _BadRow(f"bad Activity ID {raw_id!r}")
    raw_date = cols.first(row, "Activity Date").strip()
    try:
        start = parse_activity_date(raw_date, slash_order=slash_order)
    except ValueError:
        raise _BadRow(f"unparseable Activity Date {raw_date!r}") from None
    elapsed = _number(cols.first_filled(row, "Elapsed Time"), "Elapsed Time")
    if elapsed is None:
        raise _BadRow("missing Elapsed Time")
    moving = _number(cols.first_filled(row, "Moving Time"), "Moving Time")
    # A zero moving time on a timed activity is a recording gap, not a
    # zero-minute run: judging it as a 0-minute cool-down would flatter it.
    if not moving:
        moving = elapsed
    heartrate = _number(cols.first_filled(row, "Average Heart Rate"), "Average Heart Rate")
    return {
        "id": int(raw_id.split(".")[0]),
        "name": cols.first(row, "Activity Name").strip(),
        "sport_type": to_sport_type(cols.first(row, "Activity Type")),
        "start_date": to_strava_iso(start),
        "elapsed_time": int(elapsed),
        "moving_time": int(moving),
        "average_heartrate": heartrate if heartrate else None,
        "has_heartrate": bool(heartrate),
        # The export always carries a start and a duration, which is all the
        # engine needs; whether it was typed in by hand is not recorded.
        "manual": False,
        "description": cols.first(row, "Activity Description"),
    }


@contextmanager
def _large_fields():
    # Long descriptions can exceed csv's default 128 KiB field limit.
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, 16 * 1024 * 1024))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _delimiter(text: str) -> str:
    # A German spreadsheet re-saves the export with semicolons.
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_activities_csv(text: str, *, source: str = "activities.csv",
                        progress: Progress | None = None) -> ReadResult:
    """Parse the whole CSV; bad rows become warnings, never exceptions."""
    text = text.lstrip("\ufeff")
    try:
        with _large_fields():
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise ExportError(f"{source}: not a readable CSV ({exc})") from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise ExportError(f"{source}: empty file")
    try:
        cols = _Columns(records[0])
    except ExportError as exc:
        raise ExportError(f"{source}: {exc}") from None
    numbered = [(number, row) for number, row in enumerate(records[1:], start=2)
                if any(cell.strip() for cell in row)]
    slash_order = infer_slash_order(cols.first(row, "Activity Date") for _, row in numbered)
    result = ReadResult(source=source)
    for number, row in (progress(numbered) if progress else numbered):
        try:
            result.activities.append(_activity(row, cols, slash_order))
        except _BadRow as bad:
            result.warnings.append(RowWarning(number, str(bad)))
    return result
