"""A local stand-in for the parts of Strava that LiftRun Coach uses.

It runs as its own process (`liftrun sandbox serve`) for the product's sandbox
mode and end-to-end tests, and deliberately imports nothing from the product:
it must behave like Strava, not like our idea of it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None):
    from .app import create_app as _create_app

    return _create_app(config)
