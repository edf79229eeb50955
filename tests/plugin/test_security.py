"""Secure defaults on every response, and bounded parsing of every request."""

import json

import pytest

from plugin.security import MAX_JSON_DEPTH, JSONTooDeep, json_depth, loads_bounded
from tests.support.factories import login

ATHLETE = 123456789
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")


@pytest.fixture
def secure_app(make_app):
    return make_app(PUBLIC_URL="https://coach.example.org")


def every_get_path(app) -> list[str]:
    """Each GET route of the product, with made-up values for its arguments."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {arg: ("style.css" if arg == "filename" else "x") for arg in rule.arguments}
        paths.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(paths))


def assert_hardened(resp, path):
    for name in SECURITY_HEADERS:
        assert name in resp.headers, f"{path}: no {name}"
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_route_and_error_carries_the_headers(secure_app, logged_in):
    client = secure_app.test_client()
    if logged_in:
        login(client, ATHLETE)
    paths = every_get_path(secure_app) + ["/no-such-page", "/webhook?hub.mode=subscribe"]
    assert len(paths) >= 10  # the route listing itself must work
    for path in paths:
        resp = client.get(path)
        assert_hardened(resp, path)
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    for method, path in (("post", "/webhook"), ("post", "/settings"), ("put", "/webhook")):
        resp = getattr(client, method)(path, data="x")
        assert_hardened(resp, f"{method} {path}")


def test_no_hsts_on_plain_http(client):
    resp = client.get("/healthz")
    assert_hardened(resp, "/healthz")
    assert "Strict-Transport-Security" not in resp.headers


def test_templates_carry_no_inline_script():
    """The CSP refuses inline scripts: none may be written into a template."""
    from pathlib import Path

    import plugin

    templates = Path(plugin.__file__).parent / "templates"
    for page in templates.glob("*.html"):
        text = page.read_text()
        assert "<script>" not in text and "<script " not in text.replace('<script src=', ''), page.name
        assert " onclick=" not in text and " onload=" not in text, page.name


def set_cookies(resp) -> list[str]:
    return resp.headers.getlist("Set-Cookie")


def test_session_and_remember_cookies_are_httponly_lax_and_secure_on_https(secure_app):
    from flask_login import login_user

    from plugin.extensions import db
    from plugin.models import Athlete

    @secure_app.get("/_test_login")
    def _test_login():
        login_user(db.session.get(Athlete, ATHLETE), remember=True)
        return "ok"

    client = secure_app.test_client()
    cookies = set_cookies(client.get("/_test_login"))
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"session", "remember_token"} <= names
    for cookie in cookies:
        flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
        assert "httponly" in flags, cookie
        assert flags.get("samesite", "").lower() == "samesite=lax", cookie
        assert "secure" in flags, cookie


def test_any_cookie_a_view_sets_gets_the_flags(sqlite_app):
    @sqlite_app.get("/_test_cookie")
    def _test_cookie():
        from flask import make_response

        resp = make_response("ok")
        resp.set_cookie("plain", "1")
        return resp

    cookie = set_cookies(sqlite_app.test_client().get("/_test_cookie"))[0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http PUBLIC_URL: a Secure cookie would never come back


@pytest.mark.parametrize("depth, deep", [(1, False), (MAX_JSON_DEPTH, False), (MAX_JSON_DEPTH + 1, True),
                                         (5000, True)])
def test_depth_is_checked_before_parsing(depth, deep):
    doc = "[" * depth + "]" * depth
    assert json_depth(doc) == depth
    if deep:
        with pytest.raises(JSONTooDeep):
            loads_bounded(doc)
    else:
        assert isinstance(loads_bounded(doc), list)


def test_brackets_inside_strings_do_not_count():
    doc = json.dumps({"a": "[[[[{{{{" * 100, "b": ["\\\"[[["]})
    assert json_depth(doc) == 2
    assert loads_bounded(doc)["a"].startswith("[[[[")


def test_non_standard_constants_are_refused():
    with pytest.raises(ValueError):
        loads_bounded('{"x": NaN}')


@pytest.mark.parametrize("body", ["[" * 5000, "[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000])
def test_deeply_nested_webhook_body_is_a_400(client, body, caplog):
    resp = client.post("/webhook", data=body, content_type="application/json")
    assert resp.status_code == 400
    assert "error" in resp.get_json()


def test_any_json_endpoint_uses_the_bounded_parser(sqlite_app):
    from flask import request

    @sqlite_app.post("/_test_json")
    def _test_json():
        return {"got": request.get_json(silent=True) is not None}

    client = sqlite_app.test_client()
    assert client.post("/_test_json", json={"a": [1]}).get_json() == {"got": True}
    resp = client.post("/_test_json", data="[" * 4000 + "]" * 4000, content_type="application/json")
    assert resp.status_code == 200 and resp.get_json() == {"got": False}


@pytest.mark.parametrize("query", ["x=" + "a" * 5000, "&".join(f"k{i}=v" for i in range(40))])
def test_oversized_query_strings_are_refused_everywhere(client, query):
    for path in ("/webhook", "/auth/strava/callback", "/"):
        resp = client.get(f"{path}?{query}")
        assert resp.status_code == 400, path
