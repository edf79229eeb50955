import json

import pytest

from plugin.exports import ExportError, load_export
from tests.plugin.exports.builders import NEW_HEADER, T0, activity_row, write_csv, zip_with


def _csv(n=2):
    from datetime import timedelta

    return write_csv(NEW_HEADER, [activity_row(i, "Run", T0 + timedelta(days=i), 600)
                                  for i in range(1, n + 1)])


def test_plain_csv(tmp_path):
    path = tmp_path / "activities.csv"
    path.write_text(_csv(), encoding="utf-8")
    result = load_export(path)
    assert [a["id"] for a in result.activities] == [1, 2]
    assert result.source == "activities.csv"


def test_zip_with_csv_in_a_subfolder(tmp_path):
    path = tmp_path / "export_12345.zip"
    zip_with(path, {
        "export_12345/activities/1.fit.gz": b"\x1f\x8b not really",
        "__MACOSX/export_12345/._activities.csv": b"\x00\x05junk",
        "export_12345/activities.csv": _csv(3),
    })
    result = load_export(path)
    assert [a["id"] for a in result.activities] == [1, 2, 3]
    assert result.source == "export_12345.zip:export_12345/activities.csv"


def test_zip_prefers_the_shallowest_activities_csv(tmp_path):
    path = tmp_path / "e.zip"
    zip_with(path, {"a/b/c/activities.csv": _csv(1), "top/ACTIVITIES.CSV": _csv(2)})
    assert len(load_export(path).activities) == 2


def test_zip_without_activities_csv(tmp_path):
    path = tmp_path / "e.zip"
    zip_with(path, {"profile.csv": "x\n"})
    with pytest.raises(ExportError, match="no activities.csv"):
        load_export(path)


def test_json_list_and_bad_items_are_skipped_by_position(tmp_path):
    items = [
        {"id": 1, "sport_type": "Run", "start_date": "2024-01-08T10:00:00Z",
         "elapsed_time": 600, "moving_time": 600},
        "not an object",
        {"id": 3, "sport_type": "Run", "elapsed_time": 600},
        {"id": 4, "sport_type": "Run", "start_date": "2024-01-08T10:00:00Z",
         "elapsed_time": "long"},
    ]
    path = tmp_path / "acts.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    result = load_export(path)
    assert [a["id"] for a in result.activities] == [1]
    assert result.unit == "item"
    assert [(w.row, w.message) for w in result.warnings] == [
        (2, "not an activity object"), (3, "missing start_date"),
        (4, "bad elapsed_time 'long'")]


def test_kind_is_detected_from_content_not_name(tmp_path):
    path = tmp_path / "renamed.txt"
    zip_with(path, {"activities.csv": _csv(1)})
    assert len(load_export(path).activities) == 1


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"[1, 2,", "invalid JSON"),
    (b'{"a": 1}', "list of activities"),
    (b"name,age\nbob,3\n", "not a Strava activities.csv"),
])
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "export"
    path.write_bytes(content)
    with pytest.raises(ExportError, match=message):
        load_export(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ExportError, match="no such file"):
        load_export(tmp_path / "nope.csv")
    with pytest.raises(ExportError, match="directory"):
        load_export(tmp_path)


def test_cp1252_file_is_still_read(tmp_path):
    path = tmp_path / "activities.csv"
    path.write_bytes(_csv(1).replace("Run 1", "Café run").encode("cp1252"))
    assert load_export(path).activities[0]["name"] == "Café run"


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_cut_short_zip_is_named_a_corrupt_zip(tmp_path, cut):
    whole = tmp_path / "whole.zip"
    zip_with(whole, {"activities.csv": _csv(3) * 50})
    data = whole.read_bytes()
    broken = tmp_path / "export_1.zip"
    broken.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(ExportError, match=r"export_1\.zip: corrupt zip archive") as info:
        load_export(broken)
    assert "missing column" not in str(info.value)


def test_a_damaged_member_is_named_a_corrupt_zip(tmp_path):
    path = tmp_path / "export.zip"
    zip_with(path, {"activities.csv": _csv(3)})
    data = bytearray(path.read_bytes())
    start = data.index(b"activities.csv") + len("activities.csv")  # first bytes of the stored member
    data[start:start + 8] = b"XXXXXXXX"
    path.write_bytes(bytes(data))
    with pytest.raises(ExportError, match="corrupt zip archive"):
        load_export(path)
