"""The Procfile's own command lines, started as a process manager would: release,
then web (gunicorn, two processes), worker and beat; metrics added up across
processes, JSON logs, readiness and `liftrun status` seen from outside."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from plugin.devtools import emulator_command, free_port
from tests.support import strava
from tests.support.apps import REDIS_BASE
from tests.support.stack import Stack
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"
ATHLETE = 123456789
TOKEN = "e2e-metrics-token"


def procfile_lines() -> dict[str, str]:
    lines = {}
    for raw in PROCFILE.read_text().splitlines():
        if raw.strip() and not raw.lstrip().startswith("#"):
            name, command = raw.split(":", 1)
            lines[name.strip()] = command.strip()
    return lines


def metric(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefix))


@pytest.fixture
def procfile_stack(tmp_path):
    stack = Stack(tmp_path)
    port = free_port()
    stack.web = f"http://127.0.0.1:{port}"
    prom_dir = tmp_path / "prometheus"
    prom_dir.mkdir()
    stack.env.update(
        PUBLIC_URL=stack.web, PORT=str(port), REDIS_URL=f"{REDIS_BASE}/12", LIFTRUN_INSTANCE_PATH=str(tmp_path),
        PROMETHEUS_MULTIPROC_DIR=str(prom_dir), METRICS_TOKEN=TOKEN, LOG_FORMAT="json",
        PATH=f"{Path(sys.executable).parent}:{stack.env.get('PATH', '/usr/bin:/bin')}",
    )
    yield stack
    stack.stop()


def test_procfile_lines_run_the_product(procfile_stack):
    stack = procfile_stack
    lines = procfile_lines()
    assert set(lines) == {"release", "web", "worker", "beat"}
    import redis as redis_lib

    redis_lib.Redis.from_url(stack.env["REDIS_URL"]).flushdb()
    stack.schema.create()
    release = subprocess.run(["bash", "-c", lines["release"]], env=stack.env, cwd=stack.tmp,
                             capture_output=True, text=True, timeout=120)
    assert release.returncode == 0, release.stderr

    stack.run("emulator", emulator_command(int(stack.emu.rsplit(":", 1)[1]), "--auto-approve"))
    for name in ("web", "worker", "beat"):
        stack.run(name, ["bash", "-c", f"exec {lines[name]}"])
    stack.wait_for(f"{stack.emu}/healthz")
    stack.wait_for(f"{stack.web}/healthz", timeout=60)
    ready = wait_until(lambda: requests.get(f"{stack.web}/readyz", timeout=5).status_code == 200,
                       what="/readyz to see the worker's heartbeat")
    assert ready

    browser = requests.Session()
    assert browser.get(f"{stack.web}/auth/strava", timeout=10).url.startswith(f"{stack.web}/settings")
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
    ids = [strava.upload(stack.emu, sport, start + dt.timedelta(minutes=offset), minutes, "own words")
           for sport, offset, minutes in (("WeightTraining", 0, 60), ("Run", 90, 40))]
    for n, activity_id in enumerate(ids):
        event = strava.activity_event(activity_id, int(time.time()) + n)
        assert requests.post(f"{stack.web}/webhook", json=event, timeout=5).json()["status"] == "queued"
    wait_until(lambda: stack.sql("SELECT count(*) FROM inbox_events WHERE status = 'done'")[0][0] == 2,
               what="both events to be processed")

    # Counters from the worker's prefork children and from both gunicorn processes, added up.
    scraped = requests.get(f"{stack.web}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert scraped.status_code == 200
    text = scraped.text
    assert metric(text, "liftrun_events_received_total", outcome="queued") == 2
    assert metric(text, "liftrun_events_processed_total", status="done") == 2
    assert metric(text, "liftrun_strava_calls_total", method="GET", endpoint="/api/v3/activities/{id}",
                  status="200") >= 2
    assert 'liftrun_task_duration_seconds_count{state="SUCCESS",task="liftrun.process_event"}' in text
    assert "liftrun_queue_depth" in text

    status = subprocess.run([str(Path(sys.executable).parent / "liftrun"), "status", "--json"], env=stack.env,
                            capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stdout + status.stderr
    snapshot = json.loads(status.stdout)
    assert snapshot["inbox"] == {"done": 2} and snapshot["worker_alive"] is True
    assert snapshot["athletes"]["connected"] == 1

    worker_log = stack.log("worker")
    records = [json.loads(line) for line in worker_log.splitlines() if line.startswith("{")]
    task_records = [r for r in records if r["task"] == "liftrun.process_event"]
    assert task_records, worker_log[-3000:]
    assert all(r["athlete_id"] == ATHLETE and r["event_id"] for r in task_records)
    assert "beat: Starting" in stack.log("beat")
    assert stack.processes.all_running(), stack.dump_logs()
