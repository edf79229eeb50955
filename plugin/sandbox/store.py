"""All emulator state behind one lock, optionally mirrored to a JSON file.

One process serves the emulator, but werkzeug's threaded server and the
webhook delivery threads touch state concurrently; a single re-entrant lock
keeps every read-modify-write atomic. Everything is plain JSON so that
STATE_FILE can carry a demo across restarts.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
import time
from copy import deepcopy
from datetime import datetime, timezone
from typing import Any, Callable

from . import fixtures

REQUEST_LOG_LIMIT = 5000


def _key(value: Any) -> str:
    return str(int(value))


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    def __init__(self, state_file: str | None = None, clock: Callable[[], float] = time.time):
        self.lock = threading.RLock()
        self.state_file = state_file
        self.clock = clock
        self.data: dict[str, Any] = {}
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as handle:
                self.data = json.load(handle)
            self._fill_missing()
        else:
            self.reset()

    # ------------------------------------------------------------ plumbing

    def now(self) -> float:
        return self.clock()

    def now_iso(self) -> str:
        return _iso(self.now())

    def _empty(self) -> dict[str, Any]:
        return {
            "athletes": {},
            "activities": {},
            "codes": {},
            "access_tokens": {},
            "refresh_tokens": {},
            "grants": {},
            "subscriptions": {},
            "deliveries": [],
            "requests": [],
            "rate": {},
            "next_athlete_id": fixtures.FIRST_ATHLETE_ID,
            "next_activity_id": fixtures.FIRST_ACTIVITY_ID,
            "next_subscription_id": 1,
            "next_delivery_id": 1,
        }

    def _fill_missing(self) -> None:
        for key, value in self._empty().items():
            self.data.setdefault(key, value)

    def reset(self) -> None:
        with self.lock:
            self.data = self._empty()
            demo = fixtures.demo_athlete(self.now_iso())
            self.data["athletes"][_key(demo["id"])] = demo
            self.save()

    def save(self) -> None:
        """Write the whole state atomically; cheap enough at sandbox sizes."""
        if not self.state_file:
            return
        with self.lock:
            folder = os.path.dirname(os.path.abspath(self.state_file))
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".sandbox-state-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.data, handle, indent=1, sort_keys=True)
            os.replace(tmp, self.state_file)

    def snapshot(self, section: str) -> Any:
        with self.lock:
            return deepcopy(self.data[section])

    # ------------------------------------------------------------ athletes

    def add_athlete(self, firstname: str, lastname: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            athlete_id = self.data["next_athlete_id"]
            self.data["next_athlete_id"] += 1
            athlete = fixtures.new_athlete(
                athlete_id, firstname, lastname, created_at=self.now_iso(), **fields
            )
            self.data["athletes"][_key(athlete_id)] = athlete
            self.save()
            return deepcopy(athlete)

    def athlete(self, athlete_id: Any) -> dict[str, Any] | None:
        with self.lock:
            found = self.data["athletes"].get(_key(athlete_id))
            return deepcopy(found) if found else None

    def athletes(self) -> list[dict[str, Any]]:
        with self.lock:
            return [deepcopy(a) for a in self.data["athletes"].values()]

    # ------------------------------------------------------------ activities

    def add_activity(self, fields: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            activity_id = self.data["next_activity_id"]
            self.data["next_activity_id"] += 1
            now = self.now_iso()
            activity = {**fields, "id": activity_id, "created_at": now, "updated_at": now}
            self.data["activities"][_key(activity_id)] = activity
            self.save()
            return deepcopy(activity)

    def activity(self, activity_id: Any) -> dict[str, Any] | None:
        with self.lock:
            found = self.data["activities"].get(_key(activity_id))
            return deepcopy(found) if found else None

    def update_activity(
        self, activity_id: Any, changes: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Apply changes; returns the activity and the fields whose value changed."""
        with self.lock:
            activity = self.data["activities"].get(_key(activity_id))
            if activity is None:
                return None
            changed = {k: v for k, v in changes.items() if activity.get(k) != v}
            activity.update(changed)
            if changed:
                activity["updated_at"] = self.now_iso()
            self.save()
            return deepcopy(activity), changed

    def delete_activity(self, activity_id: Any) -> dict[str, Any] | None:
        with self.lock:
            activity = self.data["activities"].pop(_key(activity_id), None)
            self.save()
            return activity

    def activities(self, athlete_id: Any = None) -> list[dict[str, Any]]:
        """Newest start first."""
        with self.lock:
            found = [
                deepcopy(a)
                for a in self.data["activities"].values()
                if athlete_id is None or a["athlete_id"] == int(athlete_id)
            ]
        return sorted(found, key=lambda a: (a["start_date"], a["id"]), reverse=True)

    # ------------------------------------------------------------ oauth

    def issue_code(self, athlete_id: int, client_id: str, scopes: list[str]) -> str:
        with self.lock:
            code = secrets.token_hex(20)
            self.data["codes"][code] = {
                "athlete_id": int(athlete_id),
                "client_id": client_id,
                "scopes": scopes,
                "expires_at": int(self.now()) + 600,
            }
            self.save()
            return code

    def redeem_code(self, code: str, client_id: str) -> dict[str, Any] | None:
        """Codes are single use: a second exchange fails like at Strava."""
        with self.lock:
            record = self.data["codes"].pop(code, None)
            self.save()
            if record is None or record["client_id"] != client_id:
                return None
            if record["expires_at"] < self.now():
                return None
            return record

    def issue_tokens(self, athlete_id: int, client_id: str, scopes: list[str], ttl: int) -> dict[str, Any]:
        """Replace the app's earlier grant for the athlete: a fresh authorization supersedes it."""
        with self.lock:
            self._drop_tokens(athlete_id, client_id)
            self.data["grants"][self._grant_key(athlete_id, client_id)] = {
                "athlete_id": int(athlete_id),
                "client_id": client_id,
                "scopes": scopes,
                "granted_at": self.now_iso(),
            }
            refresh = secrets.token_hex(20)
            self.data["refresh_tokens"][refresh] = {
                "athlete_id": int(athlete_id),
                "client_id": client_id,
                "scopes": scopes,
            }
            access = self._new_access_token(athlete_id, client_id, scopes, ttl)
            self.save()
            return {"access_token": access, "refresh_token": refresh, **self.data["access_tokens"][access]}

    def _new_access_token(self, athlete_id: int, client_id: str, scopes: list[str], ttl: int) -> str:
        token = secrets.token_hex(20)
        self.data["access_tokens"][token] = {
            "athlete_id": int(athlete_id),
            "client_id": client_id,
            "scopes": scopes,
            "expires_at": int(self.now()) + ttl,
        }
        return token

    def refresh(self, refresh_token: str, client_id: str, ttl: int) -> dict[str, Any] | None:
        """Strava hands back the current access token while it has more than
        an hour left, and a new one otherwise; the refresh token stays."""
        with self.lock:
            record = self.data["refresh_tokens"].get(refresh_token)
            if record is None or record["client_id"] != client_id:
                return None
            current = [
                (token, info)
                for token, info in self.data["access_tokens"].items()
                if info["athlete_id"] == record["athlete_id"] and info["client_id"] == client_id
            ]
            current.sort(key=lambda item: item[1]["expires_at"], reverse=True)
            if current and current[0][1]["expires_at"] - self.now() > 3600:
                access = current[0][0]
            else:
                for token, _ in current:
                    del self.data["access_tokens"][token]
                access = self._new_access_token(record["athlete_id"], client_id, record["scopes"], ttl)
            self.save()
            return {"access_token": access, "refresh_token": refresh_token, **self.data["access_tokens"][access]}

    def refresh_token_owner(self, refresh_token: str | None) -> int | None:
        """Whose refresh token this is, so a fault can target one athlete's refresh."""
        if not refresh_token:
            return None
        with self.lock:
            record = self.data["refresh_tokens"].get(refresh_token)
            return record["athlete_id"] if record else None

    def token(self, access_token: str | None) -> dict[str, Any] | None:
        """Return the token's grant if it is known and unexpired."""
        if not access_token:
            return None
        with self.lock:
            info = self.data["access_tokens"].get(access_token)
            if info is None or info["expires_at"] <= self.now():
                return None
            return deepcopy(info)

    def expire_tokens(self, athlete_id: Any = None) -> int:
        with self.lock:
            count = 0
            for info in self.data["access_tokens"].values():
                if athlete_id is None or info["athlete_id"] == int(athlete_id):
                    info["expires_at"] = int(self.now()) - 1
                    count += 1
            self.save()
            return count

    @staticmethod
    def _grant_key(athlete_id: Any, client_id: str) -> str:
        return f"{_key(athlete_id)}:{client_id}"

    def grant(self, athlete_id: Any, client_id: str) -> dict[str, Any] | None:
        with self.lock:
            found = self.data["grants"].get(self._grant_key(athlete_id, client_id))
            return deepcopy(found) if found else None

    def grants(self, athlete_id: Any) -> list[dict[str, Any]]:
        with self.lock:
            return [deepcopy(g) for g in self.data["grants"].values() if g["athlete_id"] == int(athlete_id)]

    def _drop_tokens(self, athlete_id: Any, client_id: str) -> None:
        for section in ("access_tokens", "refresh_tokens"):
            tokens = self.data[section]
            for token in [t for t, i in tokens.items()
                          if i["athlete_id"] == int(athlete_id) and i["client_id"] == client_id]:
                del tokens[token]

    def revoke(self, athlete_id: Any, client_id: str) -> bool:
        """Drop the app's grant and tokens; True if the app was authorized."""
        with self.lock:
            had = self.data["grants"].pop(self._grant_key(athlete_id, client_id), None)
            self._drop_tokens(athlete_id, client_id)
            self.save()
            return had is not None

    # ------------------------------------------------------------ subscriptions

    def subscriptions(self, client_id: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                deepcopy(s) for s in self.data["subscriptions"].values()
                if client_id is None or s["application_id"] == client_id
            ]

    def add_subscription(self, client_id: str, callback_url: str, verify_token: str) -> dict[str, Any] | None:
        """None when the app already has one (Strava allows one per app)."""
        with self.lock:
            if self.subscriptions(client_id):
                return None
            sub_id = self.data["next_subscription_id"]
            self.data["next_subscription_id"] += 1
            now = self.now_iso()
            sub = {
                "id": sub_id,
                "application_id": client_id,
                "callback_url": callback_url,
                "verify_token": verify_token,
                "created_at": now,
                "updated_at": now,
            }
            self.data["subscriptions"][_key(sub_id)] = sub
            self.save()
            return deepcopy(sub)

    def delete_subscription(self, sub_id: Any, client_id: str) -> bool:
        with self.lock:
            sub = self.data["subscriptions"].get(_key(sub_id))
            if sub is None or sub["application_id"] != client_id:
                return False
            del self.data["subscriptions"][_key(sub_id)]
            self.save()
            return True

    # ------------------------------------------------------------ deliveries

    def add_delivery(self, subscription_id: int, callback_url: str, event: dict[str, Any]) -> int:
        with self.lock:
            delivery_id = self.data["next_delivery_id"]
            self.data["next_delivery_id"] += 1
            self.data["deliveries"].append({
                "id": delivery_id,
                "subscription_id": subscription_id,
                "callback_url": callback_url,
                "event": event,
                "attempts": [],
                "state": "pending",
            })
            self.save()
            return delivery_id

    def record_attempt(self, delivery_id: int, status: int | None, error: str | None, final_state: str | None) -> None:
        with self.lock:
            for delivery in self.data["deliveries"]:
                if delivery["id"] == delivery_id:
                    delivery["attempts"].append({"at": self.now_iso(), "status": status, "error": error})
                    if final_state:
                        delivery["state"] = final_state
                    break
            self.save()

    def clear_deliveries(self) -> None:
        with self.lock:
            self.data["deliveries"] = []
            self.save()

    # ------------------------------------------------------------ request log

    def log_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            log = self.data["requests"]
            log.append(entry)
            del log[:-REQUEST_LOG_LIMIT]
            self.save()

    def clear_requests(self) -> None:
        with self.lock:
            self.data["requests"] = []
            self.save()
