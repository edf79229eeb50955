"""What the browser tests drive: Debian's Chromium, and the product's stack for it.

The emulator and the product's web app run in threads of the test process (the
web app is the real Flask app behind a real HTTP server); the worker is a real
`celery -A worker worker` subprocess configured only through the environment,
as in production. Both share a PostgreSQL schema of their own and Redis
database 13. Screenshots of every step go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis as redis_lib
import requests

from plugin.config import external_url_config
from plugin.devtools import ProcessGroup, Schema, StartError, product_env, worker_command
from tests.support.apps import PG_URL, REDIS_BASE, build_app
from plugin.devtools import ThreadedServer
from tests.support.servers import start_emulator

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
        self.schema = Schema(PG_URL, "br")
        self.emulator = None
        self.web = None
        self.processes = ProcessGroup(product_env(), log_dir=tmp, cwd=REPO)

    @property
    def emu(self) -> str:
        return self.emulator.url

    @property
    def product(self) -> str:
        return self.web.url

    def start(self) -> None:
        self.schema.create()
        redis_lib.Redis.from_url(BROWSER_REDIS_URL).flushdb()
        self.emulator = start_emulator(AUTO_APPROVE=False)
        self.emulator.__enter__()
        # PUBLIC_URL must be the server's own address: bind first, then tell the app.
        app = build_app(self.schema.url, BROWSER_REDIS_URL, TESTING=False, WTF_CSRF_ENABLED=True,
                        SECRET_KEY=SECRET_KEY, STRAVA_BASE_URL=self.emu, PUBLIC_URL="http://placeholder.invalid")
        self.web = ThreadedServer(app)
        app.config.update(external_url_config(self.web.url), PUBLIC_URL=self.web.url)
        self.web.__enter__()
        self.processes.env.update(DATABASE_URL=self.schema.url, REDIS_URL=BROWSER_REDIS_URL, STRAVA_BASE_URL=self.emu,
                                  PUBLIC_URL=self.product, SECRET_KEY=SECRET_KEY)
        self.processes.start("worker", worker_command(2, "--without-gossip", "--without-mingle", "--without-heartbeat"))
        try:
            self.processes.wait_for_log("worker", "ready.")
        except StartError as err:
            raise RuntimeError(f"{err}:\n{self.worker_output()}") from None

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
        return self.schema.sql(query, **params)

    def stop(self) -> None:
        self.processes.stop()
        for server in (self.web, self.emulator):
            if server is not None:
                server.__exit__(None, None, None)
        self.schema.drop()
        redis_lib.Redis.from_url(BROWSER_REDIS_URL).flushdb()

    def worker_output(self) -> str:
        log = self.processes.log_path("worker")
        return log.read_text(errors="replace")[-8000:] if log.exists() else ""

    def dump_logs(self) -> str:
        """Return what a failed test's report shows (the root conftest's hook adds it)."""
        return f"===== celery worker =====\n{self.worker_output()}"
