"""Sentry in a child process: the SDK patches Flask and Celery process-wide, which
must not leak into the other tests."""

import gzip
import json
import subprocess
import sys
import textwrap

from werkzeug.wrappers import Request, Response

from plugin.devtools import ThreadedServer

CHILD = textwrap.dedent("""
    import json, sentry_sdk
    from plugin import create_app
    app = create_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaput access_token=leaky-token-123")

    client = sentry_sdk.get_client()
    print(json.dumps({"active": client.is_active(), "integrations": sorted(client.integrations)}))
    print(app.test_client().get("/boom").status_code)
    sentry_sdk.flush(5)
""")


def run_child(tmp_path, redis_url, **env):
    base = {"PATH": "/usr/bin:/bin", "LIFTRUN_INSTANCE_PATH": str(tmp_path), "REDIS_URL": redis_url,
            "SILENCE_TOKEN_WARNINGS": "true"}
    result = subprocess.run([sys.executable, "-c", CHILD], env={**base, **env}, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()[-2:]
    return json.loads(first), int(second), result.stderr


def test_off_without_a_dsn():
    import sentry_sdk

    from plugin.ops.error_reporting import init_error_reporting

    assert init_error_reporting(None, "production") is False
    assert init_error_reporting("", "production") is False
    assert not sentry_sdk.get_client().is_active()


def test_errors_reach_sentry_with_flask_and_celery_integrations_and_no_token(tmp_path, redis_url):
    received: list[bytes] = []

    def collector(environ, start_response):
        request = Request(environ)
        body = request.get_data()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        received.append(body)
        return Response("{}", mimetype="application/json")(environ, start_response)

    with ThreadedServer(collector) as server:
        dsn = server.url.replace("http://", "http://publickey@") + "/1"
        state, status, stderr = run_child(tmp_path, redis_url, SENTRY_DSN=dsn)
    assert state["active"] is True
    assert {"flask", "celery"} <= set(state["integrations"])
    assert status == 500
    assert "error reporting to Sentry is on" in stderr
    payload = b"".join(received).decode()
    assert "kaput" in payload and "RuntimeError" in payload
    assert "leaky-token-123" not in payload
