"""What the browser tests drive: Debian's Chromium, and the product's stack for it.

The emulator and the product's web app run in threads of the test process (the
web app is the real Flask app behind a real HTTP server); the worker is a real
`celery -A worker worker` subprocess configured only through the environment,
as in production. Both share a PostgreSQL schema of their own and Redis
database 13. Screenshots of every step go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis as redis_lib
import requests
import sqlalchemy as sa

from plugin.config import external_url_config
from tests.support.apps import REDIS_BASE, build_app, pg_engine, pg_url_with_schema
from tests.support.servers import ThreadedServer, start_emulator

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
BROWSER_REDIS_URL = f"{REDIS_BASE}/13"
SECRET_KEY = "browser-test-secret"
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CLIENT_ID, CLIENT_SECRET, VERIFY_TOKEN = "12345", "sandbox-secret", "sandbox-verify-token"


def require_chromium() -> None:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium); "
                    "Playwright's own browser downloads are not used")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright Python package is not installed")


class Stack:
    """Emulator + product web app (threads) + Celery worker (subprocess)."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.schema = f"br_{uuid.uuid4().hex[:10]}"
        self.database_url = pg_url_with_schema(self.schema)
        self.engine = pg_engine()
        self.emulator = None
        self.web = None
        self.worker = None
        self.worker_log = tmp / "worker.log"

    @property
    def emu(self) -> str:
        return self.emulator.url

    @property
    def product(self) -> str:
        return self.web.url

    def start(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
        redis_lib.Redis.from_url(BROWSER_REDIS_URL).flushdb()
        self.emulator = start_emulator(AUTO_APPROVE=False)
        self.emulator.__enter__()
        # PUBLIC_URL must be the server's own address: bind first, then tell the app.
        app = build_app(self.database_url, BROWSER_REDIS_URL, TESTING=False, WTF_CSRF_ENABLED=True,
                        SECRET_KEY=SECRET_KEY, STRAVA_BASE_URL=self.emu, PUBLIC_URL="http://placeholder.invalid")
        self.web = ThreadedServer(app)
        app.config.update(external_url_config(self.web.url), PUBLIC_URL=self.web.url)
        self.web.__enter__()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("STRAVA_", "SANDBOX_"))},
            "DATABASE_URL": self.database_url,
            "REDIS_URL": BROWSER_REDIS_URL,
            "STRAVA_BASE_URL": self.emu,
            "PUBLIC_URL": self.product,
            "SECRET_KEY": SECRET_KEY,
            "SILENCE_TOKEN_WARNINGS": "true",
            "PYTHONUNBUFFERED": "1",
        }
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "worker", "--loglevel", "INFO",
             "--concurrency", "2", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env=env, stdout=self.worker_log.open("w"), stderr=subprocess.STDOUT,
        )
        self._wait_for_worker()

    def _wait_for_worker(self, timeout: float = 40.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.worker.poll() is not None:
                raise RuntimeError(f"celery worker exited with {self.worker.returncode}:\n{self.worker_log.read_text()}")
            if "ready." in self.worker_log.read_text():
                return
            time.sleep(0.2)
        raise RuntimeError(f"celery worker did not become ready:\n{self.worker_log.read_text()}")

    def subscribe(self) -> dict:
        """Create the app's push subscription at the emulator (as `liftrun subscription create` would).

        Each journey may call it; the stack is shared by the module, so an existing one is kept."""
        existing = requests.get(f"{self.emu}/api/v3/push_subscriptions",
                                params={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, timeout=10)
        if existing.status_code == 200 and existing.json():
            return existing.json()[0]
        resp = requests.post(f"{self.emu}/api/v3/push_subscriptions", data={
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "callback_url": f"{self.product}/webhook", "verify_token": VERIFY_TOKEN,
        }, timeout=10)
        assert resp.status_code in (200, 201), resp.text
        return resp.json()

    def sql(self, query: str, **params):
        with self.engine.connect() as conn:
            conn.execute(sa.text(f'SET search_path TO "{self.schema}"'))
            return conn.execute(sa.text(query), params).fetchall()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.worker.kill()
        for server in (self.web, self.emulator):
            if server is not None:
                server.__exit__(None, None, None)
        with self.engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        self.engine.dispose()
        redis_lib.Redis.from_url(BROWSER_REDIS_URL).flushdb()

    def worker_output(self) -> str:
        return self.worker_log.read_text()[-8000:] if self.worker_log.exists() else ""

    def dump_logs(self) -> str:
        """Return what a failed test's report shows (the root conftest's hook adds it)."""
        return f"===== celery worker =====\n{self.worker_output()}"
