"""`liftrun dev`, the README's run command, as a newcomer starts it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from plugin.devtools import free_port, port_in_use
from tests.support.apps import REDIS_BASE
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


def command_lines() -> list[str]:
    """Every running process's command line (Linux's /proc)."""
    lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            lines.append(cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:  # the process ended meanwhile
            pass
    return lines


def test_dev_starts_everything_registers_the_webhook_and_stops_cleanly(tmp_path):
    web_port, emu_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRAVA_", "SANDBOX_", "DATABASE_URL", "PUBLIC_URL"))}
    env.update(LIFTRUN_INSTANCE_PATH=str(tmp_path), REDIS_URL=f"{REDIS_BASE}/11")
    liftrun = Path(sys.executable).with_name("liftrun")
    log = (tmp_path / "dev.log").open("w")
    proc = subprocess.Popen([str(liftrun), "dev", "--web-port", str(web_port), "--sandbox-port", str(emu_port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "is running" not in (tmp_path / "dev.log").read_text():
            assert proc.poll() is None, (tmp_path / "dev.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "dev.log").read_text()
            time.sleep(0.5)
        health = requests.get(f"http://127.0.0.1:{web_port}/healthz", timeout=5).json()
        assert health == {"status": "ok", "database": "ok", "redis": "ok"}
        landing = requests.get(f"http://127.0.0.1:{web_port}/", timeout=5).text
        assert "Sandbox" in landing and "Connect with Strava" in landing
        subs = requests.get(f"http://127.0.0.1:{emu_port}/sandbox/api/subscriptions", timeout=5).json()
        assert [s["callback_url"] for s in subs] == [f"http://127.0.0.1:{web_port}/webhook"]
        assert (tmp_path / "liftrun.sqlite").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
        log.close()
    assert not port_in_use(web_port)
    assert not port_in_use(emu_port)
    # No child is left behind: the worker's pool and embedded beat are stopped with it.
    wait_until(lambda: not [line for line in command_lines() if str(tmp_path) in line], timeout=15,
               what="every process of this `liftrun dev` to exit")
