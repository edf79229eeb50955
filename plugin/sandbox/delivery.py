"""Webhook delivery the way Strava does it: asynchronous, at-least-once.

Strava posts each event on its own schedule, waits 2 s for a 2xx and tries
up to three times in total, so a product sees late and duplicate events.
Every attempt is recorded so tests and the sandbox page can show what
happened without a real callback log.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import requests

from .store import Store

log = logging.getLogger(__name__)


class Deliverer:
    def __init__(self, store: Store, config: dict[str, Any]):
        self.store = store
        self.timeout = config["DELIVERY_TIMEOUT"]
        self.attempts = config["DELIVERY_ATTEMPTS"]
        self.retry_delay = config["DELIVERY_RETRY_DELAY"]
        self._threads: list[threading.Thread] = []
        self._threads_lock = threading.Lock()

    def publish(self, client_id: str, event: dict[str, Any]) -> list[int]:
        """Queue `event` (without subscription_id) for the app's subscription."""
        delivery_ids = []
        for sub in self.store.subscriptions(client_id):
            body = {**event, "subscription_id": sub["id"]}
            delivery_id = self.store.add_delivery(sub["id"], sub["callback_url"], body)
            thread = threading.Thread(
                target=self._deliver,
                args=(delivery_id, sub["callback_url"], body),
                name=f"sandbox-delivery-{delivery_id}",
                daemon=True,
            )
            with self._threads_lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)
            thread.start()
            delivery_ids.append(delivery_id)
        return delivery_ids

    def _deliver(self, delivery_id: int, url: str, body: dict[str, Any]) -> None:
        for attempt in range(1, self.attempts + 1):
            status: int | None = None
            error: str | None = None
            try:
                response = requests.post(url, json=body, timeout=self.timeout)
                status = response.status_code
            except requests.RequestException as exc:
                error = f"{type(exc).__name__}: {exc}"
            ok = status is not None and 200 <= status < 300
            last = attempt == self.attempts
            final = "delivered" if ok else ("failed" if last else None)
            self.store.record_attempt(delivery_id, status, error, final)
            if ok:
                return
            log.info("delivery %s attempt %s failed (%s)", delivery_id, attempt, status or error)
            if not last:
                time.sleep(self.retry_delay)

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until queued deliveries finish; True if all did in time."""
        deadline = time.monotonic() + timeout
        with self._threads_lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads)
