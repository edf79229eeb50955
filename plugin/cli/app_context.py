"""Flask's CLI machinery for the `liftrun` commands that need the product's app.

`liftrun` is a plain click group (so `liftrun advise` never loads Flask), but
`status` and `subscription` are Flask commands: they run inside an app
context made by `flask.cli.with_appcontext`. Flask finds the app through a
`ScriptInfo`; `app.test_cli_runner()` and `flask --app plugin` hand one in,
and from the shell the first command that needs it puts one in place that
builds the app from the environment.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from flask.cli import ScriptInfo, with_appcontext


def _build_from_environment():
    from plugin import create_app

    return create_app()


def provide_app(ctx: click.Context) -> None:
    """Make sure `with_appcontext` below this context finds an app to load."""
    if ctx.find_object(ScriptInfo) is None:
        ctx.obj = ScriptInfo(create_app=_build_from_environment, set_debug_flag=False)


def with_product_app(command: Callable[..., Any]) -> Callable[..., Any]:
    """`with_appcontext` for a single command (an `AppGroup` calls `provide_app` itself)."""
    in_context = with_appcontext(command)

    @click.pass_context
    def run(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        provide_app(ctx)
        return in_context(*args, **kwargs)

    return functools.update_wrapper(run, command)
