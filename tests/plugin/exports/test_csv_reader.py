import csv
import io
from datetime import timedelta

import pytest

from plugin.exports import ExportError, read_activities_csv
from plugin.exports.csv_reader import clean_header
from plugin.exports.sport_types import parse_type_list, to_sport_type
from tests.plugin.exports.builders import (
    NEW_HEADER,
    OLD_HEADER,
    T0,
    activity_row,
    make_row,
    write_csv,
)


def _by_id(result):
    return {a["id"]: a for a in result.activities}


def test_new_103_column_export_reads_first_occurrences():
    rows = [
        activity_row(1, "Weight Training", T0, 3600, moving_s=3000, hr=120),
        activity_row(2, "Run", T0 + timedelta(hours=2), 1900, moving_s=1800, hr=150.5),
    ]
    # The detailed (second) Elapsed Time differs: the summary value must win.
    rows[0]["Elapsed Time"] = (3600, "9999.0")
    result = read_activities_csv(write_csv(NEW_HEADER, rows))
    assert result.warnings == []
    lift, run = _by_id(result)[1], _by_id(result)[2]
    assert lift == {
        "id": 1, "name": "Weight Training 1", "sport_type": "WeightTraining",
        "start_date": "2024-01-08T10:00:00Z", "elapsed_time": 3600, "moving_time": 3000,
        "average_heartrate": 120.0, "has_heartrate": True, "manual": False,
        "description": "",
    }
    assert run["sport_type"] == "Run"
    assert run["start_date"] == "2024-01-08T12:00:00Z"
    assert (run["elapsed_time"], run["moving_time"], run["average_heartrate"]) == (1900, 1800, 150.5)


def test_summary_elapsed_time_missing_falls_back_to_detailed_one():
    row = activity_row(1, "Run", T0, 0)
    row["Elapsed Time"] = ("", "1234.0")
    result = read_activities_csv(write_csv(NEW_HEADER, [row]))
    assert result.activities[0]["elapsed_time"] == 1234


def test_old_80_column_export_with_html_headers_and_no_moving_time():
    rows = [activity_row(7, "Run", T0, 1500, moving_s=1400, hr=140)]
    result = read_activities_csv(write_csv(OLD_HEADER, rows))
    assert result.warnings == []
    (run,) = result.activities
    assert run["elapsed_time"] == 1500
    assert run["moving_time"] == 1500          # no Moving Time column: elapsed
    assert run["average_heartrate"] is None    # no Average Heart Rate column
    assert run["has_heartrate"] is False


def test_html_header_cells_are_reduced_to_their_text():
    assert clean_header(OLD_HEADER[0]) == "Activity ID"
    assert clean_header("  <b>Average&nbsp;Heart Rate</b> ") == "Average Heart Rate"


def test_bom_and_multiline_quoted_description():
    rows = [activity_row(1, "Run", T0, 600, moving_s=600,
                         description='Easy jog,\n"tired" legs\n\nsecond paragraph'),
            activity_row(2, "Run", T0 + timedelta(days=1), 600, date_text="nonsense")]
    text = "\ufeff" + write_csv(NEW_HEADER, rows)
    result = read_activities_csv(text)
    assert _by_id(result)[1]["description"] == 'Easy jog,\n"tired" legs\n\nsecond paragraph'
    # The multi-line record is still one row: the bad one is row 3, not row 6.
    assert [(w.row, w.message) for w in result.warnings] == [
        (3, "unparseable Activity Date 'nonsense'")]


def test_unparseable_date_skips_only_that_row_and_names_it():
    rows = [activity_row(i, "Run", T0 + timedelta(days=i), 600) for i in range(1, 7)]
    rows[4]["Activity Date"] = "31.02.2024, 10:00:00"
    result = read_activities_csv(write_csv(NEW_HEADER, rows))
    assert sorted(_by_id(result)) == [1, 2, 3, 4, 6]
    assert [str(w) for w in result.warnings] == [
        "row 6: unparseable Activity Date '31.02.2024, 10:00:00'"]
    assert result.skipped == 1


def test_german_locale_dates_are_read():
    rows = [activity_row(1, "Run", T0, 600, date_text="5. Jan. 2024, 18:01:33"),
            activity_row(2, "Run", T0, 600, date_text="06.01.2024, 07:00:00")]
    result = read_activities_csv(write_csv(NEW_HEADER, rows))
    assert [a["start_date"] for a in result.activities] == [
        "2024-01-05T18:01:33Z", "2024-01-06T07:00:00Z"]


@pytest.mark.parametrize("column, value", [
    ("Elapsed Time", ("twenty", "")),
    ("Moving Time", "12:30"),
    ("Average Heart Rate", "high"),
    ("Activity ID", "abc"),
])
def test_bad_numbers_skip_the_row_with_a_warning(column, value):
    good = activity_row(1, "Run", T0, 600)
    bad = activity_row(2, "Run", T0 + timedelta(days=1), 600)
    bad[column] = value
    result = read_activities_csv(write_csv(NEW_HEADER, [good, bad]))
    assert [a["id"] for a in result.activities] == [1]
    (warning,) = result.warnings
    assert warning.row == 3 and column in warning.message


def test_decimal_comma_and_thousands_separator():
    row = activity_row(1, "Run", T0, 600, moving_s=500)
    row["Elapsed Time"] = ("1,234", "")
    row["Average Heart Rate"] = "142,5"
    (run,) = read_activities_csv(write_csv(NEW_HEADER, [row])).activities
    assert run["elapsed_time"] == 1234 and run["average_heartrate"] == 142.5


def test_blank_lines_and_short_rows_are_tolerated():
    header = ["Activity ID", "Activity Date", "Activity Type", "Elapsed Time", "Moving Time"]
    text = ",".join(header) + '\n\n1,"Jan 5, 2024, 6:01:33 PM",Run,600\n\n'
    (run,) = read_activities_csv(text).activities
    assert run["moving_time"] == 600 and run["has_heartrate"] is False


def test_header_without_required_columns_is_not_an_export():
    with pytest.raises(ExportError, match="Activity Date"):
        read_activities_csv("Activity ID,Name\n1,x\n")


def test_human_type_names_map_to_api_codes():
    assert to_sport_type("Weight Training") == "WeightTraining"
    assert to_sport_type("Trail Run") == "TrailRun"
    assert to_sport_type("Virtual Run") == "VirtualRun"
    assert to_sport_type("High Intensity Interval Training") == "HighIntensityIntervalTraining"
    assert to_sport_type("Crossfit") == "Crossfit"
    assert to_sport_type("Workout") == "Workout"
    assert to_sport_type("Run") == "Run"
    assert to_sport_type("Stand Up Paddling") == "StandUpPaddling"
    assert to_sport_type("WeightTraining") == "WeightTraining"
    assert parse_type_list("WeightTraining, Weight Training,Workout") == frozenset(
        {"WeightTraining", "Workout"})
    assert parse_type_list(None) is None


def test_type_mapping_applies_to_rows():
    rows = [activity_row(i, kind, T0 + timedelta(days=i), 600) for i, kind in enumerate(
        ["Weight Training", "Trail Run", "Virtual Run", "High Intensity Interval Training",
         "Yoga"], start=1)]
    result = read_activities_csv(write_csv(NEW_HEADER, rows))
    assert [a["sport_type"] for a in result.activities] == [
        "WeightTraining", "TrailRun", "VirtualRun", "HighIntensityIntervalTraining", "Yoga"]


def test_make_row_fills_repeated_columns_by_occurrence():
    row = make_row(NEW_HEADER, {"Distance": ("5.0", "5000.0")})
    assert [row[i] for i, name in enumerate(NEW_HEADER) if name == "Distance"] == ["5.0", "5000.0"]


def test_spreadsheet_resaved_export_with_semicolons_and_float_ids():
    row = activity_row(1, "Run", T0, 600, moving_s=500)
    row["Activity ID"] = "12345.0"
    text = write_csv(NEW_HEADER, [row])
    records = list(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(records)
    (run,) = read_activities_csv(buffer.getvalue()).activities
    assert (run["id"], run["moving_time"], run["start_date"]) == (12345, 500, "2024-01-08T10:00:00Z")
