"""The product as users run it: emulator, web app and a real Celery worker as
separate processes, on the real Redis and a PostgreSQL schema of their own
(the process helpers are the product's own, plugin/devtools.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import redis as redis_lib

from plugin.devtools import (
    ProcessGroup,
    Schema,
    emulator_command,
    flask_command,
    free_port,
    product_env,
    upgrade_command,
    worker_command,
)
from tests.support.apps import PG_URL, REDIS_BASE

E2E_REDIS_URL = f"{REDIS_BASE}/14"


class Stack:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.schema = Schema(PG_URL, "e2e")
        self.emu = f"http://127.0.0.1:{free_port()}"
        self.web = f"http://127.0.0.1:{free_port()}"
        self.env = product_env(STRAVA_BASE_URL=self.emu, PUBLIC_URL=self.web, DATABASE_URL=self.schema.url,
                               REDIS_URL=E2E_REDIS_URL, SECRET_KEY="e2e-secret")
        self.processes = ProcessGroup(self.env, log_dir=tmp)

    def run(self, name: str, argv: list[str]) -> subprocess.Popen:
        return self.processes.start(name, argv)

    def wait_for(self, url: str, timeout: float = 40.0) -> None:
        self.processes.wait_for_url(url, timeout)

    def log(self, name: str) -> str:
        return self.processes.log_path(name).read_text(errors="replace")

    def start(self) -> None:
        self.schema.create()
        redis_lib.Redis.from_url(E2E_REDIS_URL).flushdb()
        subprocess.run(upgrade_command(), env=self.env, check=True, capture_output=True)
        self.run("emulator", emulator_command(int(self.emu.rsplit(":", 1)[1]), "--auto-approve"))
        self.run("web", flask_command(int(self.web.rsplit(":", 1)[1])))
        self.run("worker", worker_command(2, "--without-gossip", "--without-mingle"))
        self.wait_for(f"{self.emu}/healthz")
        self.wait_for(f"{self.web}/healthz")

    def stop(self) -> None:
        self.processes.stop()
        self.schema.drop()

    def sql(self, query: str, **params):
        return self.schema.sql(query, **params)

    def worker_idle(self) -> bool:
        """No task queued, running or waiting for a retry, and no event pending.

        Tasks are acked late, so a running task and one held back for a retry
        both sit in the Redis transport's `unacked` hash until they finish.
        """
        broker = redis_lib.Redis.from_url(E2E_REDIS_URL)
        pending = self.sql("SELECT count(*) FROM inbox_events WHERE status = 'pending'")[0][0]
        return pending == 0 and broker.llen("celery") == 0 and broker.hlen("unacked") == 0

    def dump_logs(self) -> str:
        return self.processes.logs()
