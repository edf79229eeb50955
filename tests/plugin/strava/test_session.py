from plugin.strava.session import BaseUrlSession


def test_rewrites_strava_urls_only():
    session = BaseUrlSession("http://127.0.0.1:5055/")
    assert session.rewrite("https://www.strava.com/api/v3/athlete") == "http://127.0.0.1:5055/api/v3/athlete"
    assert session.rewrite("https://www.strava.com/oauth/token") == "http://127.0.0.1:5055/oauth/token"
    assert session.rewrite("https://example.com/x") == "https://example.com/x"


def test_production_base_is_untouched():
    session = BaseUrlSession("https://www.strava.com")
    assert session.rewrite("https://www.strava.com/api/v3/athlete") == "https://www.strava.com/api/v3/athlete"
