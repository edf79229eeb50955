"""Fixtures of the worker's tests."""

import pytest


@pytest.fixture(autouse=True)
def _tasks_registered():
    """Import the worker's tasks before any app of the test becomes Celery's current one."""
    import worker.tasks  # noqa: F401
