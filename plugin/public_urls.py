"""Links other people follow: Strava's OAuth redirect, the webhook callback, the link in every block.

They must name PUBLIC_URL whatever host a request came in on, and also
outside any request (the worker writes descriptions): Flask builds them
from SERVER_NAME, set from PUBLIC_URL (plugin.config.external_url_config).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def public_url(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, _scheme=current_app.config["PREFERRED_URL_SCHEME"], **values)
