"""The wheel on its own: built from a copy of the checkout, installed (not editable)
into a fresh venv, used from a folder far from the checkout. Its dependencies come
from this venv (linked with a .pth line) so the test needs no network for them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
LEFT_BEHIND = {".venv", ".git", "build", "dist", "instance", "test-artifacts", ".pytest_cache", ".hypothesis",
               "__pycache__"}

LIFT = {"id": 1, "sport_type": "WeightTraining", "start_date": "2024-01-05T17:00:00Z",
        "start_date_local": "2024-01-05T18:00:00Z", "elapsed_time": 3600, "moving_time": 3300}
RUN = {"id": 2, "sport_type": "Run", "start_date": "2024-01-05T18:05:00Z",
       "start_date_local": "2024-01-05T19:05:00Z", "elapsed_time": 2400, "moving_time": 2400}


def run(argv, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=240, **kwargs)
    assert result.returncode == 0, f"{argv}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Install the wheel in a fresh venv; return its bin folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=lambda _dir, names: [n for n in names if n in LEFT_BEHIND
                                                                              or n.endswith(".egg-info")])
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp / "dist"), str(source)])
    wheel = next((tmp / "dist").glob("liftrun_coach-*.whl"))
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    # Dependencies from this venv, after the new venv's own packages (so the wheel's copy of plugin wins).
    (site / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
         str(wheel)])
    return venv / "bin"


def clean_env(tmp: Path) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    return {**{k: v for k, v in os.environ.items() if k in keep}, "LIFTRUN_INSTANCE_PATH": str(tmp),
            "SILENCE_TOKEN_WARNINGS": "true"}


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    where = run([str(installed / "python"), "-c", "import plugin, pathlib; print(pathlib.Path(plugin.__file__))"],
                cwd=tmp_path, env=clean_env(tmp_path)).stdout.strip()
    assert Path(where).is_relative_to(installed.parent), where
    defaults = Path(where).parent / "coaching" / "defaults"
    assert (defaults / "coaching.toml").is_file() and not defaults.is_symlink()
    assert {p.name for p in (defaults / "messages").glob("*.toml")} >= {"en.toml", "de.toml"}


def test_advise_and_analyze_from_elsewhere(installed, tmp_path):
    doc = tmp_path / "week.json"
    doc.write_text(json.dumps({"goal": "strength", "activities": [LIFT, RUN]}))
    advised = json.loads(run([str(installed / "liftrun"), "advise", str(doc)], cwd=tmp_path,
                             env=clean_env(tmp_path)).stdout)
    assert [(p["lift_id"], p["run_id"]) for p in advised["pairs"]] == [(1, 2)]
    assert advised["pairs"][0]["advice"]

    export = tmp_path / "export.json"
    export.write_text(json.dumps([LIFT, RUN]))
    summary = run([str(installed / "liftrun"), "analyze", str(export), "--json"], cwd=tmp_path,
                  env=clean_env(tmp_path)).stdout
    assert json.loads(summary)


def test_db_upgrade_on_sqlite_from_elsewhere(installed, tmp_path):
    # `python -m flask`: Flask's own script lives with the borrowed dependencies, not in this venv.
    database = tmp_path / "fresh.sqlite"
    env = {**clean_env(tmp_path), "DATABASE_URL": f"sqlite:///{database}"}
    run([str(installed / "python"), "-m", "flask", "--app", "plugin", "db", "upgrade"], cwd=tmp_path, env=env)
    import sqlite3

    with sqlite3.connect(database) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"athletes", "inbox_events", "pairs", "alembic_version"} <= tables


def test_a_bad_setting_is_one_line_not_a_traceback(installed, tmp_path):
    env = {**clean_env(tmp_path), "STRAVA_CLIENT_ID": "42"}
    upgrade = [str(installed / "python"), "-m", "flask", "--app", "plugin", "db", "upgrade"]
    result = subprocess.run(upgrade, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "STRAVA_CLIENT_SECRET" in result.stderr
    bad = tmp_path / "coach"
    bad.mkdir()
    (bad / "coaching.toml").write_text("gap = [\n")
    result = subprocess.run([str(installed / "liftrun"), "advise", "-"], input="{}", cwd=tmp_path, timeout=120,
                            env={**clean_env(tmp_path), "LIFTRUN_CONFIG_DIR": str(bad)}, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "coaching.toml" in result.stderr
