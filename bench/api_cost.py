"""What one month of real use costs in Strava calls: the figure that caps athletes per app.

A seeded month for a few athletes (lifts, runs, rides, swims, walks; runs
before and after lifts; duplicate deliveries, redelivered tasks, renames,
sport-type changes, deleted uploads, a `#noliftrun` added later) is replayed
through the Strava emulator over HTTP: each change is made in the emulator,
its webhook event posted to the product's /webhook, and the event processed
by the real Celery task (run in-process, eagerly). The emulator counts the
calls by kind. Printed: calls by kind, reads per distinct activity event,
writes per advised pair, writes on duplicates, whether every pair is
advised, and how many athletes a default Strava app (1,000 reads and 2,000
calls a day) could serve at this rate.

    .venv/bin/python bench/api_cost.py            # 3 athletes, 30 days
    .venv/bin/python bench/api_cost.py --smoke    # 2 athletes, 7 days (a few seconds)

Needs a Redis (`--redis`, default $LIFTRUN_TEST_REDIS or 127.0.0.1:6379; one
database of it is flushed). Uses SQLite in a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SILENCE_TOKEN_WARNINGS", "true")

import requests  # noqa: E402

DEFAULT_APP_READS_PER_DAY = 1000
DEFAULT_APP_CALLS_PER_DAY = 2000
SIGNATURE = "— LiftRun Coach"


@dataclass
class Replay:
    """The product and the emulator, and what was sent between them."""

    app: object
    web: object
    emu: str
    clock: int = 1_800_000_000
    distinct_events: int = 0
    deliveries: int = 0
    duplicate_writes: int = 0
    advice_writes: int = 0
    removal_writes: int = 0
    ever_advised: set = field(default_factory=set)
    advice_given: set = field(default_factory=set)  # (activity, block): one per pair advised
    statuses: Counter = field(default_factory=Counter)

    def admin(self, method: str, path: str, **kwargs):
        response = requests.request(method, f"{self.emu}/sandbox/api/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def connect(self, athlete_id: int) -> None:
        start = self.web.get("/auth/strava")
        location = start.headers["Location"] + f"&athlete_id={athlete_id}"
        approve = requests.get(location, allow_redirects=False, timeout=10)
        callback = urlsplit(approve.headers["Location"])
        done = self.web.get(f"{callback.path}?{callback.query}")
        assert done.status_code in (302, 303), done.status_code

    def event(self, athlete_id: int, object_id: int, aspect: str, updates: dict | None = None,
              copies: int = 1, redeliver: bool = False) -> None:
        """Post the event (`copies` times, as Strava may) and run the task (twice if `redeliver`)."""
        from sqlalchemy import select

        from plugin.extensions import db
        from plugin.models import InboxEvent
        from worker.tasks import process_event

        self.clock += 1
        body = {"object_type": "activity", "object_id": object_id, "aspect_type": aspect,
                "updates": updates or {}, "owner_id": athlete_id, "subscription_id": 1,
                "event_time": self.clock}
        for _ in range(copies):
            answer = self.web.post("/webhook", json=body)
            assert answer.status_code == 200, answer.status_code
            self.deliveries += 1
        self.distinct_events += 1
        with self.app.app_context():
            event_id = db.session.scalar(select(InboxEvent.id).where(InboxEvent.event_time == self.clock))
        texts = self.descriptions()
        for attempt in range(2 if redeliver else 1):
            before = self.admin("GET", "calls")["writes"]
            status = process_event.apply(args=[event_id]).get()
            self.statuses[str(status)] += 1 if attempt == 0 else 0
            if attempt:
                self.duplicate_writes += self.admin("GET", "calls")["writes"] - before
        for activity_id, text in self.descriptions().items():
            if text == texts.get(activity_id, text):
                continue
            if SIGNATURE in text:
                self.advice_writes += 1
                self.ever_advised.add(activity_id)
                self.advice_given.add((activity_id, _our_block(text)))
            else:
                self.removal_writes += 1

    def descriptions(self) -> dict[int, str]:
        return {a["id"]: a.get("description") or "" for a in self.admin("GET", "activities")}


def _our_block(text: str) -> str:
    """Return the advice line and signature: a different pair (or goal) gives a different block."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(SIGNATURE))
    return "\n".join(lines[max(0, at - 1): at + 1])


def _fmt(start: dt.datetime) -> str:
    return start.strftime("%Y-%m-%dT%H:%M:%SZ")


def month_for(replay: Replay, athlete_id: int, days: int, rng: random.Random, t0: dt.datetime) -> None:
    """One athlete's month, in delivery order (a few events arrive out of order)."""
    created: list[tuple[int, str]] = []

    def upload(sport: str, start: dt.datetime, minutes: int, hr: float | None = None, desc: str = "") -> int:
        body = {"athlete_id": athlete_id, "sport_type": sport, "start_date": _fmt(start),
                "elapsed_time": minutes * 60, "moving_time": minutes * 60, "description": desc,
                "deliver": False}
        if hr is not None:
            body.update(average_heartrate=hr, has_heartrate=True)
        activity_id = replay.admin("POST", "activities", json=body)["id"]
        created.append((activity_id, sport))
        return activity_id

    def create(activity_id: int) -> None:
        dup = rng.random() < 0.25
        replay.event(athlete_id, activity_id, "create", copies=2 if dup else 1, redeliver=rng.random() < 0.1)

    for day in range(days):
        base = t0 + dt.timedelta(days=day, hours=6, minutes=rng.randint(0, 240))
        kind = rng.random()
        if kind < 0.45:  # a lift, often with a run around it
            lift_minutes = rng.randint(40, 80)
            lift = upload("WeightTraining", base, lift_minutes, desc=rng.choice(["", "Squat 5x5", "Bench, rows"]))
            gap = rng.choice([None, 10, 45, 120, 300, 600])
            run = None
            if gap is not None:
                before = rng.random() < 0.3
                start = base - dt.timedelta(minutes=gap + 40) if before else base + dt.timedelta(
                    minutes=lift_minutes + gap)
                run = upload(rng.choice(["Run", "Run", "TrailRun"]), start, rng.choice([15, 30, 45, 70]),
                             hr=rng.choice([None, 135.0, 152.0, 168.0]), desc=rng.choice(["", "Felt good"]))
            order = [lift] + ([run] if run else [])
            if run and rng.random() < 0.3:
                order.reverse()  # the later upload's event arrives first
            for activity_id in order:
                create(activity_id)
        elif kind < 0.65:
            create(upload("Run", base, rng.choice([25, 40, 60]), hr=rng.choice([None, 140.0])))
        elif kind < 0.8:
            create(upload("Ride", base, rng.choice([45, 90])))
        elif kind < 0.9:
            create(upload("Swim", base, 40))
        else:
            create(upload("Walk", base, 30))

        # The athlete's edits after the fact.
        if created and rng.random() < 0.2:
            activity_id, _ = rng.choice(created)
            title = rng.choice(["Morning session", "Tempo", "Legs day", "Easy"])
            replay.admin("PATCH", f"activities/{activity_id}", json={"name": title, "deliver": False})
            replay.event(athlete_id, activity_id, "update", {"title": title})
        if created and rng.random() < 0.05:
            activity_id, sport = rng.choice(created)
            if sport in ("Run", "TrailRun"):
                replay.admin("PATCH", f"activities/{activity_id}", json={"sport_type": "Walk", "deliver": False})
                replay.event(athlete_id, activity_id, "update", {"type": "Walk"})
        if created and rng.random() < 0.06:
            activity_id, _ = created.pop(rng.randrange(len(created)))
            replay.admin("DELETE", f"activities/{activity_id}", json={"deliver": False})
            replay.event(athlete_id, activity_id, "delete")

    # Late in the month the athlete opts one advised activity out from its title.
    advised = [a for a in replay.admin("GET", f"activities?athlete_id={athlete_id}")
               if SIGNATURE in (a.get("description") or "")]
    if advised:
        target = rng.choice(advised)
        title = f"{target['name']} #noliftrun"
        replay.admin("PATCH", f"activities/{target['id']}", json={"name": title, "deliver": False})
        replay.event(athlete_id, target["id"], "update", {"title": title})


def advised_check(replay: Replay) -> tuple[int, int, int]:
    """(pairs that should carry advice, of them with exactly one block on Strava, activities with 2+ blocks)."""
    from sqlalchemy import select

    from plugin.extensions import db
    from plugin.models import Pair

    descriptions = {a["id"]: a.get("description") or "" for a in replay.admin("GET", "activities")}
    with replay.app.app_context():
        written = list(db.session.scalars(select(Pair).where(Pair.status == "written")))
        later_ids = {p.later_id for p in written}
    ok = sum(1 for later in later_ids if descriptions.get(later, "").count(SIGNATURE) == 1)
    doubled = sum(1 for text in descriptions.values() if text.count(SIGNATURE) > 1)
    return len(later_ids), ok, doubled


def run(athletes: int, days: int, seed: int, redis_url: str) -> dict:
    import redis as redis_lib

    from plugin import create_app
    from plugin.extensions import db
    from plugin.sandbox import create_app as create_emulator
    from werkzeug.serving import make_server
    import threading

    import worker.tasks  # before our app: the tasks run in the context of the last app built

    logging.disable(logging.WARNING)
    redis_lib.Redis.from_url(redis_url).flushdb()
    emulator = create_emulator({"AUTO_APPROVE": True, "CLIENT_ID": "12345", "CLIENT_SECRET": "sandbox-secret"})
    server = make_server("127.0.0.1", 0, emulator, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    emu_url = f"http://127.0.0.1:{server.port}"
    emulator.config["SANDBOX"]["PUBLIC_URL"] = emu_url

    tmp = tempfile.mkdtemp(prefix="liftrun-api-cost-")
    app = create_app({
        "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "REDIS_URL": redis_url,
        "PUBLIC_URL": "http://127.0.0.1:5000", "STRAVA_BASE_URL": emu_url,
    })
    with app.app_context():
        db.create_all()
    replay = Replay(app=app, web=app.test_client(), emu=emu_url)
    # The month must measure our calls, not the emulator's limits.
    replay.admin("POST", "rate-limit", json={"limit_15min": 10**6, "limit_daily": 10**7,
                                             "read_limit_15min": 10**6, "read_limit_daily": 10**7})
    rng = random.Random(seed)
    ids = []
    for n in range(athletes):
        athlete = replay.admin("POST", "athletes", json={"firstname": f"Bench{n}", "lastname": "Athlete"})
        ids.append(athlete["id"])
        replay.connect(athlete["id"])
    connect_calls = replay.admin("GET", "calls")
    backfill = getattr(worker.tasks, "backfill_athlete", None)
    if backfill is not None:  # the look back on connect, where the product has one
        for athlete_id in ids:
            backfill.apply(args=[athlete_id]).get()
    look_back_calls = replay.admin("GET", "calls")
    replay.admin("DELETE", "calls")

    t0 = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, second=0, minute=0) + dt.timedelta(hours=2)
    for athlete_id in ids:
        month_for(replay, athlete_id, days, rng, t0)
    calls = replay.admin("GET", "calls")
    should, advised, doubled = advised_check(replay)
    server.shutdown()
    redis_lib.Redis.from_url(redis_url).flushdb()

    reads, writes, total = calls["reads"], calls["writes"], calls["total"]
    per_athlete_day_reads = reads / (athletes * days)
    per_athlete_day_calls = (reads + writes) / (athletes * days)
    capacity = min(DEFAULT_APP_READS_PER_DAY / per_athlete_day_reads if reads else float("inf"),
                   DEFAULT_APP_CALLS_PER_DAY / per_athlete_day_calls if reads + writes else float("inf"))
    return {
        "athletes": athletes, "days": days, "seed": seed,
        "calls": calls["calls"], "reads": reads, "writes": writes, "total": total,
        "connect_calls": connect_calls["total"], "look_back_reads": look_back_calls["reads"],
        "distinct_events": replay.distinct_events, "deliveries": replay.deliveries,
        "reads_per_event": reads / replay.distinct_events,
        "pairs_to_advise": should, "pairs_advised": advised, "double_blocks": doubled,
        "advice_writes": replay.advice_writes, "removal_writes": replay.removal_writes,
        "ever_advised": len(replay.ever_advised), "advice_given": len(replay.advice_given),
        "writes_per_pair": replay.advice_writes / len(replay.advice_given) if replay.advice_given else 0.0,
        "duplicate_writes": replay.duplicate_writes,
        "athletes_per_day": capacity, "statuses": dict(replay.statuses),
    }


def print_report(result: dict) -> None:
    print(f"Month replay: {result['athletes']} athletes × {result['days']} days, seed {result['seed']}")
    print(f"  events: {result['distinct_events']} distinct activity events, {result['deliveries']} deliveries;"
          f" task results {result['statuses']}")
    print(f"  connect: {result['connect_calls']} calls; look back on connect: {result['look_back_reads']} reads"
          " (not counted below)")
    print(f"  writes: {result['advice_writes']} put {result['advice_given']} pieces of advice on"
          f" {result['ever_advised']} activities, {result['removal_writes']} took a block off")
    print("  calls by kind during the month:")
    for kind, count in sorted(result["calls"].items(), key=lambda item: -item[1]):
        print(f"    {kind:<32} {count:>6}  ({count / result['distinct_events']:.2f} per event)")
    rows = [
        ("reads per distinct activity event", f"{result['reads_per_event']:.2f}", "≤ 1.00",
         result["reads_per_event"] <= 1.0),
        ("writes per advised pair", f"{result['writes_per_pair']:.2f}", "≤ 1.00",
         result["writes_per_pair"] <= 1.0),
        ("block removals (opt-out, sport change, deleted partner)", str(result["removal_writes"]), "one each",
         True),
        ("writes on redelivered duplicates", str(result["duplicate_writes"]), "0", result["duplicate_writes"] == 0),
        ("pairs advised (one block each)", f"{result['pairs_advised']}/{result['pairs_to_advise']}", "all",
         result["pairs_advised"] == result["pairs_to_advise"]),
        ("activities with two blocks", str(result["double_blocks"]), "0", result["double_blocks"] == 0),
        ("athletes per day, default app", f"{result['athletes_per_day']:.0f}", "(1,000 reads, 2,000 calls)",
         True),
    ]
    width = max(len(r[0]) for r in rows)
    for name, figure, target, ok in rows:
        print(f"  {name:<{width}}  {figure:>9}  target {target:<28} {'ok' if ok else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="2 athletes, 7 days: a few seconds")
    parser.add_argument("--athletes", type=int, default=3)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--redis", default=os.environ.get("LIFTRUN_TEST_REDIS", "redis://127.0.0.1:6379") + "/13")
    args = parser.parse_args(argv)
    athletes, days = (2, 7) if args.smoke else (args.athletes, args.days)
    print_report(run(athletes, days, args.seed, args.redis))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
