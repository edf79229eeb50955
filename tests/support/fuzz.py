"""Seeded hostile input for every way in, and what must never be stored from it.

One home for the requests the fuzz test (tests/plugin/test_fuzz.py) sends to
a Flask test client and the fault report (bench/faults.py) sends to the real
gunicorn: webhook bodies (deep nesting, bytes, odd fields), validation
queries, OAuth callbacks and settings posts. Each generator is deterministic
for its seed, so a failure replays. A request is plain data; the driver
supplies what only a browser has: the `state` of an OAuth flow it started
(`FuzzRequest.url`) and the CSRF token of a logged-in athlete
(`FuzzRequest.data`).
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from plugin.coaching import LANGUAGES
from plugin.config import SANDBOX_VERIFY_TOKEN
from plugin.coaching.codes import GOALS
from plugin.models import MODES
from plugin.settings.forms import LIFT_TYPES, RUN_TYPES, TIMEZONE_CHOICES
from plugin.webhook.events import ASPECT_TYPES, MAX_ID

# Far from the emulator's ids (10_000_000_001 on): a fuzzed event never names a real upload.
FUZZ_OBJECT_BASE = 7_000_000_000_000
# Stands in the query for the real state of a flow the driver started (survives `quote`).
STATE_SLOT = "fuzz-real-state-slot"

ODD_STRINGS = [
    "", " ", "\x00", "\ud800", "\U0001f3cb", "٣", "２４", "%ff%fe", "' OR 1=1 --", "<script>x</script>",
    "a" * 300, "9" * 400, "1e400", "NaN", "-1", "0x10", "true", "null", "[]", "{}", "\r\n", "é" * 50,
]


@dataclass(frozen=True)
class FuzzRequest:
    """One hostile request: `path` carries its query string, already encoded."""

    kind: str  # webhook, validation, callback, settings
    method: str
    path: str
    body: bytes = b""
    content_type: str | None = None
    starts_flow: bool = False  # callback: a browser that began the OAuth flow first (its state is in the query)

    def url(self, state: str | None = None) -> str:
        """Return the path with the flow's real `state` in its slot."""
        if state is None:
            return self.path
        return self.path.replace(STATE_SLOT, quote(state, safe=""))

    def data(self, csrf_token: str | None = None) -> bytes:
        """Return the body, led by the logged-in athlete's CSRF token when there is one."""
        if csrf_token is None:
            return self.body
        return f"csrf_token={quote(csrf_token, safe='')}&".encode() + self.body


def state_of(location: str) -> str:
    """Return the `state` of the authorize URL that starting the OAuth flow redirects to."""
    return parse_qs(urlsplit(location).query)["state"][0]


def odd_string(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(ODD_STRINGS)
    alphabet = string.printable + "éß漢\u202e\ufeff"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


def _raw(text: str) -> str:
    """Percent-encode as any client could send it (lone surrogates become their raw UTF-8 bytes)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def qs(params: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{_raw(k)}={_raw(v)}" for k, v in params)


def odd_query(rng: random.Random) -> str:
    """Return a query that is no key=value list at all."""
    return quote(odd_string(rng).encode("utf-8", "surrogatepass"), safe="=&%")


def odd_value(rng: random.Random, depth: int = 0) -> Any:
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


def valid_event(rng: random.Random, n: int, owner_id: int) -> dict[str, Any]:
    return {
        "object_type": "activity", "object_id": FUZZ_OBJECT_BASE + n, "aspect_type": rng.choice(ASPECT_TYPES),
        "owner_id": owner_id, "subscription_id": 7, "event_time": 1_760_000_000 + n,
        "updates": rng.choice([{}, {"title": "Morning run"}, {"type": "Run"}, {"private": "true"}]),
    }


def webhook_body(rng: random.Random, n: int, owner_id: int) -> bytes:
    roll = rng.random()
    if roll < 0.35:  # one field of a real event made odd: reaches the deepest code
        body = valid_event(rng, n, owner_id)
        body[rng.choice(list(body) + ["extra"])] = odd_value(rng)
        return json.dumps(body).encode()
    if roll < 0.5:
        return json.dumps(valid_event(rng, n, owner_id)).encode()
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


def webhook_requests(count: int, owner_id: int, seed: int = 20261201) -> Iterator[FuzzRequest]:
    """Yield POSTs to the webhook: real events, real events with one odd field, deep nesting, bytes, odd JSON."""
    rng = random.Random(seed)
    for n in range(count):
        body = webhook_body(rng, n, owner_id)
        content_type = rng.choice(["application/json", "application/json", "text/plain",
                                   "application/x-www-form-urlencoded"])
        yield FuzzRequest("webhook", "POST", rng.choice(["/webhook", "/webhook", "/webhook/x"]), body, content_type)


def validation_requests(count: int, verify_token: str = SANDBOX_VERIFY_TOKEN, seed: int = 7) -> Iterator[FuzzRequest]:
    """Yield GETs of the webhook's subscription validation, some with the right token."""
    rng = random.Random(seed)
    keys = ["hub.mode", "hub.challenge", "hub.verify_token", "hub.topic", "x"]
    for _ in range(count):
        params = [(rng.choice(keys), odd_string(rng)) for _ in range(rng.randint(0, 6))]
        if rng.random() < 0.4:
            params += [("hub.mode", "subscribe"), ("hub.verify_token", verify_token),
                       ("hub.challenge", odd_string(rng))]
        query = qs(params) if rng.random() < 0.8 else odd_query(rng)
        yield FuzzRequest("validation", "GET", f"/webhook?{query}")


def callback_requests(count: int, seed: int = 99) -> Iterator[FuzzRequest]:
    """Yield OAuth callbacks, each from a fresh browser; some began the flow and send its real state."""
    rng = random.Random(seed)
    keys = ["state", "code", "scope", "error"]
    for _ in range(count):
        params = [(rng.choice(keys), odd_string(rng)) for _ in range(rng.randint(0, 5))]
        starts_flow = rng.random() < 0.3
        if starts_flow:  # the real state with a made-up code
            params += [("state", STATE_SLOT), ("code", odd_string(rng)),
                       ("scope", "read,activity:read_all,activity:write")]
            rng.shuffle(params)
        query = qs(params) if rng.random() < 0.85 else odd_query(rng)
        yield FuzzRequest("callback", "GET", f"/auth/strava/callback?{query}", starts_flow=starts_flow)


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
            form += [(name, t if rng.random() < 0.97 else odd_string(rng))
                     for t in rng.sample(types, rng.randint(0, len(types)))]
    return form


def settings_requests(count: int, seed: int = 4242) -> Iterator[FuzzRequest]:
    """Yield the logged-in athlete's settings posts: mostly a form with odd values, some an odd body."""
    rng = random.Random(seed)
    for _ in range(count):
        form = settings_form(rng)
        if rng.random() < 0.1:
            body = odd_string(rng).encode("utf-8", "surrogatepass")
        else:
            body = qs(form).encode()
        yield FuzzRequest("settings", "POST", "/settings", body, "application/x-www-form-urlencoded")


# ---------------------------------------------------------------- what must never be stored

def inbox_garbage(rows: Iterable[Mapping[str, Any]], owner_id: int) -> list[str]:
    """Return what is wrong with each inbox row that no well-formed event of `owner_id` makes."""
    problems = []
    for row in rows:
        wrong = [
            name for name, ok in (
                ("object_type", row["object_type"] == "activity"),
                ("aspect_type", row["aspect_type"] in ASPECT_TYPES),
                ("owner_id", row["owner_id"] == owner_id),
                ("object_id", isinstance(row["object_id"], int) and 0 <= row["object_id"] <= MAX_ID),
                ("event_time", isinstance(row["event_time"], int) and 0 <= row["event_time"] <= MAX_ID),
                ("subscription_id", row["subscription_id"] is None
                 or (isinstance(row["subscription_id"], int) and 0 <= row["subscription_id"] <= MAX_ID)),
                ("updates", isinstance(row["updates"], dict)),
            ) if not ok
        ]
        if wrong:
            problems.append(f"inbox row {row.get('id')}: bad {', '.join(wrong)}")
    return problems


def _types(value: Any) -> set[str]:
    return {t for t in str(value or "").split(",") if t}


def settings_garbage(row: Mapping[str, Any]) -> list[str]:
    """Return the stored settings (athlete_settings' columns, plus the athlete's max_hr) no valid form makes."""
    zones = {value for value, _ in TIMEZONE_CHOICES}
    window = row["window_hours"]
    max_hr = row["max_hr"]
    checks = (
        ("goal", row["goal"] in GOALS),
        ("mode", row["mode"] in MODES),
        ("language", row["language"] in LANGUAGES),
        ("window_hours", isinstance(window, int) and not isinstance(window, bool) and 1 <= window <= 72),
        ("training_status", row["training_status"] in (None, "beginner", "trained")),
        ("timezone", row["timezone"] is None or row["timezone"] in zones),
        ("lift_types", bool(_types(row["lift_types"])) and _types(row["lift_types"]) <= set(LIFT_TYPES)),
        ("run_types", bool(_types(row["run_types"])) and _types(row["run_types"]) <= set(RUN_TYPES)),
        ("max_hr", max_hr is None or (isinstance(max_hr, int) and 100 <= max_hr <= 230)),
    )
    return [f"settings: bad {name} {row[name]!r}" for name, ok in checks if not ok]
