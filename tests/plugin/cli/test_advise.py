"""`liftrun advise`: JSON in, verdicts out; bad input is one stderr line and exit 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from plugin.cli.advise import advise

ZONES = {"heart_rate": {"custom_zones": False, "zones": [
    {"min": 0, "max": 115}, {"min": 115, "max": 152}, {"min": 152, "max": 171},
    {"min": 171, "max": 190}, {"min": 190, "max": -1}]}}

LIFT = {"id": 9876543210123, "sport_type": "WeightTraining", "type": "WeightTraining",
        "start_date": "2024-01-05T17:00:00Z", "start_date_local": "2024-01-05T18:00:00Z",
        "elapsed_time": 3600, "moving_time": 3300, "manual": False, "has_heartrate": False,
        "average_heartrate": None}
RUN = {"id": 9876543210124, "sport_type": "Run", "type": "Run",
       "start_date": "2024-01-05T18:05:00Z", "start_date_local": "2024-01-05T19:05:00Z",
       "elapsed_time": 780, "moving_time": 720, "manual": False, "has_heartrate": True,
       "average_heartrate": 138.5}


def document(**changes):
    doc = {"goal": "strength", "zones": ZONES, "activities": [dict(LIFT), dict(RUN)]}
    doc.update(changes)
    return doc


def invoke(args, stdin=None):
    # click >= 8.2 keeps stdout and stderr apart in the result
    return CliRunner().invoke(advise, args, input=stdin)


def write(tmp_path, content, name="in.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_file_in_json_out(tmp_path):
    result = invoke([write(tmp_path, document())])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"pairs", "skipped"}
    pair, = out["pairs"]
    assert set(pair) == {"lift_id", "run_id", "order", "gap_minutes", "tier", "verdict", "fuel",
                         "intensity", "intensity_source", "first_id", "later_id", "goal",
                         "run_minutes", "headline", "advice", "lift_focus"}
    assert pair["lift_focus"] == "unknown"
    assert pair["lift_id"] == 9876543210123 and pair["later_id"] == 9876543210124
    assert (pair["verdict"], pair["gap_minutes"], pair["intensity"], pair["fuel"]) == (
        "cooldown_ok", 5, "zone2", True)
    assert result.stderr == ""


def test_stdin_and_overrides():
    doc = document(language="en")
    result = invoke(["-", "--goal", "endurance", "--language", "de"], stdin=json.dumps(doc))
    assert result.exit_code == 0, result.stderr
    pair, = json.loads(result.stdout)["pairs"]
    assert (pair["goal"], pair["verdict"]) == ("endurance", "fits_goal_lift_first")
    assert "Kraft" in pair["headline"]


@pytest.mark.parametrize("args,doc", [
    (["--language", "xx"], {}),
    ([], {"language": "klingon"}),
])
def test_language_without_catalog_is_refused(tmp_path, args, doc):
    result = invoke([write(tmp_path, document(**doc)), *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    line, = result.stderr.splitlines()
    assert line.startswith("liftrun advise: error: ") and "language" in line and "pt-BR" in line


@pytest.mark.parametrize("code,expected", [("es", "carrera"), ("fr", "course"), ("pt-br", "corrida"),
                                           ("PT-BR", "corrida"), ("de-AT", "Lauf")])
def test_every_shipped_language_by_flag(tmp_path, code, expected):
    result = invoke([write(tmp_path, document()), "--language", code])
    assert result.exit_code == 0, result.stderr
    pair, = json.loads(result.stdout)["pairs"]
    assert expected in pair["advice"]


def test_lift_focus_weight_and_earlier_pairs_from_the_file(tmp_path):
    hevy = "Bench Press (Barbell)\nSet 1: 80 kg x 5\nSet 2: 80 kg x 5\n\nLogged with hevyapp.com"
    lift = dict(LIFT, description=hevy)
    run = dict(RUN, start_date="2024-01-05T22:00:00Z")  # 4 h after the lift
    earlier = [{"later_start": "2024-01-02T12:00:00Z", "verdict": "acceptable_gap", "gap_minutes": 240}]
    doc = document(activities=[lift, run], weight_kg=80, earlier_pairs=earlier)
    pair, = json.loads(invoke([write(tmp_path, doc)]).stdout)["pairs"]
    assert pair["lift_focus"] == "upper" and pair["verdict"] == "acceptable_gap"
    assert "Tuesday" in pair["advice"]  # the short form names the earlier pair's day
    assert "protein" not in pair["advice"]  # the week's fuel sentence was already given
    alone, = json.loads(invoke([write(tmp_path, document(activities=[lift, run], weight_kg=80))]).stdout)["pairs"]
    assert "about 20 g" in alone["advice"]
    bad = invoke([write(tmp_path, document(earlier_pairs={"verdict": "x"}))])
    assert bad.exit_code == 2 and "earlier_pairs" in bad.stderr


def test_file_options_are_used(tmp_path):
    workout = dict(LIFT, sport_type="Workout", type="Workout")
    doc = document(activities=[workout, RUN], zones=None, max_hr=200, training_status="beginner",
                   lift_types=["WeightTraining", "Workout"], window_hours=2)
    pair, = json.loads(invoke([write(tmp_path, doc)]).stdout)["pairs"]
    assert pair["intensity_source"] == "max_hr_estimate"
    skipped = json.loads(invoke([write(tmp_path, document(activities=[workout, RUN]))]).stdout)
    assert skipped == {"pairs": [], "skipped": [{"id": workout["id"], "reason": "unsupported sport type"}]}


def test_manual_without_time_is_skipped_not_an_error(tmp_path):
    manual = dict(RUN, manual=True, start_date=None)
    result = invoke([write(tmp_path, document(activities=[LIFT, manual]))])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["skipped"][0]["reason"] == "manual activity without start time"


BAD_INPUTS = {
    "not json": ("{goal: strength", "not valid JSON"),
    "nan": ('{"goal": "strength", "activities": [], "max_hr": NaN}', "NaN"),
    "not an object": ('"strength"', "JSON object"),
    "missing goal": ({"activities": []}, "goal"),
    "missing activities": ({"goal": "strength"}, "activities"),
    "activities not a list": ({"goal": "strength", "activities": {}}, "activities"),
    "unknown goal": (document(goal="bulk"), "unknown goal 'bulk'"),
    "negative elapsed": (document(activities=[LIFT, dict(RUN, elapsed_time=-5)]),
                         "elapsed_time must not be negative"),
    "negative moving": (document(activities=[LIFT, dict(RUN, moving_time=-1)]),
                        "moving_time must not be negative"),
    "no start_date": (document(activities=[LIFT, {k: v for k, v in RUN.items() if k != "start_date"}]),
                      "missing start_date"),
    "bad start_date": (document(activities=[LIFT, dict(RUN, start_date="soon")]), "start_date"),
    "missing id": (document(activities=[{k: v for k, v in LIFT.items() if k != "id"}]), "id"),
    "bad zones": (document(zones="z2"), "zones"),
    "bad max_hr": (document(max_hr=-1), "max_hr"),
    "bad window": (document(window_hours=0), "window_hours"),
    "bad types": (document(lift_types="WeightTraining"), "lift_types"),
    "bad training status": (document(training_status="pro"), "training_status"),
    "type in both lists": (document(lift_types=["Run"]), "both a lift and a run"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_exit_2(tmp_path, name):
    content, expected = BAD_INPUTS[name]
    result = invoke([write(tmp_path, content)])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_goal_option_is_checked_the_same_way(tmp_path):
    result = invoke([write(tmp_path, document()), "--goal", "mass"])
    assert result.exit_code == 2 and "unknown goal" in result.stderr


@pytest.mark.parametrize("args", [[], ["/nonexistent/file.json"]])
def test_missing_file(args):
    result = invoke(args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"goal": "strength", "activities": [], "x": "Ü"}'.encode("latin-1"))
    result = invoke([str(path)])
    assert result.exit_code == 2 and "UTF-8" in result.stderr


def _liftrun():
    found = shutil.which("liftrun") or str(Path(sys.executable).with_name("liftrun"))
    return found if os.path.exists(found) else None


def test_console_script_subprocess(tmp_path):
    exe = _liftrun()
    command = [exe] if exe else [sys.executable, "-c", "from plugin.cli import main; main()"]
    good = subprocess.run(command + ["advise", write(tmp_path, document())],
                          capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["pairs"][0]["verdict"] == "cooldown_ok"
    bad = subprocess.run(command + ["advise", "-"], input="not json", capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1 and "not valid JSON" in bad.stderr


def test_unknown_sport_type_in_the_file_is_refused_with_the_valid_list():
    doc = {"goal": "strength", "activities": [], "lift_types": ["WeightTraining", "Yoga"]}
    result = invoke(["-"], stdin=json.dumps(doc))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("liftrun advise: error: unknown sport type Yoga in lift_types (valid: ")
    assert "WeightTraining" in line and "Workout" in line
