"""The worker's loop played in-process: activities uploaded to the emulator, their webhook
events posted to the product and processed as the task would."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from plugin.extensions import db
from plugin.models import Athlete, InboxEvent
from plugin.services.events import process_event
from tests.support import strava
from tests.support.factories import ATHLETE_ID


class World:
    """Upload activities to the emulator and deliver their events to the product."""

    def __init__(self, app, emulator):
        self.app = app
        self.emu = emulator.url
        self.client = app.test_client()
        self.clock = 1_700_000_000

    def upload(self, sport_type, start, minutes, description="", hr=None, **extra):
        return strava.upload(self.emu, sport_type, start, minutes, description, hr,
                             **{"name": f"{sport_type} session", **extra})

    def lift_then_run(self, lift_start, gap_minutes, run_minutes, description="", **run_fields):
        """Upload a 60-min lift and a run `gap_minutes` after its start; deliver both events, the lift's first."""
        lift = self.upload("WeightTraining", lift_start, 60)
        run = self.upload("Run", lift_start + dt.timedelta(minutes=gap_minutes), run_minutes, description, **run_fields)
        self.deliver(lift)
        self.deliver(run)
        return lift, run

    def deliver(self, object_id, aspect="create", times=1):
        self.clock += 1
        for _ in range(times):
            resp = self.client.post("/webhook", json=strava.activity_event(object_id, self.clock, aspect))
            assert resp.status_code == 200
        with self.app.app_context():
            event_id = db.session.scalar(select(InboxEvent.id).where(InboxEvent.event_time == self.clock))
            status = process_event(event_id)
            db.session.commit()  # the task owns the transaction; here the test plays the task
            return status

    def description(self, activity_id):
        return strava.description(self.emu, activity_id)

    def strava_writes(self):
        return [r for r in strava.calls(self.emu) if r["method"] == "PUT"]

    def set(self, **settings):
        with self.app.app_context():
            athlete = db.session.get(Athlete, ATHLETE_ID)
            for key, value in settings.items():
                setattr(athlete.settings, key, value)
            db.session.commit()
