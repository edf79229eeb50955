"""Fixtures that run the emulator on a real socket so stravalib can talk to it
(the helpers are in tests/support/sandbox.py)."""

from __future__ import annotations

from typing import Any

import pytest

from plugin.sandbox import create_app
from plugin.devtools import ThreadedServer
from tests.support.sandbox import Callback, Sandbox, serve_callback


@pytest.fixture(autouse=True)
def _quiet_stravalib(monkeypatch):
    monkeypatch.setenv("SILENCE_TOKEN_WARNINGS", "true")
    monkeypatch.delenv("STRAVA_CLIENT_ID", raising=False)
    monkeypatch.delenv("STRAVA_CLIENT_SECRET", raising=False)
    for key in ("SANDBOX_CLIENT_ID", "SANDBOX_CLIENT_SECRET", "SANDBOX_STATE_FILE", "SANDBOX_AUTO_APPROVE"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def sandbox_config() -> dict[str, Any]:
    return {"DELIVERY_RETRY_DELAY": 0.05}


@pytest.fixture
def sandbox(sandbox_config):
    app = create_app(sandbox_config)
    with ThreadedServer(app) as server:
        box = Sandbox(app=app, url=server.url)
        yield box
        box.emu.deliverer.wait(5)


@pytest.fixture
def callback():
    receiver = Callback()
    server, thread = serve_callback(receiver)
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join(5)
