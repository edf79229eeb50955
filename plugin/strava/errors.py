"""What a failed Strava call means for the work that made it.

stravalib raises one `Fault` family for everything; the worker has to decide
between "wait for the window", "try again soon", "the athlete must reconnect"
and "this can never succeed", so every failure is translated here, once.
"""

from __future__ import annotations

import requests
from stravalib.exc import AccessUnauthorized, Fault, ObjectNotFound

__all__ = ["ReconnectNeeded", "StravaUnavailable", "ObjectNotFound", "AccessUnauthorized", "status_of",
           "is_transient"]


class ReconnectNeeded(Exception):
    """Strava refused the athlete's token and then its refresh: only a new OAuth grant helps."""


class StravaUnavailable(Exception):
    """A 5xx, a timeout or a broken connection: worth another try after a pause."""


def status_of(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def is_transient(exc: BaseException) -> bool:
    """Failures that a later attempt may not meet (Strava's or the network's bad minute)."""
    if isinstance(exc, StravaUnavailable):
        return True
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(exc, Fault) and not isinstance(exc, (ObjectNotFound, AccessUnauthorized)):
        status = status_of(exc)
        return status is not None and status >= 500
    return False
