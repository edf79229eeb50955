"""plugin/devtools.py: the process helpers `liftrun dev`, the e2e tests and the benchmarks share."""

from __future__ import annotations

import os
import sys

import pytest

from plugin.devtools import ProcessGroup, StartError, free_port, port_in_use, wait_for_log
from tests.support.waiting import wait_until

# A parent that starts a child ignoring SIGTERM (as a worker's late-started helper would), writes
# the child's pid and waits.
STUBBORN = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import signal, time\\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\\nprint(\"ignoring\", flush=True)\\ntime.sleep(120)'])\n"
    "open(sys.argv[1], 'w').write(str(child.pid))\n"
    "time.sleep(120)\n"
)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_stopping_a_session_leaves_none_of_its_processes(tmp_path):
    group = ProcessGroup(dict(os.environ), log_dir=tmp_path)
    pid_file = tmp_path / "child.pid"
    group.start("stubborn", [sys.executable, "-c", STUBBORN, str(pid_file)], new_session=True)
    group.wait_for_log("stubborn", "ignoring")
    child = int(pid_file.read_text())
    group.stop(timeout=5)
    assert group.procs == {}
    wait_until(lambda: not alive(child), timeout=10, what="the child that ignored SIGTERM to be killed")


def test_a_process_that_exits_while_awaited_is_named(tmp_path):
    group = ProcessGroup(dict(os.environ), log_dir=tmp_path)
    group.start("quitter", [sys.executable, "-c", "import sys; sys.exit(3)"])
    with pytest.raises(StartError, match="exited with 3"):
        group.wait_for_url(f"http://127.0.0.1:{free_port()}/healthz", timeout=30)
    group.stop()


def test_a_log_line_that_never_comes_is_reported(tmp_path):
    (tmp_path / "quiet.log").write_text("starting\n")
    with pytest.raises(StartError, match="did not say 'ready.'"):
        wait_for_log(tmp_path / "quiet.log", "ready.", timeout=0.5)


def test_free_port_is_free():
    port = free_port()
    assert not port_in_use(port)
