"""Fixtures of the services' tests (`emulator` and `product` are shared: tests/conftest.py)."""

import pytest

from tests.support.world import World


@pytest.fixture
def world(product, emulator):
    return World(product, emulator)
