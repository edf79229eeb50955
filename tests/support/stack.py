"""The product as users run it: emulator, web app and a real Celery worker as
separate processes, on the real Redis and a PostgreSQL schema of their own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import redis as redis_lib
import requests
import sqlalchemy as sa

from tests.support.apps import REDIS_BASE, pg_engine, pg_url_with_schema

E2E_REDIS_URL = f"{REDIS_BASE}/14"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, procs, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


class Stack:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.schema = f"e2e_{uuid.uuid4().hex[:10]}"
        self.emu = f"http://127.0.0.1:{free_port()}"
        self.web = f"http://127.0.0.1:{free_port()}"
        self.database_url = pg_url_with_schema(self.schema)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("STRAVA_", "SANDBOX_"))},
            "STRAVA_BASE_URL": self.emu,
            "PUBLIC_URL": self.web,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": E2E_REDIS_URL,
            "SECRET_KEY": "e2e-secret",
            "SILENCE_TOKEN_WARNINGS": "true",
            "PYTHONUNBUFFERED": "1",
        }
        self.procs: list[subprocess.Popen] = []
        self.logs: dict[str, Path] = {}
        self.engine = pg_engine()

    def run(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        self.logs[name] = log
        proc = subprocess.Popen(argv, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def start(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
        redis_lib.Redis.from_url(E2E_REDIS_URL).flushdb()
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "plugin", "db", "upgrade"],
            env=self.env, check=True, capture_output=True,
        )
        emu_port = self.emu.rsplit(":", 1)[1]
        web_port = self.web.rsplit(":", 1)[1]
        self.run("emulator", [sys.executable, "-m", "plugin.sandbox", "--port", emu_port, "--auto-approve"])
        self.run("web", [sys.executable, "-m", "flask", "--app", "plugin", "run", "--port", web_port])
        self.run("worker", [sys.executable, "-m", "celery", "-A", "worker", "worker", "--loglevel", "INFO",
                            "--concurrency", "2", "--without-gossip", "--without-mingle"])
        wait_for(f"{self.emu}/healthz", self.procs)
        wait_for(f"{self.web}/healthz", self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        with self.engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        self.engine.dispose()

    def sql(self, query: str, **params):
        with self.engine.connect() as conn:
            conn.execute(sa.text(f'SET search_path TO "{self.schema}"'))
            return conn.execute(sa.text(query), params).fetchall()

    def worker_idle(self) -> bool:
        """No task queued, running or waiting for a retry, and no event pending.

        Tasks are acked late, so a running task and one held back for a retry
        both sit in the Redis transport's `unacked` hash until they finish.
        """
        broker = redis_lib.Redis.from_url(E2E_REDIS_URL)
        pending = self.sql("SELECT count(*) FROM inbox_events WHERE status = 'pending'")[0][0]
        return pending == 0 and broker.llen("celery") == 0 and broker.hlen("unacked") == 0

    def dump_logs(self) -> str:
        return "\n".join(f"===== {name} =====\n{path.read_text()[-6000:]}" for name, path in self.logs.items())

