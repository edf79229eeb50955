"""A requests session that sends stravalib's traffic to `STRAVA_BASE_URL`.

stravalib hard-codes `https://www.strava.com`; the product must talk to the
local emulator in the sandbox and in tests, so we rewrite the scheme and host
of every outgoing URL instead of forking the library.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from plugin.ops.metrics import count_strava_call

STRAVA_ORIGIN = "https://www.strava.com"
DEFAULT_TIMEOUT = 10.0


class BaseUrlSession(requests.Session):
    """Rewrites Strava URLs to `base_url` and always applies a timeout."""

    def __init__(self, base_url: str = STRAVA_ORIGIN, timeout: float = DEFAULT_TIMEOUT):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def rewrite(self, url: str) -> str:
        if self.base_url != STRAVA_ORIGIN and url.startswith(STRAVA_ORIGIN):
            return self.base_url + url[len(STRAVA_ORIGIN):]
        return url

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        verb = method.decode() if isinstance(method, bytes) else method
        target = self.rewrite(url.decode() if isinstance(url, bytes) else url)
        try:
            response = super().request(verb, target, *args, **kwargs)
        except requests.RequestException:
            count_strava_call(verb, urlsplit(target).path, "error")
            raise
        count_strava_call(verb, urlsplit(target).path, response.status_code)
        return response
