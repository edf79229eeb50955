"""The Celery app shared by web and worker.

The web process only *sends* tasks, by name, so it never imports worker code;
the worker process registers the tasks on this same app. Tasks run inside a
Flask app context so they can use the models and services like a request does.
"""

from __future__ import annotations

import logging

from celery import Celery, Task
from flask import Flask, current_app

log = logging.getLogger(__name__)

PROCESS_EVENT = "liftrun.process_event"
REEVALUATE_ATHLETE = "liftrun.reevaluate_athlete"
# The first week: look back on connect, write its advice on request, disconnect with removal.
BACKFILL_ATHLETE = "liftrun.backfill_athlete"
WRITE_CONNECT_ADVICE = "liftrun.write_connect_advice"
DISCONNECT_ATHLETE = "liftrun.disconnect_athlete"


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    # Worker telemetry reads an event's athlete before the task runs, outside FlaskTask.__call__.
    celery_app.flask_app = app
    return celery_app


def enqueue(task_name: str, *args) -> bool:
    """Send a task by name; False (and a log line) when the broker is unreachable.

    Callers have already stored what the task needs, so a lost enqueue is
    recovered by the worker's sweep of pending inbox events.
    """
    celery_app: Celery = current_app.extensions["celery"]
    try:
        # Strava waits only 2 s for the webhook's answer: fail fast, the inbox keeps the event.
        celery_app.send_task(
            task_name,
            args=list(args),
            ignore_result=True,
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
        )
        return True
    except Exception:  # noqa: BLE001 - any broker failure must not fail the request
        log.exception("could not enqueue %s%r; it stays pending in the inbox", task_name, args)
        return False
