"""What the product tells the engine about the athlete and the deployment."""

from __future__ import annotations

from plugin.description_block import signature_line
from plugin.extensions import db
from plugin.models import Athlete
from plugin.services.advice_sync import engine_options
from tests.support.apps import build_app
from tests.support.factories import make_athlete

LONG_PUBLIC_URL = "https://coach.liftrun-for-our-running-and-lifting-club.example.org/members/area"


def test_the_engine_is_told_the_length_of_this_deployments_signature(tmp_path, redis_url):
    app = build_app(f"sqlite:///{tmp_path / 'o.sqlite'}", redis_url, PUBLIC_URL=LONG_PUBLIC_URL)
    with app.app_context():
        make_athlete(42, goal="strength", language="de", window_hours=8)
        db.session.commit()
        options = engine_options(db.session.get(Athlete, 42))
    assert options.signature_chars == len(signature_line(f"{LONG_PUBLIC_URL}/settings"))
    assert (options.language, options.window_hours) == ("de", 8)


def test_a_new_athletes_sport_types_are_the_coachs_defaults(tmp_path, redis_url):
    from plugin.coaching.options import default_rules

    app = build_app(f"sqlite:///{tmp_path / 'd.sqlite'}", redis_url)
    with app.app_context():
        make_athlete(43)
        db.session.commit()
        options = engine_options(db.session.get(Athlete, 43))
    assert (options.lift_types, options.run_types) == (default_rules().lift_types, default_rules().run_types)
    assert options.lift_types == {"WeightTraining", "Crossfit"}  # config/coaching.toml as shipped
