"""Fixtures for the end-to-end tests: the stack of real processes, shared by a module."""

from __future__ import annotations

import pytest

from tests.support.stack import Stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    s = Stack(tmp_path_factory.mktemp("e2e"))
    try:
        s.start()
        yield s
    except Exception:
        print(s.dump_logs())
        raise
    finally:
        s.stop()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and "stack" in getattr(item, "funcargs", {}):
        report.sections.append(("process logs", item.funcargs["stack"].dump_logs()))
