"""What the worker tells the operator: a heartbeat in Redis, metrics from task
signals, and log context for each task.

Hooked onto Celery from outside (a bootstep and signals) so the tasks stay thin
and know nothing about monitoring.
"""

from __future__ import annotations

import logging
import time

from celery import Celery, bootsteps, signals
from flask import Flask
from sqlalchemy import select

from plugin.ops import heartbeat, logs, metrics
from plugin.queue import PROCESS_EVENT
from plugin.redis_client import get_redis
from plugin.statuses import EventStatus

log = logging.getLogger(__name__)

# task id → (monotonic start, log context token) for the task running in this process or thread.
_started: dict[str, tuple[float, object]] = {}


def _task_context(task, args) -> dict[str, object]:
    """Name the event and athlete a task works for, for every log line it writes."""
    from plugin.queue import REEVALUATE_ATHLETE

    context: dict[str, object] = {"task": task.name}
    if not args:
        return context
    if task.name == REEVALUATE_ATHLETE:
        context["athlete_id"] = args[0]
    elif task.name == PROCESS_EVENT:
        context["event_id"] = args[0]
        context["athlete_id"] = _event_owner(task, args[0])
    return context


def _event_owner(task, event_id) -> int | None:
    flask_app = getattr(task.app, "flask_app", None)
    if flask_app is None:
        return None
    from plugin.extensions import db
    from plugin.models import InboxEvent

    try:
        with flask_app.app_context():
            return db.session.scalar(select(InboxEvent.owner_id).where(InboxEvent.id == event_id))
    except Exception:  # noqa: BLE001 - the task itself will meet and report the same problem
        return None


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, args=None, **_):
    token = logs.bind(**_task_context(task, args or ())) if task is not None else None
    _started[task_id] = (time.monotonic(), token)


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, retval=None, state=None, **_):
    started, token = _started.pop(task_id, (None, None))
    if token is not None:
        try:
            logs.reset(token)
        except ValueError:  # bound in another context (a retry applied inline); leave it to that one
            pass
    if started is not None and task is not None:
        metrics.TASK_DURATION.labels(task.name, state or "UNKNOWN").observe(time.monotonic() - started)
    if task is None or task.name != PROCESS_EVENT or state != "SUCCESS":
        return
    if retval == EventStatus.FAILED:
        metrics.EVENTS_FAILED.inc()
    else:
        metrics.EVENTS_PROCESSED.labels(str(retval)).inc()


@signals.task_retry.connect
def _task_retried(sender=None, reason=None, **_):
    if sender is not None and sender.name == PROCESS_EVENT:
        metrics.EVENTS_DEFERRED.labels(_reason_label(reason)).inc()


@signals.task_failure.connect
def _task_crashed(sender=None, **_):
    # An exception the task did not turn into a "failed" status: the event stays pending for the sweep.
    if sender is not None and sender.name == PROCESS_EVENT:
        metrics.EVENTS_FAILED.inc()


def _reason_label(reason) -> str:
    """Label the retry's cause briefly, with the inbox row's deferral reasons."""
    from plugin.services.events import RetryLater
    from plugin.statuses import DeferReason
    from plugin.strava.ratelimit import RateLimitDeferred

    exc = getattr(reason, "exc", reason)
    if isinstance(exc, RateLimitDeferred):
        return DeferReason.RATE_LIMIT
    if isinstance(exc, RetryLater):
        return str(exc.reason)
    return DeferReason.STRAVA_ERROR


def install(celery_app: Celery, flask_app: Flask) -> None:
    """Add the heartbeat to every worker started from `celery_app`, and our log format to Celery's handlers."""
    log_format = flask_app.config.get("LOG_FORMAT", "text")

    @signals.after_setup_logger.connect(weak=False)
    @signals.after_setup_task_logger.connect(weak=False)
    def _format_celery_logs(logger=None, **_):
        for handler in (logger.handlers if logger is not None else []):
            logs.prepare_handler(handler, log_format, keep_text_format=True)

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
