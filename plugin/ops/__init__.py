"""The operator's view: readiness, metrics, worker heartbeat, status and logs.

Kept apart from the product's pages so an operator's probe never depends on a
template, a login or the athlete-facing blueprints.
"""

