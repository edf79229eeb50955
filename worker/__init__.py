"""The Celery worker: `celery -A worker worker`.

The Celery app is the one the web app builds, so tasks run inside a Flask app
context with the same configuration, models and services.
"""

from plugin import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

from worker import tasks  # noqa: E402,F401  (registers the tasks)
from worker import telemetry  # noqa: E402

telemetry.install(celery_app, flask_app)

celery_app.conf.beat_schedule = {
    "sweep-inbox": {"task": tasks.SWEEP_INBOX, "schedule": 120.0},
}
