"""Running the product's processes on one machine, as `liftrun dev`, the end-to-end tests and
the benchmarks do: free ports, waiting for a URL or a log line, the command lines of the
emulator, the web app, the worker and the migrations, a group of child processes that stop
together, and PostgreSQL schemas of their own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import requests

PYTHON = sys.executable
HOST = "127.0.0.1"


class StartError(RuntimeError):
    """A process exited, or did not get ready in time; the message says which."""


def free_port(host: str = HOST) -> int:
    """Return a port nothing listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int, host: str = HOST) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) == 0


def check_running(procs: Iterable[subprocess.Popen[bytes]]) -> None:
    """Raise StartError if one of these processes has exited."""
    for proc in procs:
        if proc.poll() is not None:
            args = proc.args
            shown = " ".join(map(str, args)) if isinstance(args, (list, tuple)) else str(args)
            raise StartError(f"{shown} exited with {proc.returncode}")


def _wait(ready: Callable[[], bool], timeout: float, procs: Iterable[subprocess.Popen[bytes]], failure: str) -> None:
    """Poll `ready` until it is true; StartError with `failure` after `timeout` or once a process exits."""
    procs = list(procs)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check_running(procs)
        if ready():
            return
        time.sleep(0.2)
    raise StartError(f"{failure} within {timeout:g} s")


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def wait_for_url(url: str, timeout: float = 40.0, procs: Iterable[subprocess.Popen[bytes]] = ()) -> None:
    """Wait until GET `url` answers 200, while none of `procs` has exited."""
    _wait(lambda: _answers(url), timeout, procs, f"{url} did not answer")


def wait_for_port(port: int, timeout: float = 10.0, procs: Iterable[subprocess.Popen[bytes]] = ()) -> None:
    """Wait until something listens on `port` (a server that speaks no HTTP, such as redis-server)."""
    _wait(lambda: port_in_use(port), timeout, procs, f"nothing listened on port {port}")


def wait_for_log(path: Path, text: str, timeout: float = 40.0, procs: Iterable[subprocess.Popen[bytes]] = ()) -> None:
    """Wait until the log file at `path` contains `text` (a Celery worker's " ready.")."""
    _wait(lambda: path.exists() and text in path.read_text(errors="replace"), timeout, procs,
          f"{path.name} did not say {text!r}")


class ThreadedServer:
    """A WSGI app on a loopback port, served from a thread of this process while in a `with` block."""

    def __init__(self, app: Any, host: str = HOST):
        from werkzeug.serving import make_server

        self.server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self) -> ThreadedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


# ------------------------------------------------------------------ the processes' command lines


def upgrade_command() -> list[str]:
    """Bring the database of DATABASE_URL to the current schema."""
    return [PYTHON, "-m", "flask", "--app", "plugin", "db", "upgrade"]


def emulator_command(port: int, *options: str) -> list[str]:
    return [PYTHON, "-m", "plugin.sandbox", "--port", str(port), *options]


def flask_command(port: int) -> list[str]:
    """Build the web app's command line under Flask's development server."""
    return [PYTHON, "-m", "flask", "--app", "plugin", "run", "--port", str(port)]


def gunicorn_command(port: int, workers: int = 2, *options: str, app: str = "plugin:create_app()") -> list[str]:
    """Build the web app's command line under gunicorn, as in production."""
    return [PYTHON, "-m", "gunicorn", app, "--bind", f"{HOST}:{port}", "--workers", str(workers), *options]


def worker_command(concurrency: int = 1, *options: str) -> list[str]:
    """Build a Celery worker's command line (`-n NAME@%h`, `-B`... as options)."""
    return [PYTHON, "-m", "celery", "-A", "worker", "worker", "--loglevel", "INFO",
            "--concurrency", str(concurrency), *options]


def product_env(base: Mapping[str, str] | None = None, **settings: Any) -> dict[str, str]:
    """Return `base` (the environment) without Strava or sandbox settings, plus `settings`.

    What the caller does not set is the sandbox's default, never a value the caller's
    shell happened to export; output is unbuffered so logs are complete when read.
    """
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not k.startswith(("STRAVA_", "SANDBOX_"))}
    env.update(PYTHONUNBUFFERED="1", SILENCE_TOKEN_WARNINGS="true")
    env.update({key: str(value) for key, value in settings.items()})
    return env


class ProcessGroup:
    """Child processes started together and stopped together (SIGTERM, then SIGKILL).

    Each one's output goes to `log_dir/NAME.log` when a folder is given, else to ours.
    A process started with `new_session` is signalled with its own children (gunicorn's
    workers, Celery's pool).
    """

    def __init__(self, env: dict[str, str], log_dir: Path | None = None, cwd: str | Path | None = None):
        self.env = env  # what each process starts with; the caller may still add to it
        self.log_dir = log_dir
        self.cwd = cwd
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._sessions: set[str] = set()

    def start(self, name: str, argv: list[str], *, new_session: bool = False) -> subprocess.Popen[bytes]:
        log: IO[bytes] | None = None
        if self.log_dir is not None:
            log = (self.log_dir / f"{name}.log").open("ab")
        try:
            proc = subprocess.Popen(argv, env=self.env, cwd=self.cwd, stdout=log,
                                    stderr=subprocess.STDOUT if log else None, start_new_session=new_session)
        finally:
            if log is not None:
                log.close()  # the child has its own copy
        self.procs[name] = proc
        if new_session:
            self._sessions.add(name)
        return proc

    def log_path(self, name: str) -> Path:
        if self.log_dir is None:
            raise ValueError("this group's output is not kept in files")
        return self.log_dir / f"{name}.log"

    def wait_for_url(self, url: str, timeout: float = 40.0) -> None:
        wait_for_url(url, timeout, self.procs.values())

    def wait_for_port(self, port: int, timeout: float = 10.0) -> None:
        wait_for_port(port, timeout, self.procs.values())

    def wait_for_log(self, name: str, text: str, timeout: float = 40.0) -> None:
        wait_for_log(self.log_path(name), text, timeout, self.procs.values())

    def all_running(self) -> bool:
        return all(proc.poll() is None for proc in self.procs.values())

    def _signal(self, name: str, sig: int) -> None:
        proc = self.procs[name]
        if proc.poll() is not None:
            return
        if name in self._sessions:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:  # the leader is gone, but not yet reaped
                proc.send_signal(sig)
        else:
            proc.send_signal(sig)

    def stop(self, *names: str, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Stop these processes (all when none is named), killing any still there after `timeout`."""
        names = names or tuple(self.procs)
        for name in names:
            self._signal(name, sig)
        for name in names:
            try:
                self.procs[name].wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(name, signal.SIGKILL)
                self.procs[name].wait()
        for name in names:
            if name in self._sessions:
                self._sweep_session(self.procs[name].pid)
            del self.procs[name]
            self._sessions.discard(name)

    @staticmethod
    def _sweep_session(pid: int) -> None:
        """Kill what is left of a stopped process's session: a child it started while shutting down
        (Celery's embedded beat, say) outlives it otherwise."""
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # nothing left

    def logs(self, tail: int = 6000) -> str:
        """Return the end of every log, for a report when something went wrong."""
        if self.log_dir is None:
            return ""
        return "\n".join(f"===== {path.stem} =====\n{path.read_text(errors='replace')[-tail:]}"
                         for path in sorted(self.log_dir.glob("*.log")))


# ------------------------------------------------------------------ PostgreSQL schemas


def schema_url(database_url: str, schema: str) -> str:
    """Return the database's URL with `schema` first on the search path (libpq's options)."""
    return f"{database_url}?options=-csearch_path%3D{schema}"


class Schema:
    """A PostgreSQL schema of its own in `database_url`: created, queried, dropped."""

    def __init__(self, database_url: str, prefix: str = "run"):
        import sqlalchemy as sa

        from plugin.config import normalise_database_url

        self.name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self.url = schema_url(database_url, self.name)
        self.engine = sa.create_engine(normalise_database_url(database_url))

    def create(self) -> None:
        import sqlalchemy as sa

        with self.engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{self.name}"'))

    def drop(self) -> None:
        import sqlalchemy as sa

        with self.engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self.engine.dispose()

    def sql(self, query: str, **params: Any) -> list[Any]:
        """Run one statement in its own transaction with the schema first; return its rows (if any)."""
        import sqlalchemy as sa

        with self.engine.begin() as conn:
            conn.execute(sa.text(f'SET LOCAL search_path TO "{self.name}"'))
            result = conn.execute(sa.text(query), params)
            return list(result.fetchall()) if result.returns_rows else []
