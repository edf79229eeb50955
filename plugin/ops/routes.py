from __future__ import annotations

from flask import jsonify

from plugin.ops import bp
from plugin.ops.readiness import check_readiness


@bp.get("/readyz")
def readyz():
    readiness = check_readiness()
    return jsonify(readiness.as_json()), 200 if readiness.ready else 503
