"""The `liftrun` command: one entry point for the engine tools and the launchers.

Subcommands live in their own modules and are imported lazily so that
`liftrun advise` does not pay for Flask, SQLAlchemy or Celery start-up.
"""

from __future__ import annotations

import importlib

import click

_SUBCOMMANDS = {
    "advise": ("plugin.cli.advise", "advise"),
    "analyze": ("plugin.cli.analyze", "analyze"),
    "dev": ("plugin.cli.dev", "dev"),
    "sandbox": ("plugin.cli.sandbox", "sandbox"),
    "subscription": ("plugin.cli.subscription", "subscription"),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(_SUBCOMMANDS)

    def get_command(self, ctx, name):
        if name not in _SUBCOMMANDS:
            return None
        module_name, attr = _SUBCOMMANDS[name]
        module = importlib.import_module(module_name)
        return getattr(module, attr)


@click.group(cls=_LazyGroup)
def main() -> None:
    """LiftRun Coach: pair lifts and runs, judge them, advise on Strava."""


if __name__ == "__main__":  # pragma: no cover
    main()
