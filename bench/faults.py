"""The fault report: the real processes under Strava's, Redis's and the worker's bad moments.

Starts its own private Redis (a free port, so it can be stopped), a
PostgreSQL schema of its own, the Strava emulator, the web app (gunicorn)
and Celery workers as processes, then runs each scenario: lifts and runs
uploaded in the emulator, their webhook events posted to the product, faults
cast through the emulator's admin API (or processes killed / stopped), and
waits until the inbox settles. Printed per scenario: events sent, completed,
still waiting (with why), duplicate blocks, damaged descriptions (the
athlete's text not intact), and 5xx answers of the webhook. The last row is
hostile input: the seeded fuzz requests of tests/support/fuzz.py (the fuzz
test's own generator) sent to the real gunicorn, counting 5xx answers and
stored garbage (inbox rows no well-formed event makes, settings no valid
form makes, athletes a made-up OAuth code connected).

    .venv/bin/python bench/faults.py --smoke   # one pair per scenario, without the SIGKILL and Redis ones;
                                               # 300 fuzz requests
    .venv/bin/python bench/faults.py           # more pairs per scenario; 3,000 fuzz requests

Needs redis-server on PATH and PostgreSQL at $LIFTRUN_TEST_PG_URL
(default postgresql://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from plugin.description_block import SIGNATURE_PREFIX, remove_block  # noqa: E402
from plugin import devtools  # noqa: E402
from tests.support.forms import csrf_token  # noqa: E402
from tests.support.fuzz import (  # noqa: E402
    FuzzRequest,
    callback_requests,
    inbox_garbage,
    settings_garbage,
    settings_requests,
    state_of,
    validation_requests,
    webhook_requests,
)

PG_URL = os.environ.get("LIFTRUN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
# Hostile requests per way in (the smoke run sends a tenth).
FUZZ_REQUESTS = {"webhook": 1200, "validation": 600, "callback": 600, "settings": 600}


@dataclass
class Row:
    scenario: str
    sent: int
    completed: int
    waiting: str
    duplicates: int
    damaged: int
    server_errors: int
    seconds: float
    garbage: int | None = None  # stored garbage, counted for hostile input only
    events: bool = True  # False: `sent` counts requests, not events (nothing can be lost)
    detail: str = ""  # printed under the table


class Stack:
    """Every process the product runs as, on private ports, a schema and a Redis of its own."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.schema = devtools.Schema(PG_URL, "faults")
        self.redis_port, self.emu_port, self.web_port = (devtools.free_port() for _ in range(3))
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.emu = f"http://127.0.0.1:{self.emu_port}"
        self.web = f"http://127.0.0.1:{self.web_port}"
        self.env = devtools.product_env(
            STRAVA_BASE_URL=self.emu, PUBLIC_URL=self.web, DATABASE_URL=self.schema.url, REDIS_URL=self.redis_url,
            SECRET_KEY="faults-secret",
            # Short pauses so a report finishes in minutes; the kinds of waiting are unchanged.
            LIFTRUN_ERROR_BACKOFF_SECONDS=1, LIFTRUN_NOT_FOUND_RETRY_SECONDS=2,
        )
        self.processes = devtools.ProcessGroup(self.env, log_dir=tmp, cwd=ROOT)
        self.browser = requests.Session()  # the connected athlete's, logged in by `connect`

    # ------------------------------------------------------------ processes

    def start_redis(self) -> None:
        self.processes.start("redis", ["redis-server", "--port", str(self.redis_port), "--save", "",
                                       "--appendonly", "no"])
        self.processes.wait_for_port(self.redis_port, timeout=5)

    def stop_redis(self) -> None:
        if "redis" in self.processes.procs:
            self.processes.stop("redis", timeout=10)

    def start_worker(self, name: str) -> None:
        self.processes.start(name, devtools.worker_command(1, "--without-gossip", "--without-mingle",
                                                           "-n", f"{name}@%h"))

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        self.processes.stop(name, sig=sig)

    def start(self) -> None:
        self.schema.create()
        self.start_redis()
        subprocess.run(devtools.upgrade_command(), env=self.env, check=True, capture_output=True, cwd=ROOT)
        self.processes.start("emulator", devtools.emulator_command(self.emu_port, "--auto-approve"))
        self.processes.start("web", devtools.gunicorn_command(self.web_port, 2))
        self.start_worker("worker1")
        self.processes.wait_for_url(f"{self.emu}/healthz", timeout=90)
        self.processes.wait_for_url(f"{self.web}/healthz", timeout=90)

    def stop(self) -> None:
        self.processes.stop(*(name for name in self.processes.procs if name != "redis"))  # then their Redis
        self.stop_redis()
        self.schema.drop()

    # ------------------------------------------------------------ talking to it

    def sql(self, query: str, **params):
        return self.schema.sql(query, **params)

    def admin(self, method: str, path: str, **kwargs):
        response = requests.request(method, f"{self.emu}/sandbox/api/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def connect(self) -> int:
        http = self.browser
        start = http.get(f"{self.web}/auth/strava", allow_redirects=False)
        approve = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
        callback = urlsplit(approve.headers["Location"])
        done = http.get(f"{self.web}{callback.path}?{callback.query}", allow_redirects=False)
        assert done.status_code in (302, 303), done.status_code
        athlete_id = int(self.sql("SELECT id FROM athletes")[0][0])
        self.sql("UPDATE athlete_settings SET goal = 'strength', goal_chosen_at = now()")
        return athlete_id

    def sweep_now(self) -> None:
        """Do now what the beat's sweep does every 2 minutes: queue pending events nobody holds."""
        code = ("from worker import flask_app\n"
                "from plugin.services import events\n"
                "from plugin.queue import PROCESS_EVENT, enqueue\n"
                "import datetime as dt\n"
                "with flask_app.app_context():\n"
                "    for i in events.pending_event_ids(older_than=dt.timedelta(seconds=0)):\n"
                "        enqueue(PROCESS_EVENT, i)\n")
        subprocess.run([sys.executable, "-c", code], env=self.env, cwd=ROOT, check=True, capture_output=True)


class Scenario:
    """Upload pairs, post their events, then settle and count."""

    def __init__(self, stack: Stack, athlete_id: int, name: str, pairs: int, base: dt.datetime):
        self.stack, self.athlete_id, self.name, self.base = stack, athlete_id, name, base
        self.runs: dict[int, str] = {}
        self.events: list[dict] = []
        self.server_errors = 0
        self.started = time.monotonic()
        for n in range(pairs):
            start = base + dt.timedelta(days=3 * n)
            lift = self.upload("WeightTraining", start, 60, "")
            text = f"{name} run {n}\nsplits 5:01 4:58"
            run = self.upload("Run", start + dt.timedelta(minutes=90), 40, text)
            self.runs[run] = text
            self.events += [self.event_body(lift), self.event_body(run)]

    def upload(self, sport: str, start: dt.datetime, minutes: int, description: str) -> int:
        return self.stack.admin("POST", "activities", json={
            "athlete_id": self.athlete_id, "sport_type": sport, "start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "elapsed_time": minutes * 60, "description": description, "deliver": False})["id"]

    def event_body(self, object_id: int) -> dict:
        return {"object_type": "activity", "object_id": object_id, "aspect_type": "create", "updates": {},
                "owner_id": self.athlete_id, "subscription_id": 1, "event_time": int(time.time())}

    def post(self, body: dict) -> None:
        try:
            answer = requests.post(f"{self.stack.web}/webhook", json=body, timeout=10)
            self.server_errors += answer.status_code >= 500
        except requests.RequestException:
            self.server_errors += 1

    def post_all(self, copies: int = 1, shuffle: bool = False) -> None:
        deliveries = [body for body in self.events for _ in range(copies)]
        if shuffle:
            random.Random(11).shuffle(deliveries)
        for body in deliveries:
            self.post(body)

    def settle(self, timeout: float, allow_waiting: bool = False, only: list[dict] | None = None) -> Row:
        ids = [body["object_id"] for body in (only or self.events)]
        deadline = time.monotonic() + timeout
        while True:
            rows = self.stack.sql(
                "SELECT status, deferred_reason FROM inbox_events WHERE object_id = ANY(:ids)", ids=ids)
            pending = [r for r in rows if r[0] == "pending"]
            if (len(rows) >= len(ids) and not pending) or time.monotonic() > deadline:
                break
            if allow_waiting and pending and all(r[1] == "rate_limit" for r in pending):
                break
            time.sleep(0.3)
        time.sleep(0.3)
        completed = sum(1 for r in rows if r[0] in ("done", "superseded"))
        waiting = {}
        for status, reason in rows:
            if status not in ("done", "superseded"):
                key = reason or status
                waiting[key] = waiting.get(key, 0) + 1
        duplicates = damaged = 0
        for run, text in self.runs.items():
            now = self.stack.admin("GET", f"activities/{run}")["description"] or ""
            duplicates += now.count(SIGNATURE_PREFIX) > 1
            damaged += remove_block(now) != text
        return Row(self.name, len(ids), completed,
                   ", ".join(f"{v} {k}" for k, v in sorted(waiting.items())) or "-",
                   duplicates, damaged, self.server_errors, time.monotonic() - self.started)


def hostile_input(stack: Stack, athlete_id: int, counts: dict[str, int]) -> Row:
    """Send the fuzz test's requests to the real gunicorn; count the 5xx and the garbage stored."""
    started = time.monotonic()
    answers: dict[str, Counter[str]] = {way: Counter() for way in counts}

    def send(http: requests.Session, request: FuzzRequest, state: str | None = None,
             csrf: str | None = None) -> None:
        headers = {"Content-Type": request.content_type} if request.content_type else {}
        try:
            answer = http.request(request.method, f"{stack.web}{request.url(state)}", data=request.data(csrf) or None,
                                  headers=headers, allow_redirects=False, timeout=30)
            answers[request.kind][str(answer.status_code)] += 1
        except requests.RequestException:
            answers[request.kind]["no answer"] += 1

    anyone = requests.Session()
    for request in webhook_requests(counts["webhook"], athlete_id):
        send(anyone, request)
    for request in validation_requests(counts["validation"]):
        send(anyone, request)
    for request in callback_requests(counts["callback"]):
        browser, state = requests.Session(), None  # a fresh browser each time
        if request.starts_flow:
            state = state_of(browser.get(f"{stack.web}/auth/strava", allow_redirects=False).headers["Location"])
        send(browser, request, state)
    token = csrf_token(stack.browser.get(f"{stack.web}/settings", timeout=30).text)
    for request in settings_requests(counts["settings"]):
        send(stack.browser, request, csrf=token)

    inbox = [dict(row._mapping) for row in stack.sql(
        "SELECT id, object_type, aspect_type, owner_id, object_id, event_time, subscription_id, updates"
        " FROM inbox_events")]
    settings = [dict(row._mapping) for row in stack.sql(
        "SELECT s.goal, s.mode, s.window_hours, s.training_status, s.lift_types, s.run_types, s.language,"
        " s.timezone, a.max_hr FROM athlete_settings s JOIN athletes a ON a.id = s.athlete_id")]
    strangers = stack.sql("SELECT count(*) FROM athletes WHERE id <> :id", id=athlete_id)[0][0]
    garbage = len(inbox_garbage(inbox, athlete_id)) + sum(1 for row in settings if settings_garbage(row)) + strangers
    # A fuzz that never got past the login, the CSRF check or the validation would prove nothing.
    if not answers["settings"]["302"] or not answers["webhook"]["200"]:
        raise RuntimeError(f"the fuzz reached neither a saved setting nor a stored event: {answers}")
    total = sum(answers.values(), Counter())
    errors = sum(n for status, n in total.items() if status == "no answer" or int(status) >= 500)
    sent = sum(total.values())
    detail = "hostile input, answers by way in: " + "; ".join(
        f"{way} " + ", ".join(f"{status}: {n}" for status, n in sorted(counted.items()))
        for way, counted in answers.items())
    return Row("hostile input (fuzz)", sent, sent - errors, "-", 0, 0, errors,
               time.monotonic() - started, garbage=garbage, events=False, detail=detail)


def run_report(pairs: int, smoke: bool) -> list[Row]:
    tmp = Path(tempfile.mkdtemp(prefix="liftrun-faults-"))
    stack = Stack(tmp)
    rows: list[Row] = []
    base = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=2)
    days = iter(range(0, 10_000, 3 * pairs + 3))

    def scenario(name: str) -> Scenario:
        return Scenario(stack, athlete, name, pairs, base + dt.timedelta(days=next(days)))

    try:
        stack.start()
        athlete = stack.connect()
        time.sleep(1.0)  # the look back on connect runs first

        s = scenario("no faults")
        s.post_all()
        rows.append(s.settle(30))

        s = scenario("Strava 500 spell (3 calls)")
        stack.admin("POST", "faults", json={"kind": "500", "count": 3})
        s.post_all()
        rows.append(s.settle(40))

        s = scenario("Strava slow (400 ms per call)")
        stack.admin("POST", "faults", json={"kind": "slow", "latency_ms": 400, "seconds": 20})
        s.post_all()
        rows.append(s.settle(40))
        stack.admin("DELETE", "faults")

        s = scenario("Strava 401 on a valid token")
        stack.admin("POST", "faults", json={"kind": "401", "count": 1})
        s.post_all()
        rows.append(s.settle(30))

        s = scenario("Strava 404 for a fresh upload (2 calls)")
        stack.admin("POST", "faults", json={"kind": "404", "endpoint": "GET /activities/{id}", "count": 2})
        s.post_all()
        rows.append(s.settle(40))

        s = scenario("athlete edits between our read and write")
        # The runs' events come first (no partner yet); the athlete edits them; then the lifts' events write.
        run_events = [e for e in s.events if e["object_id"] in s.runs]
        for body in run_events:
            s.post(body)
        s.settle(30, only=run_events)
        for run, text in list(s.runs.items()):
            s.runs[run] = text + "\nedited after upload"
            stack.admin("PATCH", f"activities/{run}", json={"description": s.runs[run], "deliver": False})
        for body in s.events:
            if body not in run_events:
                s.post(body)
        rows.append(s.settle(30))

        fuzz = {way: n // 10 if smoke else n for way, n in FUZZ_REQUESTS.items()}
        if smoke:  # the two slow ones (a dead worker's lock must expire; Redis must come back)
            # Hostile input last: its settings posts change the goal, the mode and the window.
            return rows + _three_workers_and_429(stack, scenario) + [hostile_input(stack, athlete, fuzz)]
        s = scenario("worker SIGKILLed with a write in flight")
        stack.admin("POST", "faults", json={"kind": "slow", "endpoint": "PUT /activities/{id}",
                                            "latency_ms": 1500, "count": 1})
        before = stack.admin("GET", "calls")["calls"].get("PUT /activities/{id}", 0)
        s.post_all()
        deadline = time.monotonic() + 20
        while stack.admin("GET", "calls")["calls"].get("PUT /activities/{id}", 0) == before:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        stack.kill("worker1", signal.SIGKILL)
        stack.start_worker("worker1")
        # The dead worker took its queued retries with it, and its athlete lock lives on for up
        # to 30 s: the beat's sweep re-queues such events; here it runs a few times, sooner.
        for _ in range(4):
            time.sleep(10)
            stack.sweep_now()
        rows.append(s.settle(40))

        s = scenario("Redis stopped 5 s, restarted")
        stack.stop_redis()
        s.post_all()
        time.sleep(5)
        stack.start_redis()
        time.sleep(2)
        stack.sweep_now()
        rows.append(s.settle(40))

        rows += _three_workers_and_429(stack, scenario)
        rows.append(hostile_input(stack, athlete, fuzz))
    except Exception:
        for log in sorted(tmp.glob("*.log")):
            print(f"===== {log.name} =====\n{log.read_text()[-3000:]}", file=sys.stderr)
        raise
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _three_workers_and_429(stack: Stack, scenario) -> list[Row]:
    rows = []
    stack.start_worker("worker2")
    stack.start_worker("worker3")
    s = scenario("3 workers, 3x shuffled re-delivery")
    s.post_all(copies=3, shuffle=True)
    rows.append(s.settle(40))

    # Last: the budget then says "spent" until the quarter hour turns.
    s = scenario("Strava 429 (defers to the window reset)")
    stack.admin("POST", "faults", json={"kind": "429", "count": 1})
    s.post_all()
    row = s.settle(20, allow_waiting=True)
    calls_before = stack.admin("GET", "calls")["total"]
    time.sleep(2)
    row.waiting += f"; calls while waiting: {stack.admin('GET', 'calls')['total'] - calls_before}"
    rows.append(row)
    return rows


def print_table(rows: list[Row]) -> None:
    header = ("scenario", "sent", "completed", "waiting", "dup blocks", "damaged", "5xx", "garbage", "s")
    table = [header] + [(r.scenario, str(r.sent), str(r.completed), r.waiting, str(r.duplicates), str(r.damaged),
                         str(r.server_errors), "-" if r.garbage is None else str(r.garbage), f"{r.seconds:.0f}")
                        for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for n, line in enumerate(table):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    lost = sum(r.sent - r.completed for r in rows if r.events and "rate_limit" not in r.waiting)
    print(f"\nlost (not completed, not waiting on the rate limit): {lost};"
          f" duplicate blocks: {sum(r.duplicates for r in rows)}; damaged: {sum(r.damaged for r in rows)};"
          f" 5xx: {sum(r.server_errors for r in rows)}; stored garbage: {sum(r.garbage or 0 for r in rows)}")
    for row in rows:
        if row.detail:
            print(row.detail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one pair per scenario, a tenth of the fuzz")
    parser.add_argument("--pairs", type=int, default=4)
    args = parser.parse_args(argv)
    started = time.monotonic()
    print_table(run_report(1 if args.smoke else args.pairs, args.smoke))
    print(f"total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
