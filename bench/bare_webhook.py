"""The yardstick for bench/webhook.py: a Flask endpoint that parses the body and answers, nothing more."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/webhook")
def receive():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="body must be a JSON object"), 400
    return jsonify(status="queued")


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
