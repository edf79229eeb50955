"""`python -m plugin.sandbox --port 5055`: the emulator without the liftrun CLI."""

from __future__ import annotations

import argparse

from .server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m plugin.sandbox", description="Strava emulator (sandbox)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--state-file", default=None, help="persist state in this JSON file")
    parser.add_argument("--auto-approve", action="store_true", help="skip the consent page when approval_prompt=auto")
    args = parser.parse_args(argv)
    config = {}
    if args.state_file:
        config["STATE_FILE"] = args.state_file
    if args.auto_approve:
        config["AUTO_APPROVE"] = True
    serve(args.host, args.port, config)


if __name__ == "__main__":
    main()
