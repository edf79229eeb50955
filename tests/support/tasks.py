"""What the product queued: task messages waiting in the real Redis broker."""

from __future__ import annotations

import base64
import json


def queued_tasks(redis_client, queue: str = "celery") -> list[dict]:
    """Task messages waiting in the real Redis broker (kombu's JSON envelope)."""
    messages = []
    for raw in redis_client.lrange(queue, 0, -1):
        envelope = json.loads(raw)
        body = json.loads(base64.b64decode(envelope["body"]))
        messages.append({"task": envelope["headers"]["task"], "args": body[0]})
    return messages
