"""Webhook acknowledgement: the product's POST /webhook next to a bare Flask endpoint.

Both run under gunicorn exactly as the README's production command starts the
web app (2 workers x 4 threads by default; same settings for both, same machine), against PostgreSQL
and Redis, measured one after the other in the same run by closed-loop
clients (each sends its next event as soon as the previous answer arrives).
Every product request takes the full path: a known athlete, the stored
subscription, a new event stored in the inbox and queued.

    .venv/bin/python bench/webhook.py            # 10 s per side, 8 clients
    .venv/bin/python bench/webhook.py --smoke    # a few seconds per side

Prints req/s, p50 and p99 per side and the ratio product / bare. Targets (issue
8): ratio >= 0.5 and product p99 < 50 ms with 8 clients. Nothing is asserted:
these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SILENCE_TOKEN_WARNINGS", "true")

from plugin.devtools import ProcessGroup, Schema, free_port, gunicorn_command, upgrade_command  # noqa: E402

PG_URL = os.environ.get("LIFTRUN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("LIFTRUN_TEST_REDIS", "redis://127.0.0.1:6379")
ATHLETE_ID = 4242
SUBSCRIPTION_ID = 77


def wait_for(port: int, workers: int, timeout: float = 90.0) -> None:
    """Until every worker answers: gunicorn listens before its workers have loaded the app (seconds)."""
    deadline = time.monotonic() + timeout
    quick_in_a_row = 0
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
        except OSError:
            ok = False
        quick_in_a_row = quick_in_a_row + 1 if ok and time.perf_counter() - t0 < 0.2 else 0
        if quick_in_a_row >= 4 * workers:
            return
        time.sleep(0.05)
    raise RuntimeError(f"the server on port {port} did not answer within {timeout} s")


def gunicorn(app_spec: str, port: int, workers: int, threads: int, env: dict, cwd: Path,
             log_path: Path) -> ProcessGroup:
    server = ProcessGroup(env, log_dir=log_path.parent, cwd=cwd)
    server.start(log_path.stem, gunicorn_command(port, workers, "--threads", str(threads), "--log-level", "warning",
                                                 app=app_spec), new_session=True)
    try:
        wait_for(port, workers)
    except RuntimeError:
        server.stop(timeout=10)
        raise
    return server


def client_loop(port: int, client_no: int, warmup: float, seconds: float, path: str, queue) -> None:
    """One closed-loop client: a new connection per request, as gunicorn's sync workers close it."""
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + seconds
    n = 0
    while True:
        now = time.perf_counter()
        if now >= stop_at:
            break
        n += 1
        body = json.dumps({
            "object_type": "activity", "object_id": 10**10 + client_no * 10**7 + n, "aspect_type": "create",
            "owner_id": ATHLETE_ID, "subscription_id": SUBSCRIPTION_ID, "event_time": 1_700_000_000 + n,
            "updates": {},
        })
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            ok = resp.status == 200
        except OSError:
            ok = False
        finally:
            conn.close()
        t1 = time.perf_counter()
        if t0 >= measure_from:
            latencies.append((t1 - t0) * 1000)
            errors += not ok
    queue.put((latencies, errors))


def drive(port: int, clients: int, warmup: float, seconds: float, path: str = "/webhook") -> dict:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=client_loop, args=(port, i, warmup, seconds, path, queue)) for i in range(clients)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    count = len(latencies)
    pick = lambda q: latencies[min(count - 1, int(count * q))] if count else float("nan")  # noqa: E731
    return {"count": count, "errors": errors, "rps": count / seconds, "p50": pick(0.50), "p99": pick(0.99)}


def prepare_database(schema: Schema, redis_url: str, instance: str) -> str:
    schema.create()
    url = schema.url
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url, LIFTRUN_INSTANCE_PATH=instance)
    subprocess.run(upgrade_command(), env=env, cwd=ROOT, check=True, capture_output=True)

    os.environ.update(DATABASE_URL=url, REDIS_URL=redis_url, LIFTRUN_INSTANCE_PATH=instance)
    from plugin import create_app
    from plugin.extensions import db
    from plugin.services.athletes import connect_athlete
    from plugin.services.subscriptions import remember_subscription

    app = create_app({"TESTING": True})
    with app.app_context():
        connect_athlete({"id": ATHLETE_ID, "firstname": "Bench"},
                        {"access_token": "a", "refresh_token": "r", "expires_at": 2**31},
                        {"activity:write", "activity:read_all"})
        remember_subscription(SUBSCRIPTION_ID, "http://127.0.0.1/webhook")
        db.engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="short run (a few seconds per side)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per side")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the README's command uses 2)")
    parser.add_argument("--redis", default=f"{REDIS_BASE}/12", help="Redis URL (database is flushed)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (the README uses 4)")
    parser.add_argument("--show-logs", action="store_true", help="print the tail of each server's log")
    args = parser.parse_args()
    seconds, warmup = (3.0, 1.0) if args.smoke else (args.seconds, 2.0)

    import redis

    redis.Redis.from_url(args.redis).flushdb()
    schema = Schema(PG_URL, "bench_wh")
    with tempfile.TemporaryDirectory() as instance:
        url = prepare_database(schema, args.redis, instance)
        env = dict(os.environ, DATABASE_URL=url, REDIS_URL=args.redis, LIFTRUN_INSTANCE_PATH=instance,
                   PYTHONPATH=str(ROOT))
        rows = []
        try:
            for label, spec in (("bare Flask", "bench.bare_webhook:app"), ("product", "plugin:create_app()")):
                port = free_port()
                log_path = Path(instance) / f"{label.replace(' ', '_')}.log"
                server = gunicorn(spec, port, args.workers, args.threads, env, ROOT, log_path)
                try:
                    rows.append((label, drive(port, args.clients, warmup, seconds)))
                finally:
                    server.stop(timeout=10)
                    lines = [line for line in log_path.read_text(errors="replace").splitlines()
                             if "ResourceWarning" not in line]
                    if args.show_logs and lines:
                        print(f"--- {label}: {len(lines)} log lines, last 40:", *lines[-40:], sep="\n")
            stored = int(schema.sql("SELECT count(*) FROM inbox_events")[0][0])
        finally:
            schema.drop()
            redis.Redis.from_url(args.redis).flushdb()

    bare, product = rows[0][1], rows[1][1]
    print(f"webhook ack, gunicorn --workers {args.workers} --threads {args.threads}, PostgreSQL, {args.clients} closed-loop clients, "
          f"{seconds:g} s each ({os.cpu_count()} cores)")
    print(f"{'endpoint':<12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, r in rows:
        print(f"{label:<12} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['errors']:>7}")
    ratio = product["rps"] / bare["rps"] if bare["rps"] else float("nan")
    print(f"ratio product/bare: {ratio:.2f} (target >= 0.5); product p99 {product['p99']:.1f} ms (target < 50 ms)")
    print(f"events stored in the inbox during the product run (incl. warm-up): {stored}")


if __name__ == "__main__":
    main()
