"""The /api/v3 subset, read through a real stravalib Client."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest
import requests
import stravalib
from stravalib import exc, model, strava_model

from tests.support.sandbox import DEMO_ATHLETE_ID

SWAGGER = os.path.join(os.path.dirname(stravalib.__file__), "tests", "resources", "strava_swagger.json")


def _example(path: str, method: str = "get"):
    with open(SWAGGER, encoding="utf-8") as handle:
        spec = json.load(handle)
    return spec["paths"][path][method]["responses"]["200"]["examples"]["application/json"]


def _add(sandbox, **fields):
    fields.setdefault("athlete_id", DEMO_ATHLETE_ID)
    response = sandbox.admin("POST", "activities", json=fields)
    assert response.status_code == 201, response.text
    return response.json()


def test_get_athlete_is_a_detailed_athlete(sandbox):
    client, _ = sandbox.connect()
    athlete = client.get_athlete()
    assert isinstance(athlete, model.DetailedAthlete)
    assert athlete.id == DEMO_ATHLETE_ID
    assert (athlete.firstname, athlete.lastname) == ("Sam", "Sandbox")
    assert athlete.measurement_preference == "meters"
    assert athlete.resource_state == 3
    assert athlete.id > 2**31 - 1 or DEMO_ATHLETE_ID == 123456789


def test_get_athlete_zones(sandbox):
    client, _ = sandbox.connect()
    zones = client.get_athlete_zones()
    assert isinstance(zones, strava_model.Zones)
    ranges = zones.heart_rate.zones.root
    assert len(ranges) == 5
    assert ranges[0].min == 0 and ranges[-1].max == -1
    assert [r.max for r in ranges[:-1]] == [r.min for r in ranges[1:]]


def test_created_athlete_with_custom_zones(sandbox):
    zones = [{"min": 0, "max": 110}, {"min": 110, "max": 140}, {"min": 140, "max": 160},
             {"min": 160, "max": 175}, {"min": 175, "max": -1}]
    athlete = sandbox.admin("POST", "athletes", json={"firstname": "Kim", "lastname": "Lee",
                                                      "zones": zones, "max_hr": 182}).json()
    assert athlete["id"] > 2**31
    client, _ = sandbox.connect(athlete_id=athlete["id"])
    assert client.get_athlete().id == athlete["id"]
    got = client.get_athlete_zones()
    assert got.heart_rate.custom_zones is True
    assert [z.max for z in got.heart_rate.zones.root] == [110, 140, 160, 175, -1]


def test_get_activity_detail_fields(sandbox):
    start = datetime(2024, 7, 1, 16, 30, tzinfo=timezone.utc)
    stored = _add(sandbox, sport_type="WeightTraining", name="Leg day", start_date=start.isoformat(),
                  elapsed_time=3900, moving_time=3600, average_heartrate=118, description="Squat 5x5\nRDL 3x8")
    assert stored["id"] >= 10_000_000_001
    client, _ = sandbox.connect()
    activity = client.get_activity(stored["id"])
    assert isinstance(activity, model.DetailedActivity)
    assert activity.id == stored["id"]
    assert activity.sport_type.root == "WeightTraining" and activity.type.root == "WeightTraining"
    assert activity.start_date == start
    assert activity.start_date_local == datetime(2024, 7, 1, 18, 30)  # Berlin summer time, naive
    assert activity.timezone == "(GMT+01:00) Europe/Berlin"
    assert activity.utc_offset == 7200
    assert activity.elapsed_time == 3900 and activity.moving_time == 3600
    assert activity.has_heartrate is True and activity.average_heartrate == 118
    assert activity.description == "Squat 5x5\nRDL 3x8"
    assert activity.manual is False and activity.private is False
    assert activity.athlete.id == DEMO_ATHLETE_ID


def test_raw_json_validates_and_covers_swagger_example_keys(sandbox):
    stored = _add(sandbox, sport_type="Run", average_heartrate=150)
    _, tokens = sandbox.connect()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    raw = requests.get(f"{sandbox.url}/api/v3/activities/{stored['id']}", headers=headers, timeout=5).json()
    model.DetailedActivity.model_validate(raw)
    assert raw["start_date_local"].endswith("Z") and raw["start_date"].endswith("Z")
    example = _example("/activities/{id}")
    core = {"id", "resource_state", "athlete", "name", "distance", "moving_time", "elapsed_time",
            "type", "sport_type", "start_date", "start_date_local", "timezone", "utc_offset",
            "trainer", "commute", "manual", "private", "has_heartrate", "description", "map",
            "start_latlng", "end_latlng", "average_speed", "max_speed", "calories", "gear_id",
            "external_id", "upload_id", "segment_efforts", "laps", "splits_metric"}
    assert core <= set(example)
    assert core <= set(raw)
    summary_example = _example("/athlete/activities")[0]
    listed = requests.get(f"{sandbox.url}/api/v3/athlete/activities", headers=headers, timeout=5).json()
    missing = set(summary_example) - set(listed[0]) - {"device_name", "average_cadence", "average_watts",
                                                        "weighted_average_watts", "kilojoules", "device_watts",
                                                        "max_watts"}
    assert not missing
    assert "description" not in listed[0] and listed[0]["resource_state"] == 2
    athlete_example = _example("/athlete")
    me = requests.get(f"{sandbox.url}/api/v3/athlete", headers=headers, timeout=5).json()
    assert set(athlete_example) - set(me) <= {"email"}
    model.DetailedAthlete.model_validate(me)
    strava_model.Zones.model_validate(
        requests.get(f"{sandbox.url}/api/v3/athlete/zones", headers=headers, timeout=5).json())


def test_update_description_returns_detailed_activity(sandbox):
    stored = _add(sandbox, sport_type="Run", description="Easy 5k")
    client, _ = sandbox.connect()
    updated = client.update_activity(stored["id"], description="Easy 5k\n\nLiftRun Coach: fine")
    assert isinstance(updated, model.DetailedActivity)
    assert updated.description == "Easy 5k\n\nLiftRun Coach: fine"
    assert sandbox.admin("GET", f"activities/{stored['id']}").json()["description"] == "Easy 5k\n\nLiftRun Coach: fine"


def test_update_other_fields_and_sport_type_sets_type(sandbox):
    stored = _add(sandbox, sport_type="Run")
    client, _ = sandbox.connect()
    updated = client.update_activity(stored["id"], name="Trail", sport_type="TrailRun", commute=True)
    assert updated.name == "Trail" and updated.sport_type.root == "TrailRun"
    assert updated.type.root == "Run" and updated.commute is True


def test_form_encoded_put_is_accepted(sandbox):
    stored = _add(sandbox, sport_type="Run")
    _, tokens = sandbox.connect()
    response = requests.put(f"{sandbox.url}/api/v3/activities/{stored['id']}", data={"description": "x"},
                            headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=5)
    assert response.status_code == 200 and response.json()["description"] == "x"


def test_get_activities_order_and_window(sandbox):
    base = datetime(2024, 3, 10, 8, 0, tzinfo=timezone.utc)
    ids = [_add(sandbox, sport_type="Run", start_date=(base + timedelta(hours=h)).isoformat())["id"]
           for h in (0, 5, 10, 15)]
    client, _ = sandbox.connect()
    newest_first = [a.id for a in client.get_activities()]
    assert newest_first == ids[::-1]
    window = list(client.get_activities(after=base + timedelta(hours=1), before=base + timedelta(hours=14)))
    assert all(isinstance(a, model.SummaryActivity) for a in window)
    assert [a.id for a in window] == [ids[1], ids[2]]  # ascending when `after` is given, like Strava
    assert [a.id for a in client.get_activities(before=base + timedelta(hours=6))] == [ids[1], ids[0]]
    assert [a.id for a in client.get_activities(limit=3)] == ids[::-1][:3]


def test_pagination(sandbox):
    base = datetime(2024, 3, 10, 8, 0, tzinfo=timezone.utc)
    for h in range(5):
        _add(sandbox, sport_type="Run", start_date=(base + timedelta(hours=h)).isoformat())
    _, tokens = sandbox.connect()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    pages = [requests.get(f"{sandbox.url}/api/v3/athlete/activities", params={"page": p, "per_page": 2},
                          headers=headers, timeout=5).json() for p in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [2, 2, 1, 0]


def test_activity_zones(sandbox):
    stored = _add(sandbox, sport_type="Run", average_heartrate=152, moving_time=1800, elapsed_time=1900)
    plain = _add(sandbox, sport_type="WeightTraining")
    client, _ = sandbox.connect()
    zones = client.get_activity_zones(stored["id"])
    assert len(zones) == 1 and isinstance(zones[0], model.ActivityZone)
    assert zones[0].type == "heartrate"
    buckets = zones[0].distribution_buckets
    assert len(buckets) == 5 and sum(b.time for b in buckets) == 1800
    assert buckets[-1].max == -1
    assert client.get_activity_zones(plain["id"]) == []


def test_create_activity_through_stravalib(sandbox):
    client, _ = sandbox.connect()
    created = client.create_activity(name="Bench", sport_type="WeightTraining",
                                     start_date_local=datetime(2024, 1, 15, 18, 0), elapsed_time=3600,
                                     description="Bench 5x5")
    assert isinstance(created, model.DetailedActivity)
    assert created.manual is True and created.sport_type.root == "WeightTraining"
    assert created.start_date_local == datetime(2024, 1, 15, 18, 0)
    assert created.start_date == datetime(2024, 1, 15, 17, 0, tzinfo=timezone.utc)  # Berlin winter time
    assert sandbox.admin("GET", f"activities/{created.id}").json()["description"] == "Bench 5x5"


def test_create_activity_needs_fields_and_returns_201(sandbox):
    _, tokens = sandbox.connect()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    missing = requests.post(f"{sandbox.url}/api/v3/activities", data={"name": "x"}, headers=headers, timeout=5)
    assert missing.status_code == 400
    ok = requests.post(f"{sandbox.url}/api/v3/activities", headers=headers, timeout=5, data={
        "name": "Run", "type": "Run", "start_date_local": "2024-05-01T07:00:00Z", "elapsed_time": 1800})
    assert ok.status_code == 201 and ok.json()["sport_type"] == "Run"


def test_unknown_and_foreign_activities_are_404(sandbox):
    other = sandbox.admin("POST", "athletes", json={"firstname": "Other"}).json()
    theirs = _add(sandbox, athlete_id=other["id"], sport_type="Run")
    client, _ = sandbox.connect()
    for activity_id in (theirs["id"], 99_999_999_999):
        with pytest.raises(exc.ObjectNotFound) as missing:
            client.get_activity(activity_id)
        assert missing.value.response.json() == {"message": "Record Not Found", "errors": [
            {"resource": "Activity", "field": "id", "code": "invalid"}]}
        with pytest.raises(exc.ObjectNotFound):
            client.update_activity(activity_id, description="x")


def test_private_activities_need_read_all(sandbox):
    private = _add(sandbox, sport_type="Run", private=True)
    public = _add(sandbox, sport_type="Run")
    narrow, _ = sandbox.connect(scope="read,activity:read")
    with pytest.raises(exc.ObjectNotFound):
        narrow.get_activity(private["id"])
    assert [a.id for a in narrow.get_activities()] == [public["id"]]
    wide, _ = sandbox.connect()
    assert wide.get_activity(private["id"]).private is True
    assert {a.id for a in wide.get_activities()} == {private["id"], public["id"]}


def test_write_needs_activity_write(sandbox):
    stored = _add(sandbox, sport_type="Run", description="mine")
    client, _ = sandbox.connect(scope="read,activity:read_all")
    with pytest.raises(exc.AccessUnauthorized) as denied:
        client.update_activity(stored["id"], description="theirs")
    assert denied.value.response.json()["errors"][0]["field"] == "activity:write_permission"
    assert sandbox.admin("GET", f"activities/{stored['id']}").json()["description"] == "mine"


def test_read_needs_activity_read(sandbox):
    client, _ = sandbox.connect(scope="read")
    with pytest.raises(exc.AccessUnauthorized):
        list(client.get_activities())


def test_missing_token_is_401_with_strava_body(sandbox):
    response = requests.get(f"{sandbox.url}/api/v3/activities/10000000001", timeout=5)
    assert response.status_code == 401
    assert response.json()["message"] == "Authorization Error"
    unknown = requests.get(f"{sandbox.url}/api/v3/nothing-here", timeout=5)
    assert unknown.status_code == 404 and unknown.json()["message"] == "Record Not Found"


def test_every_sport_type_parses_as_stravalib_models(sandbox):
    from plugin.sandbox.shapes import SPORT_TYPES, detailed_activity, summary_activity

    assert set(SPORT_TYPES) == set(model.DetailedActivity.SPORT_TYPES)
    for sport in SPORT_TYPES:
        stored = sandbox.emu.create_activity(DEMO_ATHLETE_ID, {"sport_type": sport, "average_heartrate": 140},
                                             deliver=False)
        detail = model.DetailedActivity.model_validate(detailed_activity(stored))
        assert detail.sport_type.root == sport
        model.SummaryActivity.model_validate(summary_activity(stored))
