"""The emulator on a real socket so stravalib can talk to it, and a webhook receiver
standing in for the product (the emulator's own tests)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from stravalib import Client

from plugin.strava.session import BaseUrlSession

CLIENT_ID = 12345
CLIENT_SECRET = "sandbox-secret"
DEMO_ATHLETE_ID = 123456789
ALL_SCOPES = "read,activity:read_all,activity:write,profile:read_all"


@dataclass
class Sandbox:
    app: Any
    url: str

    @property
    def emu(self):
        return self.app.extensions["strava_sandbox"]

    @property
    def store(self):
        return self.emu.store

    def client(self, access_token: str | None = None) -> Client:
        return Client(access_token=access_token, requests_session=BaseUrlSession(self.url))

    def admin(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}/sandbox/api/{path}", timeout=10, **kwargs)

    def authorize(self, scope: str = ALL_SCOPES, granted: list[str] | None = None,
                  athlete_id: int = DEMO_ATHLETE_ID, state: str = "xyz",
                  redirect_uri: str = "http://127.0.0.1:9/callback") -> dict[str, list[str]]:
        """Submit the consent form like a browser; returns the redirect's query."""
        requested = scope.split(",")
        form = {
            "client_id": str(CLIENT_ID), "redirect_uri": redirect_uri, "state": state,
            "response_type": "code", "approval_prompt": "force", "scope": scope,
            "athlete_id": str(athlete_id), "decision": "authorize",
            "granted": granted if granted is not None else requested,
        }
        response = requests.post(f"{self.url}/oauth/authorize", data=form, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        location = response.headers["Location"]
        assert location.startswith(redirect_uri)
        return parse_qs(urlsplit(location).query)

    def connect(self, scope: str = ALL_SCOPES, granted: list[str] | None = None,
                athlete_id: int = DEMO_ATHLETE_ID) -> tuple[Client, dict[str, Any]]:
        query = self.authorize(scope, granted, athlete_id)
        client = self.client()
        tokens = client.exchange_code_for_token(CLIENT_ID, CLIENT_SECRET, query["code"][0])
        return client, tokens


@dataclass
class Callback:
    """A webhook receiver: answers the handshake and records event POSTs."""

    url: str = ""
    verify_token: str = "VERIFY-ME"
    post_statuses: list[int] = field(default_factory=list)  # consumed per POST, then 200
    get_delay: float = 0.0
    echo_challenge: bool = True
    gets: list[dict[str, str]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for_posts(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.posts) >= count:
                    return list(self.posts)
            time.sleep(0.02)
        with self.lock:
            return list(self.posts)


def serve_callback(receiver: Callback) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Answer the receiver's handshake and record event POSTs on a loopback port (sets `receiver.url`)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output clean
            pass

        def _reply(self, status: int, body: dict | None = None):
            data = json.dumps(body or {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            with receiver.lock:
                receiver.gets.append(query)
            if receiver.get_delay:
                time.sleep(receiver.get_delay)
            if query.get("hub.verify_token") != receiver.verify_token:
                return self._reply(403, {"error": "bad verify token"})
            challenge = query.get("hub.challenge") if receiver.echo_challenge else "wrong"
            self._reply(200, {"hub.challenge": challenge})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with receiver.lock:
                receiver.posts.append(body)
                status = receiver.post_statuses.pop(0) if receiver.post_statuses else 200
            self._reply(status, {})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/webhook/secret-path"
    return server, thread
