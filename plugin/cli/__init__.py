"""The `liftrun` command: one entry point for the engine tools and the launchers.

Subcommands live in their own modules and are imported lazily so that
`liftrun advise` does not pay for Flask, SQLAlchemy or Celery start-up.
Every error, click's own usage errors included, is reported in one style
(see plugin.cli.errors).
"""

from __future__ import annotations

import importlib
import sys

import click

from plugin.cli.errors import EXIT_INTERNAL, PROG, error_line
from plugin.config import ConfigError as SettingsError

_SUBCOMMANDS = {
    "advise": ("plugin.cli.advise", "advise"),
    "analyze": ("plugin.cli.analyze", "analyze"),
    "dev": ("plugin.cli.dev", "dev"),
    "sandbox": ("plugin.cli.sandbox", "sandbox"),
    "status": ("plugin.cli.status", "status"),
    "subscription": ("plugin.cli.subscription", "subscription"),
}


def _command_name(ctx: click.Context | None, fallback: str) -> str:
    """`analyze`, `subscription create`: the path below `liftrun`."""
    if ctx is None:
        return fallback
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names)) or fallback


def _is_config_error(exc: BaseException) -> bool:
    # The engine's ConfigError is looked up only once raised: importing it would load
    # the engine (and its files) for every command, the very start-up that failed.
    engine_errors = sys.modules.get("plugin.coaching.errors")
    kinds: tuple[type[BaseException], ...] = (SettingsError,)
    if engine_errors is not None:
        kinds += (engine_errors.ConfigError,)
    return isinstance(exc, kinds)


class _LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(_SUBCOMMANDS)

    def get_command(self, ctx, name):
        if name not in _SUBCOMMANDS:
            return None
        module_name, attr = _SUBCOMMANDS[name]
        module = importlib.import_module(module_name)
        return getattr(module, attr)

    def resolve_command(self, ctx, args):
        name, command, rest = super().resolve_command(ctx, args)
        self._invoked = name or ""
        return name, command, rest

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name or PROG, complete_var, standalone_mode=False, **extra)
        self._invoked = ""
        try:
            result = super().main(args, PROG, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            sys.exit(0)
        except click.UsageError as exc:
            command = _command_name(exc.ctx, self._invoked)
            hint = f" (see '{PROG} {command} --help')".replace("  ", " ") if exc.ctx else ""
            click.echo(error_line(command, exc.format_message().rstrip(".")) + hint, err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(error_line(self._invoked, exc.format_message()), err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:
            if not _is_config_error(exc):
                raise
            # A broken environment or coaching file: what to fix, on one line.
            click.echo(error_line(self._invoked, f"configuration: {exc}"), err=True)
            sys.exit(EXIT_INTERNAL)
        except SystemExit as exc:
            # create_app's start-up refusal carries its message; say it in our style.
            if isinstance(exc.code, str):
                click.echo(error_line(self._invoked, exc.code), err=True)
                sys.exit(EXIT_INTERNAL)
            raise
        except click.exceptions.Abort:
            click.echo(error_line(self._invoked, "aborted"), err=True)
            sys.exit(EXIT_INTERNAL)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=_LazyGroup)
def main() -> None:
    """LiftRun Coach: pair lifts and runs, judge them, advise on Strava."""


if __name__ == "__main__":  # pragma: no cover
    main()
