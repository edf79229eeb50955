"""One athlete's rows in every table, and how many each table holds: what disconnect must remove."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from plugin.extensions import db
from plugin.models import Activity, Athlete, AthleteSettings, InboxEvent, Pair
from plugin.statuses import EventStatus
from tests.support.factories import make_activity, make_inbox_event, make_pair

ATHLETE = 123456789
OTHER = 987654321
NOW = dt.datetime(2024, 3, 13, 12, tzinfo=dt.timezone.utc)
TABLES = ((Athlete, Athlete.id), (AthleteSettings, AthleteSettings.athlete_id), (Activity, Activity.athlete_id),
          (Pair, Pair.athlete_id), (InboxEvent, InboxEvent.owner_id))


def add_rows(athlete_id):
    """Add a lift, a run 2 h later, their written pair and the run's processed event (ids from the athlete's)."""
    lift = make_activity(athlete_id * 10 + 1, "WeightTraining", NOW, athlete_id=athlete_id, name="Lift", minutes=60)
    run = make_activity(athlete_id * 10 + 2, "Run", NOW + dt.timedelta(hours=2), athlete_id=athlete_id, minutes=30)
    make_pair(lift.id, run.id, athlete_id=athlete_id, later_start=run.start_date, gap_minutes=60, tier="short",
              verdict="interference_risk", goal="strength", headline="Long run right after lifting",
              advice="Separate them next time.")
    make_inbox_event(run.id, owner_id=athlete_id, event_time=1_700_000_000, status=EventStatus.DONE)
    db.session.commit()


def counts(app, athlete_id):
    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model).where(column == athlete_id))
                for model, column in TABLES}
