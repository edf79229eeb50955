"""Errors the engine's callers are expected to report rather than crash on."""

from __future__ import annotations


class EngineInputError(ValueError):
    """Input the engine cannot judge honestly (unknown goal, broken activity, ...).

    A ValueError so generic callers still catch it; its own type so the CLI and
    the worker can tell "the athlete's data is bad" from "the engine is buggy".
    The message names the problem in one line, fit to show a user.
    """


class ConfigError(RuntimeError):
    """The coaching configuration (thresholds or message catalogs) is unusable.

    Not an EngineInputError: a broken config is the operator's problem, not the
    athlete's, and must not be reported as bad input.
    """
