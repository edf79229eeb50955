"""What the worker tells the operator: a heartbeat in Redis, metrics from task
signals, and log context for each task.

Hooked onto Celery from outside (a bootstep and signals) so the tasks stay thin
and know nothing about monitoring.
"""

from __future__ import annotations

import logging

from celery import Celery, bootsteps
from flask import Flask

from plugin.ops import heartbeat
from plugin.redis_client import get_redis

log = logging.getLogger(__name__)


def install(celery_app: Celery, flask_app: Flask) -> None:
    """Add the heartbeat to every worker started from `celery_app`."""

    class Heartbeat(bootsteps.StartStopStep):
        """Refreshes this worker's heartbeat on the worker's own timer."""

        requires = {"celery.worker.components:Timer"}

        def __init__(self, worker, **kwargs):
            super().__init__(worker, **kwargs)
            self.tref = None

        def _beat(self, worker_name: str) -> None:
            try:
                with flask_app.app_context():
                    heartbeat.beat(get_redis(), worker_name)
            except Exception as err:  # noqa: BLE001 - a missed beat is visible in /readyz, never fatal
                log.warning("could not write the worker heartbeat: %s", err)

        def start(self, worker):
            name = worker.hostname
            self._beat(name)
            self.tref = worker.timer.call_repeatedly(heartbeat.HEARTBEAT_INTERVAL_SECONDS, self._beat, (name,))

        def stop(self, worker):
            if self.tref is not None:
                self.tref.cancel()
                self.tref = None

    celery_app.steps["worker"].add(Heartbeat)
