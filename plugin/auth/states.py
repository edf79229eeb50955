"""OAuth `state` values kept server-side, so each one is accepted exactly once.

The browser's session says which state it expects; the table says whether
that state was already used. A replayed callback with the cookie from before
the first callback passes the first check but not the second, so a used code
is never sent to Strava again. Consumption is one conditional UPDATE, which
also holds when two callbacks race on different processes.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from sqlalchemy import delete, update

from plugin.extensions import db
from plugin.models import OAuthState, utcnow

log = logging.getLogger(__name__)

# A person needs seconds to approve on Strava; a state older than this is refused.
STATE_TTL = dt.timedelta(minutes=15)
# Rows are pruned once well past any use.
STATE_KEEP = dt.timedelta(days=1)
MAX_STATE_CHARS = 64


def issue_state() -> str:
    state = secrets.token_urlsafe(32)[:MAX_STATE_CHARS]
    now = utcnow()
    db.session.execute(delete(OAuthState).where(OAuthState.created_at < now - STATE_KEEP))
    db.session.add(OAuthState(state=state, created_at=now))
    db.session.commit()
    return state


def consume_state(state: str) -> bool:
    """Mark the state used; False when it is unknown, used already or expired."""
    if not state or len(state) > MAX_STATE_CHARS:
        return False
    now = utcnow()
    result = db.session.execute(
        update(OAuthState)
        .where(OAuthState.state == state, OAuthState.used_at.is_(None), OAuthState.created_at >= now - STATE_TTL)
        .values(used_at=now)
    )
    db.session.commit()
    return result.rowcount == 1
