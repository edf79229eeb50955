import json
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from plugin.coaching import LANGUAGES

import plugin.cli.analyze as analyze_module
from plugin.cli import main
from plugin.exports.dates import parse_activity_date
from tests.plugin.exports.builders import (
    NEW_HEADER,
    OLD_HEADER,
    T0,
    activity_row,
    known_pairs_rows,
    write_csv,
    zip_with,
)

ENGINE_KEYS = {"lift_id", "run_id", "order", "gap_minutes", "tier", "verdict", "fuel",
               "intensity", "intensity_source", "first_id", "later_id", "goal",
               "run_minutes", "headline", "advice", "lift_focus"}


def run(*args):
    return CliRunner().invoke(main, ["analyze", *map(str, args)])


@pytest.fixture
def known_csv(tmp_path):
    path = tmp_path / "activities.csv"
    path.write_text(write_csv(NEW_HEADER, known_pairs_rows()), encoding="utf-8")
    return path


def test_summary_prints_the_exact_counts(known_csv):
    result = run(known_csv, "--goal", "strength")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "goal 'strength'" in out
    assert "Activities read: 8; rows skipped: 0; not evaluated: 0" in out
    assert "Lifts: 4; runs: 4; other sports: 0" in out
    assert "Lift/run pairs: 4" in out
    for line in ("  same session (< 1 h)           3   75%",
                 "  short (1 to < 3 h)             0    0%",
                 "  good (6 to < 24 h)             1   25%",
                 "  Good cool-down (fits your goal)                   1   25%",
                 "  Run of 20+ min after lifting (may cost gains)     1   25%",
                 "  Lift first next time (may cost gains)             1   25%",
                 "  Well separated (fits your goal)                   1   25%",
                 "Pairs less than 8 h apart (fuel between sessions): 4",
                 "Cool-down runs after lifting: 1 of 2 (50%)",
                 "The three most useful changes:"):
        assert line in out.splitlines(), line
    for code in ("keep_second_easy", "cooldown_ok", "interference_risk", "lift_first_next_time", "well_separated"):
        assert code not in out  # athletes read words, not verdict codes
    changes = [line for line in out.splitlines() if line[:5] in ("  1. ", "  2. ", "  3. ")]
    assert [c[:22] for c in changes] == ["  1. 1 run after lifti", "  2. 1 run less than 3",
                                         "  3. 4 pairs were less"]
    assert result.stderr == ""


def test_default_goal_is_general(known_csv):
    result = run(known_csv)
    assert "goal 'general'" in result.stdout
    assert "  Either order works: keep the second one easy (could be better)     3   75%" in result.stdout.splitlines()


def test_json_output_is_a_list_of_pair_records(known_csv):
    result = run(known_csv, "--goal", "strength", "--json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert isinstance(records, list) and len(records) == 4
    for record in records:
        assert set(record) == ENGINE_KEYS | {"date"}
    assert [(r["lift_id"], r["run_id"], r["verdict"], r["date"]) for r in records] == [
        (101, 102, "cooldown_ok", "2024-01-08"),
        (201, 202, "interference_risk", "2024-01-11"),
        (302, 301, "lift_first_next_time", "2024-01-14"),
        (402, 401, "well_separated", "2024-01-17"),
    ]
    assert records[2]["order"] == "run_first" and records[2]["gap_minutes"] == 10


def test_plot_writes_a_non_empty_png(known_csv, tmp_path):
    png = tmp_path / "gaps.png"
    result = run(known_csv, "--plot", png)
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and png.stat().st_size > 5000
    assert f"Plot written to {png}" in result.stdout


def test_plot_to_an_unwritable_place_is_one_line(known_csv, tmp_path):
    result = run(known_csv, "--plot", tmp_path / "no" / "such" / "dir.png")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("liftrun analyze: error: cannot write plot")


def test_zip_with_csv_in_a_subfolder(tmp_path):
    path = tmp_path / "export_1.zip"
    zip_with(path, {"export_1/activities.csv": write_csv(NEW_HEADER, known_pairs_rows())})
    result = run(path, "--goal", "strength")
    assert result.exit_code == 0, result.output
    assert "Source: export_1.zip:export_1/activities.csv" in result.stdout
    assert "Lift/run pairs: 4" in result.stdout


def test_json_list_of_api_activities(tmp_path):
    items = [
        {"id": 1, "sport_type": "WeightTraining", "start_date": "2024-01-08T10:00:00Z",
         "elapsed_time": 3600, "moving_time": 3600, "has_heartrate": False, "manual": False},
        {"id": 2, "sport_type": "Run", "start_date": "2024-01-08T11:05:00Z",
         "elapsed_time": 700, "moving_time": 700, "has_heartrate": False, "manual": False},
        {"id": 3, "name": "no start"},
    ]
    path = tmp_path / "acts.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    result = run(path, "--goal", "hypertrophy", "--json")
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.stdout)
    assert (record["verdict"], record["goal"]) == ("cooldown_ok", "hypertrophy")
    assert result.stderr == "liftrun analyze: warning: item 3: missing start_date\n"


def test_old_export_and_bad_rows_warn_with_row_numbers(tmp_path):
    rows = known_pairs_rows()
    rows[3]["Activity Date"] = "sometime in January"
    rows[5]["Elapsed Time"] = ("an hour", "")
    path = tmp_path / "activities.csv"
    path.write_text("\ufeff" + write_csv(OLD_HEADER, rows), encoding="utf-8")
    result = run(path, "--goal", "strength")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "liftrun analyze: warning: row 5: unparseable Activity Date 'sometime in January'",
        "liftrun analyze: warning: row 7: bad number in Elapsed Time 'an hour'",
    ]
    assert "Activities read: 6; rows skipped: 2" in result.stdout
    assert "Lift/run pairs: 2" in result.stdout


def test_german_dates_pair_like_english_ones(tmp_path):
    rows = known_pairs_rows()
    for row in rows:
        moment = parse_activity_date(row["Activity Date"])
        assert moment.month == 1
        row["Activity Date"] = f"{moment.day}. Jan. {moment.year}, {moment:%H:%M:%S}"
    path = tmp_path / "activities.csv"
    path.write_text(write_csv(NEW_HEADER, rows), encoding="utf-8")
    result = run(path, "--goal", "strength", "--json")
    assert result.exit_code == 0, result.output
    assert [r["verdict"] for r in json.loads(result.stdout)] == [
        "cooldown_ok", "interference_risk", "lift_first_next_time", "well_separated"]


def test_workout_hint_and_opt_in(tmp_path):
    rows = [activity_row(1 + i, "Workout", T0 + timedelta(days=3 * i), 3600) for i in range(3)]
    rows.append(activity_row(9, "Run", T0 + timedelta(hours=1, minutes=5), 600, moving_s=600))
    path = tmp_path / "activities.csv"
    path.write_text(write_csv(NEW_HEADER, rows), encoding="utf-8")
    result = run(path)
    assert ("Hint: 3 Workout activities were not counted as lifting; pass --lift-types "
            "WeightTraining,Crossfit,Workout") in result.stdout
    assert "Lift/run pairs: 0" in result.stdout
    result = run(path, "--lift-types", "WeightTraining,Crossfit,Workout")
    assert "Lift/run pairs: 1" in result.stdout and "Hint:" not in result.stdout
    result = run(path, "--json")
    assert json.loads(result.stdout) == []
    assert "hint: 3 Workout activities" in result.stderr


def test_window_hours_limits_pairing(known_csv):
    result = run(known_csv, "--goal", "strength", "--window-hours", "2")
    assert "Lift/run pairs: 3" in result.stdout


def test_language_reaches_the_advice(known_csv):
    english = json.loads(run(known_csv, "--json").stdout)
    german = json.loads(run(known_csv, "--json", "--language", "de").stdout)
    assert [r["verdict"] for r in english] == [r["verdict"] for r in german]
    assert english[0]["advice"] != german[0]["advice"]


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such file"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary file"),
    (lambda p: p.write_text("just some notes\nnothing else\n"), "not a Strava activities.csv"),
    (lambda p: p.write_text("[{oops"), "invalid JSON"),
    (lambda p: zip_with(p, {"export/profile.csv": "a,b\n"}), "no activities.csv"),
])
def test_unreadable_export_exits_2_with_one_line(tmp_path, make, message):
    path = tmp_path / "export.dat"
    make(path)
    result = run(path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("liftrun analyze: error: ")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_contradictory_types_are_refused(known_csv):
    result = run(known_csv, "--lift-types", "Run", "--run-types", "Run")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "both a lift and a run" in result.stderr


def test_progress_bar_only_on_a_terminal(known_csv, monkeypatch):
    monkeypatch.setattr(analyze_module, "PROGRESS_MIN_ROWS", 1)
    assert run(known_csv).stderr == ""
    monkeypatch.setattr(analyze_module, "_stderr_is_tty", lambda: True)
    result = run(known_csv)
    assert result.exit_code == 0
    assert "Reading export" in result.stderr


def test_installed_console_script_reports_a_bad_file_without_traceback(tmp_path):
    script = shutil.which("liftrun") or str(Path(sys.executable).parent / "liftrun")
    if not os.path.exists(script):
        pytest.skip("liftrun console script not installed")
    proc = subprocess.run([script, "analyze", str(tmp_path / "missing.zip")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [f"liftrun analyze: error: {tmp_path / 'missing.zip'}: no such file"]


def test_max_hr_lets_heart_rate_count(tmp_path):
    rows = [activity_row(1, "Weight Training", T0, 3600),
            activity_row(2, "Run", T0 + timedelta(hours=1, minutes=5), 600, moving_s=600, hr=160)]
    path = tmp_path / "activities.csv"
    path.write_text(write_csv(NEW_HEADER, rows), encoding="utf-8")
    (unknown,) = json.loads(run(path, "--goal", "strength", "--json").stdout)
    assert (unknown["verdict"], unknown["intensity"]) == ("cooldown_ok", "unknown")
    (judged,) = json.loads(run(path, "--goal", "strength", "--json", "--max-hr", "190").stdout)
    assert (judged["verdict"], judged["intensity"]) == ("cooldown_borderline", "above_zone2")
    result = run(path, "--goal", "strength", "--max-hr", "190")
    assert "Cool-down runs after lifting: 0 of 1 (0%)" in result.stdout


# --- One error style, valid lists in refusals, a corrupt zip named as such.

def test_unknown_lift_type_is_refused_with_the_valid_list(known_csv):
    result = run(known_csv, "--lift-types", "Yoga")
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("liftrun analyze: error: unknown sport type Yoga in --lift-types (valid: ")
    for valid in ("WeightTraining", "Crossfit", "Workout"):
        assert valid in line


def test_unknown_run_type_is_refused_with_the_valid_list(known_csv):
    result = run(known_csv, "--run-types", "Run,Swim,Ride")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "unknown sport types Ride, Swim in --run-types (valid: Run, TrailRun, VirtualRun)" in line


def test_human_type_names_still_count(known_csv):
    result = run(known_csv, "--lift-types", "Weight Training,Crossfit,Workout")
    assert result.exit_code == 0, result.stderr
    assert "Lifts: 4" in result.stdout


@pytest.mark.parametrize("language", ["xx", "klingon"])
def test_unknown_language_is_refused_with_the_valid_list(known_csv, language):
    result = run(known_csv, "--language", language)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line == f"liftrun analyze: error: unknown language '{language}' (valid: {', '.join(LANGUAGES)})"


def test_regional_language_code_is_accepted(known_csv):
    result = run(known_csv, "--json", "--language", "de-AT")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)


def test_corrupt_zip_is_named_as_such(tmp_path):
    whole = tmp_path / "whole.zip"
    zip_with(whole, {"activities.csv": write_csv(NEW_HEADER, known_pairs_rows())})
    broken = tmp_path / "export_9.zip"
    broken.write_bytes(whole.read_bytes()[:200])
    result = run(broken)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("liftrun analyze: error: export_9.zip: corrupt zip archive")
    assert "column" not in line


@pytest.mark.parametrize("args, command, words", [
    (["analyze"], "analyze", "Missing argument 'EXPORT'"),
    (["analyze", "x.csv", "--bogus"], "analyze", "No such option '--bogus'"),
    (["analyze", "x.csv", "--goal", "bulk"], "analyze", "'bulk' is not one of 'strength'"),
    (["advise", "--nope"], "advise", "No such option '--nope'"),
    (["subscription", "delete"], "subscription delete", "Missing argument 'SUBSCRIPTION_ID'"),
    (["subscription", "delete", "abc"], "subscription delete", "'abc' is not a valid integer"),
    (["dev", "--web-port", "x"], "dev", "'x' is not a valid integer"),
    (["sandbox", "serve", "--port", "x"], "sandbox serve", "'x' is not a valid integer"),
    (["frobnicate"], "", "No such command 'frobnicate'"),
])
def test_usage_errors_share_one_style_and_exit_2(args, command, words):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    prefix = f"liftrun {command}: error: " if command else "liftrun: error: "
    assert line.startswith(prefix), line
    assert words in line
    assert "Usage:" not in result.output and "Traceback" not in result.output


def test_a_group_without_subcommand_shows_its_help():
    result = CliRunner().invoke(main, ["subscription"])
    assert result.exit_code == 0
    assert "Commands:" in result.stdout and "create" in result.stdout
