"""Seeded fuzzing of every way in: webhook bodies, validation queries, OAuth callbacks, settings posts.

A few thousand requests, deterministic (fixed seeds, so a failure replays),
bounded in count. Each asserts the product never answers 5xx and never stores
anything it would not have accepted from a well-formed request.
"""

from __future__ import annotations

import json
import random
import string
from urllib.parse import quote

import pytest
from sqlalchemy import select

from plugin.coaching import LANGUAGES
from plugin.extensions import db
from plugin.models import GOALS, MODES, Athlete, AthleteSettings, InboxEvent
from plugin.settings.forms import LIFT_TYPES, RUN_TYPES, TIMEZONE_CHOICES
from plugin.webhook.events import ASPECT_TYPES, MAX_ID
from tests.support.apps import build_app
from tests.support.factories import login, make_athlete
from tests.support.servers import start_emulator

ATHLETE = 123456789
WEBHOOK_REQUESTS = 700
VALIDATION_REQUESTS = 400
CALLBACK_REQUESTS = 300
SETTINGS_REQUESTS = 300

ODD_STRINGS = [
    "", " ", "\x00", "\ud800", "\U0001f3cb", "٣", "２４", "%ff%fe", "' OR 1=1 --", "<script>x</script>",
    "a" * 300, "9" * 400, "1e400", "NaN", "-1", "0x10", "true", "null", "[]", "{}", "\r\n", "é" * 50,
]


def odd_string(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(ODD_STRINGS)
    alphabet = string.printable + "éß漢\u202e\ufeff"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


def qs(params) -> str:
    """Encode a query string as any client could send it (lone surrogates become their raw UTF-8 bytes)."""
    raw = lambda text: quote(text.encode("utf-8", "surrogatepass"), safe="")  # noqa: E731
    return "&".join(f"{raw(k)}={raw(v)}" for k, v in params)


def odd_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.choice([0, 1, -1, 2**31, 2**63 - 1, 2**63, 2**64, 10**400, -(10**30)])
    if kind == 1:
        return rng.choice([True, False, None])
    if kind == 2:
        return rng.choice([0.5, -0.0, 1e308, 1e-308, 123456789.0])
    if kind in (3, 4, 5):
        return odd_string(rng)
    if kind == 6:
        return [odd_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {odd_string(rng): odd_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def valid_event(rng: random.Random, n: int) -> dict:
    return {
        "object_type": "activity", "object_id": 10**10 + n, "aspect_type": rng.choice(ASPECT_TYPES),
        "owner_id": ATHLETE, "subscription_id": 7, "event_time": 1_760_000_000 + n,
        "updates": rng.choice([{}, {"title": "Morning run"}, {"type": "Run"}, {"private": "true"}]),
    }


def webhook_body(rng: random.Random, n: int) -> bytes:
    roll = rng.random()
    if roll < 0.35:  # one field of a real event made odd: reaches the deepest code
        body = valid_event(rng, n)
        body[rng.choice(list(body) + ["extra"])] = odd_value(rng)
        return json.dumps(body).encode()
    if roll < 0.5:
        return json.dumps(valid_event(rng, n)).encode()
    if roll < 0.6:
        depth = rng.choice([40, 500, 3000, 20000])
        opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
        inner = opener * depth + ("1" if opener != "[" else "") + closer * depth * rng.randint(0, 1)
        return inner.encode()
    if roll < 0.7:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    if roll < 0.8:
        return rng.choice([b"", b"null", b"[]", b"{}", b'{"a": NaN}', b"1" * 5000, b'"' + b"x" * 1000])
    return json.dumps(odd_value(rng)).encode()


def assert_inbox_clean(app) -> int:
    with app.app_context():
        rows = db.session.scalars(select(InboxEvent)).all()
        for row in rows:
            assert row.object_type == "activity"
            assert row.aspect_type in ASPECT_TYPES
            assert row.owner_id == ATHLETE
            assert 0 <= row.object_id <= MAX_ID and 0 <= row.event_time <= MAX_ID
            assert row.subscription_id is None or 0 <= row.subscription_id <= MAX_ID
            assert isinstance(row.updates, dict)
        return len(rows)


def test_webhook_bodies(app, client):
    with app.app_context():
        make_athlete(ATHLETE)
    rng = random.Random(20261201)
    statuses = []
    for n in range(WEBHOOK_REQUESTS):
        body = webhook_body(rng, n)
        content_type = rng.choice(["application/json", "application/json", "text/plain", "application/x-www-form-urlencoded"])
        resp = client.post(rng.choice(["/webhook", "/webhook", "/webhook/x"]), data=body, content_type=content_type)
        assert resp.status_code < 500, (resp.status_code, body[:200])
        statuses.append(resp.status_code)
    assert statuses.count(200) > 50 and statuses.count(400) > 50  # the fuzz reached both sides
    assert assert_inbox_clean(app) > 0


def test_validation_queries(sqlite_app):
    client = sqlite_app.test_client()
    rng = random.Random(7)
    keys = ["hub.mode", "hub.challenge", "hub.verify_token", "hub.topic", "x"]
    answered = 0
    for _ in range(VALIDATION_REQUESTS):
        params = [(rng.choice(keys), odd_string(rng)) for _ in range(rng.randint(0, 6))]
        if rng.random() < 0.4:
            params += [("hub.mode", "subscribe"), ("hub.verify_token", "sandbox-verify-token"),
                       ("hub.challenge", odd_string(rng))]
        query = qs(params) if rng.random() < 0.8 else quote(odd_string(rng).encode("utf-8", "surrogatepass"), safe="=&%")
        resp = client.get(f"/webhook?{query}")
        assert resp.status_code in (200, 400, 403), (resp.status_code, query[:200])
        if resp.status_code == 200:
            answered += 1
            assert set(resp.get_json()) == {"hub.challenge"}
    assert answered > 10


@pytest.fixture
def emulator():
    with start_emulator(AUTO_APPROVE=False) as server:
        yield server


def test_oauth_callbacks(tmp_path, redis_url, redis_client, emulator):
    app = build_app(f"sqlite:///{tmp_path / 'cb.sqlite'}", redis_url, STRAVA_BASE_URL=emulator.url)
    rng = random.Random(99)
    keys = ["state", "code", "scope", "error"]
    for _ in range(CALLBACK_REQUESTS):
        client = app.test_client()
        params = [(rng.choice(keys), odd_string(rng)) for _ in range(rng.randint(0, 5))]
        if rng.random() < 0.3:  # a browser that started the flow, with its real state
            client.get("/auth/strava")
            with client.session_transaction() as session:
                params.append(("state", session["oauth_state"]))
            params += [("code", odd_string(rng)), ("scope", "read,activity:read_all,activity:write")]
            rng.shuffle(params)
        query = qs(params) if rng.random() < 0.85 else quote(odd_string(rng).encode("utf-8", "surrogatepass"), safe="=&%")
        resp = client.get(f"/auth/strava/callback?{query}")
        assert resp.status_code < 500, (resp.status_code, query[:200])
    with app.app_context():
        assert db.session.scalars(select(Athlete)).all() == []  # no made-up code connected anyone


def settings_form(rng: random.Random) -> list[tuple[str, str]]:
    good = {
        "goal": lambda: rng.choice(GOALS), "mode": lambda: rng.choice(MODES),
        "window_hours": lambda: str(rng.randint(1, 72)), "language": lambda: rng.choice(LANGUAGES),
        "training_status": lambda: rng.choice(["", "beginner", "trained"]),
        "max_hr": lambda: rng.choice(["", str(rng.randint(100, 230))]),
        "timezone": lambda: rng.choice(TIMEZONE_CHOICES)[0],
    }
    form: list[tuple[str, str]] = []
    for name, make in good.items():
        roll = rng.random()
        if roll < 0.1:
            continue  # not sent: keeps its stored value
        form.append((name, make() if roll < 0.92 else odd_string(rng)))
        if rng.random() < 0.05:
            form.append((name, make()))  # repeated key
    for name, types in (("lift_types", LIFT_TYPES), ("run_types", RUN_TYPES)):
        if rng.random() < 0.9:
            form.append((name, ""))
            form += [(name, t if rng.random() < 0.97 else odd_string(rng)) for t in rng.sample(types, rng.randint(0, len(types)))]
    return form


def assert_settings_valid(app) -> None:
    zones = {value for value, _ in TIMEZONE_CHOICES}
    with app.app_context():
        s = db.session.get(AthleteSettings, ATHLETE)
        assert s.goal in GOALS and s.mode in MODES and s.language in LANGUAGES
        assert isinstance(s.window_hours, int) and 1 <= s.window_hours <= 72
        assert s.training_status in (None, "beginner", "trained")
        assert s.timezone is None or s.timezone in zones
        assert s.lift_type_set and s.lift_type_set <= set(LIFT_TYPES)
        assert s.run_type_set and s.run_type_set <= set(RUN_TYPES)
        max_hr = s.athlete.max_hr
        assert max_hr is None or (isinstance(max_hr, int) and 100 <= max_hr <= 230)


def test_settings_posts(sqlite_app):
    with sqlite_app.app_context():
        make_athlete(ATHLETE)
    client = sqlite_app.test_client()
    login(client, ATHLETE)
    rng = random.Random(4242)
    outcomes = {302: 0, 400: 0}
    for _ in range(SETTINGS_REQUESTS):
        form = settings_form(rng)
        if rng.random() < 0.1:
            resp = client.post("/settings", data=odd_string(rng).encode("utf-8", "surrogatepass"),
                               content_type="application/x-www-form-urlencoded")
        else:
            resp = client.post("/settings", data=qs(form), content_type="application/x-www-form-urlencoded")
        assert resp.status_code in outcomes, (resp.status_code, form)
        outcomes[resp.status_code] += 1
        assert_settings_valid(sqlite_app)
    assert outcomes[302] > 20 and outcomes[400] > 20
