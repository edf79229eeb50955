"""Real servers for tests: a WSGI app on a loopback port in a thread, the Strava emulator, and the
real OAuth redirect chain between them."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from plugin.devtools import ThreadedServer


def start_emulator(**config):
    from plugin.sandbox import create_app

    settings = {"AUTO_APPROVE": True, "CLIENT_ID": "12345", "CLIENT_SECRET": "sandbox-secret"}
    settings.update(config)
    server = ThreadedServer(create_app(settings))
    server.server.app.config["SANDBOX"]["PUBLIC_URL"] = server.url
    return server


def connect_through_oauth(product_client, requests_session: requests.Session | None = None) -> requests.Response:
    """Follow the real redirect chain: product → emulator authorize → product callback."""
    http = requests_session or requests.Session()
    start = product_client.get("/auth/strava")
    assert start.status_code == 302, start.status_code
    approve = http.get(start.headers["Location"], allow_redirects=False)
    assert approve.status_code == 302, approve.text
    callback = urlsplit(approve.headers["Location"])
    return product_client.get(f"{callback.path}?{callback.query}")
