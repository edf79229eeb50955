"""Scale-out: events per second end to end with 1, 2 and 4 worker processes.

End to end means: the webhook POST for each upload → the Celery task →
Strava reads → the advice written on the run in the emulator. The emulator
adds 100 ms to every API call (its latency knob), so the figure is bound by
waiting on Strava, as in production, not by this machine's CPU. Every run
uses real processes: the emulator, the web app under gunicorn (the README's
command), N separate `celery -A worker worker --concurrency 1` processes (as
if on N machines) sharing one PostgreSQL schema and one Redis, where the
per-athlete lock and the rate budget live.

    .venv/bin/python bench/scaling.py            # 8 athletes x 3 lift/run pairs per worker count
    .venv/bin/python bench/scaling.py --smoke    # 4 athletes x 1 pair (under a minute)

Prints, per worker count: events, seconds, events/s, speed-up, Strava calls,
and activities carrying more than one advice block (must be 0). Nothing is
asserted on time.
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from plugin.description_block import SIGNATURE_PREFIX  # noqa: E402
from plugin import devtools  # noqa: E402

PG_URL = os.environ.get("LIFTRUN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("LIFTRUN_TEST_REDIS", "redis://127.0.0.1:6379")
SIGNATURE_LINE = re.compile(rf"^{re.escape(SIGNATURE_PREFIX)}\b", re.MULTILINE)


class Stack:
    """Emulator + web once; worker processes started and stopped per measurement."""

    def __init__(self, tmp: Path, redis_url: str, latency_ms: int):
        self.tmp = tmp
        self.redis_url = redis_url
        self.latency_ms = latency_ms
        self.schema = devtools.Schema(PG_URL, "bench_scale")
        self.emu_port, self.web_port = devtools.free_port(), devtools.free_port()
        self.emu = f"http://127.0.0.1:{self.emu_port}"
        self.web = f"http://127.0.0.1:{self.web_port}"
        self.env = devtools.product_env(STRAVA_BASE_URL=self.emu, PUBLIC_URL=self.web, SECRET_KEY="bench-secret",
                               DATABASE_URL=self.schema.url, REDIS_URL=redis_url, LIFTRUN_INSTANCE_PATH=tmp)
        self.base = devtools.ProcessGroup(self.env, log_dir=tmp, cwd=ROOT)
        self.workers = devtools.ProcessGroup(self.env, log_dir=tmp, cwd=ROOT)
        self.http = requests.Session()

    def start(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()
        self.schema.create()
        subprocess.run(devtools.upgrade_command(), env=self.env, cwd=ROOT, check=True, capture_output=True)
        self.base.start("emulator", devtools.emulator_command(self.emu_port, "--auto-approve"), new_session=True)
        self.base.start("web", devtools.gunicorn_command(self.web_port, 2), new_session=True)
        self.base.wait_for_url(f"{self.emu}/healthz", timeout=30)
        self.base.wait_for_url(f"{self.web}/healthz", timeout=30)
        big = 10**7
        self.admin("POST", "rate-limit", json={"limit_15min": big, "limit_daily": big, "read_limit_15min": big,
                                               "read_limit_daily": big})
        self.admin("POST", "latency", json={"ms": self.latency_ms})

    def admin(self, method: str, path: str, **kwargs):
        resp = self.http.request(method, f"{self.emu}/sandbox/api/{path}", timeout=30, **kwargs)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def start_workers(self, count: int, label: str) -> None:
        names = [f"worker-{label}-{i}" for i in range(count)]
        for name in names:
            self.workers.start(name, devtools.worker_command(1, "--prefetch-multiplier", "1", "--without-gossip",
                                                    "--without-mingle", "-n", f"{name}@%h"), new_session=True)
        for name in names:
            self.workers.wait_for_log(name, " ready.", timeout=60)

    def stop_workers(self) -> None:
        self.workers.stop(timeout=20)

    def stop(self) -> None:
        self.stop_workers()
        self.base.stop(timeout=20)
        self.schema.drop()

    def sql(self, query: str, **params):
        return self.schema.sql(query, **params)

    def connect(self, athlete_id: int) -> None:
        """Walk the real OAuth redirect chain, for one emulator athlete."""
        browser = requests.Session()
        start = browser.get(f"{self.web}/auth/strava", allow_redirects=False, timeout=10)
        approve = browser.get(start.headers["Location"] + f"&athlete_id={athlete_id}", allow_redirects=False,
                              timeout=10)
        callback = urlsplit(approve.headers["Location"])
        done = browser.get(f"{self.web}{callback.path}?{callback.query}", allow_redirects=False, timeout=10)
        assert done.status_code in (302, 303), (done.status_code, done.text[:300])


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def measure(stack: Stack, workers: int, athletes: int, pairs: int, timeout: float) -> dict:
    stack.start_workers(workers, f"{workers}w")
    try:
        ids = [stack.admin("POST", "athletes", json={"firstname": f"Scale{workers}w{a}", "lastname": "Bench"})["id"]
               for a in range(athletes)]
        for athlete_id in ids:
            stack.connect(athlete_id)
        deadline = time.monotonic() + timeout
        while stack.sql("SELECT count(*) FROM athletes WHERE id = ANY(:ids) AND backfilled_at IS NULL",
                        ids=ids)[0][0]:
            if time.monotonic() > deadline:
                raise RuntimeError("the look back on connect did not finish")
            time.sleep(0.2)
        stack.sql("UPDATE athlete_settings SET goal = 'strength', goal_chosen_at = now() WHERE athlete_id = ANY(:ids)",
                  ids=ids)

        events, runs = [], []
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        for athlete_id in ids:
            for p in range(pairs):
                lift_at = now - dt.timedelta(days=3 * p + 1, hours=2)  # pairs days apart: one pair each
                for sport, start, minutes in (("WeightTraining", lift_at, 60),
                                              ("Run", lift_at + dt.timedelta(minutes=70), 30)):
                    activity = stack.admin("POST", "activities", json={
                        "athlete_id": athlete_id, "sport_type": sport, "name": f"{sport} {p}",
                        "start_date": iso(start), "elapsed_time": minutes * 60, "moving_time": minutes * 60,
                        "description": "My own words.", "deliver": False,
                    })
                    events.append(((p, sport != "WeightTraining", athlete_id), athlete_id, activity["id"]))
                    if sport == "Run":
                        runs.append(activity["id"])
        # As uploads arrive: every athlete's lift, later every athlete's run, so that one athlete's two
        # events rarely meet at the lock (they would defer, as designed, not run in parallel).
        events = [(athlete_id, activity_id) for _, athlete_id, activity_id in sorted(events)]
        stack.admin("DELETE", "calls")

        def deliver(n_event):
            n, (athlete_id, activity_id) = n_event
            body = {"object_type": "activity", "object_id": activity_id, "aspect_type": "create", "updates": {},
                    "owner_id": athlete_id, "subscription_id": 1, "event_time": int(time.time()) + n}
            return requests.post(f"{stack.web}/webhook", json=body, timeout=5).status_code

        t0 = time.perf_counter()
        with futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(deliver, enumerate(events)))
        assert set(answers) == {200}, answers
        pending = set(runs)
        while pending:
            if time.perf_counter() - t0 > timeout:
                break
            texts = {a["id"]: a.get("description") or "" for a in stack.admin("GET", "activities")}
            pending = {r for r in pending if not SIGNATURE_LINE.search(texts.get(r, ""))}
            if pending:
                time.sleep(0.1)
        elapsed = time.perf_counter() - t0
        texts = {a["id"]: a.get("description") or "" for a in stack.admin("GET", "activities")
                 if a["athlete_id"] in ids}
        double = sum(1 for text in texts.values() if len(SIGNATURE_LINE.findall(text)) > 1)
        kept = sum(1 for activity_id in runs if texts.get(activity_id, "").startswith("My own words."))
        calls = stack.admin("GET", "calls")
        return {"workers": workers, "events": len(events), "seconds": elapsed, "rps": len(events) / elapsed,
                "advised": len(runs) - len(pending), "runs": len(runs), "double": double, "kept": kept,
                "reads": calls["reads"], "writes": calls["writes"]}
    finally:
        stack.stop_workers()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="4 athletes x 1 pair per worker count")
    parser.add_argument("--athletes", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=3, help="lift/run pairs per athlete")
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to measure")
    parser.add_argument("--latency-ms", type=int, default=100, help="added to every emulator API call")
    parser.add_argument("--redis", default=f"{REDIS_BASE}/11", help="Redis URL (this database is flushed)")
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    athletes, pairs = (4, 1) if args.smoke else (args.athletes, args.pairs)
    counts = [int(n) for n in args.workers.split(",")]

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp), args.redis, args.latency_ms)
        try:
            stack.start()
            for n in counts:
                rows.append(measure(stack, n, athletes, pairs, args.timeout))
        except Exception:
            for log in sorted(Path(tmp).glob("*.log")):
                print(f"===== {log.name} =====\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
            raise
        finally:
            stack.stop()

    print(f"end to end (webhook → advice written), emulator +{args.latency_ms} ms per call, "
          f"{athletes} athletes x {pairs} lift/run pairs, gunicorn --workers 2, PostgreSQL, Redis "
          f"({os.cpu_count()} cores)")
    print(f"{'workers':>7} {'events':>7} {'seconds':>8} {'events/s':>9} {'speed-up':>9} {'advised':>8} "
          f"{'reads':>6} {'writes':>7} {'double blocks':>14} {'own text kept':>14}")
    base = rows[0]["rps"] if rows else 1
    for r in rows:
        print(f"{r['workers']:>7} {r['events']:>7} {r['seconds']:>8.1f} {r['rps']:>9.2f} {r['rps'] / base:>8.2f}x "
              f"{r['advised']:>4}/{r['runs']:<3} {r['reads']:>6} {r['writes']:>7} {r['double']:>14} "
              f"{r['kept']:>9}/{r['runs']:<4}")
    doubles = sum(r["double"] for r in rows)
    print(f"activities with two blocks: {doubles} (must be 0)")


if __name__ == "__main__":
    main()
