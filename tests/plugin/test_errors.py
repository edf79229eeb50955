import logging

from tests.support.factories import ATHLETE_ID, login, make_athlete


def test_csrf_failure_is_a_readable_400_with_a_log_line(csrf_app, caplog):
    client = csrf_app.test_client()
    login(client, ATHLETE_ID)
    with caplog.at_level(logging.WARNING):
        resp = client.post("/settings", data={"goal": "strength"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "This form expired" in page and "Powered by Strava" in page
    assert "refused POST /settings" in caplog.text


def test_unknown_page_is_a_friendly_404(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert "Page not found" in resp.get_data(as_text=True)


def test_webhook_errors_answer_json(client):
    resp = client.put("/webhook", json={})
    assert resp.status_code == 405
    assert resp.get_json()["error"] == "Not allowed here"


def test_unexpected_errors_are_logged_500s_without_internals(sqlite_app, caplog):
    @sqlite_app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    sqlite_app.testing = False  # let the handler answer instead of the test client re-raising
    sqlite_app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR):
        resp = sqlite_app.test_client().get("/boom")
    assert resp.status_code == 500
    assert "secret internals" not in resp.get_data(as_text=True)
    assert "unhandled error on GET /boom" in caplog.text


def test_the_500_page_still_renders_after_a_failed_transaction(app):
    """The failure left the session needing a rollback; the page loads the athlete for its header."""
    from plugin.extensions import db
    from plugin.models import Athlete

    with app.app_context():
        make_athlete(4242)

    @app.get("/broken-write")
    def broken_write():
        db.session.add(Athlete(id=4242, access_token_enc="x", refresh_token_enc="y", expires_at=0))
        db.session.flush()  # duplicate primary key: the transaction is now unusable
        return "unreachable"

    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    web = app.test_client()
    login(web, 4242)
    resp = web.get("/broken-write")
    assert resp.status_code == 500
    page = resp.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "Log out" in page or "logout" in page  # the header knew the athlete
