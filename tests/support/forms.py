"""The CSRF token a rendered page carries, as a browser would submit it.

The settings form renders its token with WTForms and the account and logout
forms by hand (other attribute orders), so the page is parsed rather than
matched with one pattern.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _TokenFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form_action: str | None = None
        self.tokens: list[tuple[str | None, str]] = []  # (the enclosing form's action, token)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.form_action = values.get("action") or ""
        elif tag == "input" and values.get("name") == "csrf_token" and values.get("type") == "hidden":
            self.tokens.append((self.form_action, values.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form_action = None


def csrf_token(html: str, action: str | None = None) -> str:
    """Return the page's first CSRF token, or that of the form posting to `action`."""
    finder = _TokenFinder()
    finder.feed(html)
    for form_action, token in finder.tokens:
        if token and (action is None or form_action == action):
            return token
    raise AssertionError(f"no CSRF token{f' in a form posting to {action}' if action else ''} on the page")


def csrf_token_from(client, path: str = "/settings", action: str | None = None) -> str:
    """GET `path` with a Flask test client and return its CSRF token (see `csrf_token`)."""
    return csrf_token(client.get(path).get_data(as_text=True), action)
