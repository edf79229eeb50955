"""Run the emulator as a process; shared by the CLI and `python -m`."""

from __future__ import annotations

import logging
import os
from typing import Any

from werkzeug.serving import make_server

from .app import create_app


def serve(host: str = "127.0.0.1", port: int = 5055, config: dict[str, Any] | None = None) -> None:
    config = dict(config or {})
    if not os.environ.get("SANDBOX_PUBLIC_URL"):
        config.setdefault("PUBLIC_URL", f"http://{host}:{port}")
    app = create_app(config)
    server = make_server(host, port, app, threaded=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = app.config["SANDBOX"]
    print(
        f"Strava emulator (sandbox) on http://{host}:{server.port}/  "
        f"client_id={settings['CLIENT_ID']} "
        f"state={'memory' if not settings['STATE_FILE'] else settings['STATE_FILE']}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
