"""Settings of the emulator.

The emulator runs as its own process next to the product, so its settings come
from a plain dict (tests) with the environment as fallback (the launcher), and
never from the product's configuration.
"""

from __future__ import annotations

import os
from typing import Any

DEFAULTS: dict[str, Any] = {
    "CLIENT_ID": "12345",
    "CLIENT_SECRET": "sandbox-secret",
    "APP_NAME": "LiftRun Coach",
    "TOKEN_TTL": 21600,
    "RATE_LIMIT_15MIN": 200,
    "RATE_LIMIT_DAILY": 2000,
    "READ_RATE_LIMIT_15MIN": 100,
    "READ_RATE_LIMIT_DAILY": 1000,
    "AUTO_APPROVE": False,
    "STATE_FILE": None,
    "PUBLIC_URL": "http://127.0.0.1:5055",
    # Strava waits 2 s for a webhook answer and tries 3 times in total; the
    # pause between attempts is much longer at Strava, short here so that
    # demos and tests see retries happen.
    "DELIVERY_TIMEOUT": 2.0,
    "DELIVERY_ATTEMPTS": 3,
    "DELIVERY_RETRY_DELAY": 0.5,
    "VERIFY_TIMEOUT": 2.0,
    # Added to every API and OAuth call (ms): Strava's own answer time, for scaling runs.
    "LATENCY_MS": 0,
}

# Keys that may also come from the environment, as SANDBOX_<KEY>.
_ENV_KEYS = (
    "CLIENT_ID",
    "CLIENT_SECRET",
    "TOKEN_TTL",
    "RATE_LIMIT_15MIN",
    "RATE_LIMIT_DAILY",
    "READ_RATE_LIMIT_15MIN",
    "READ_RATE_LIMIT_DAILY",
    "AUTO_APPROVE",
    "STATE_FILE",
    "PUBLIC_URL",
    "LATENCY_MS",
)

_INT_KEYS = {
    "TOKEN_TTL",
    "RATE_LIMIT_15MIN",
    "RATE_LIMIT_DAILY",
    "READ_RATE_LIMIT_15MIN",
    "READ_RATE_LIMIT_DAILY",
    "DELIVERY_ATTEMPTS",
    "LATENCY_MS",
}
_FLOAT_KEYS = {"DELIVERY_TIMEOUT", "DELIVERY_RETRY_DELAY", "VERIFY_TIMEOUT"}


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then SANDBOX_* environment variables, then explicit overrides."""
    config = dict(DEFAULTS)
    for key in _ENV_KEYS:
        value = os.environ.get(f"SANDBOX_{key}")
        if value not in (None, ""):
            config[key] = value
    config.update(overrides or {})

    for key in _INT_KEYS:
        config[key] = int(config[key])
    for key in _FLOAT_KEYS:
        config[key] = float(config[key])
    config["AUTO_APPROVE"] = _truthy(config["AUTO_APPROVE"])
    config["CLIENT_ID"] = str(int(config["CLIENT_ID"]))
    config["CLIENT_SECRET"] = str(config["CLIENT_SECRET"])
    config["PUBLIC_URL"] = str(config["PUBLIC_URL"]).rstrip("/")
    return config
