"""One error style for every `liftrun` command: `liftrun <command>: error: …`.

Scripts and people read the same line, so it names the command that failed,
fits on one line and never carries a traceback. Bad input or a bad option
exits 2, like click's own usage errors; a fault on our side (a broken
configuration, Strava refusing, a file we cannot write) exits 1.
"""

from __future__ import annotations

from typing import NoReturn

import click

PROG = "liftrun"
EXIT_USAGE = 2
EXIT_INTERNAL = 1


def one_line(message: object) -> str:
    return " ".join(str(message).split())


def error_line(command: str, message: object, *, kind: str = "error") -> str:
    where = f"{PROG} {command}".strip()
    return f"{where}: {kind}: {one_line(message)}"


def warn(command: str, message: object) -> None:
    click.echo(error_line(command, message, kind="warning"), err=True)


def fail(command: str, message: object, status: int = EXIT_USAGE) -> NoReturn:
    click.echo(error_line(command, message), err=True)
    raise SystemExit(status)


def listing(names) -> str:
    """Join names as `a, b, c` for the "valid values" part of a refusal."""
    return ", ".join(names)
