"""The sport types and languages the commands accept, and the refusal that lists them.

The same lists as the settings page (config/coaching.toml and the message
catalogs), so a typo like `Yoga` or `xx` is refused with the valid names
instead of quietly counting nothing or falling back to English.
"""

from __future__ import annotations

from collections.abc import Iterable

from plugin.coaching import LANGUAGES
from plugin.coaching.rules import Rules
from plugin.cli.errors import listing


class UnknownChoice(ValueError):
    """A value outside the valid list; the message names the list."""


def lift_type_choices(rules: Rules) -> tuple[str, ...]:
    return tuple(sorted(rules.lift_types)) + tuple(sorted(rules.optional_lift_types - rules.lift_types))


def run_type_choices(rules: Rules) -> tuple[str, ...]:
    return tuple(sorted(rules.run_types))


def check_sport_types(what: str, names: Iterable[str], rules: Rules) -> None:
    """Refuse names that are neither a lift nor a run type we know (overlaps are the engine's to refuse)."""
    known = set(lift_type_choices(rules)) | set(run_type_choices(rules))
    unknown = sorted(set(names) - known)
    if unknown:
        valid = lift_type_choices(rules) if "lift" in what else run_type_choices(rules)
        plural = "s" if len(unknown) > 1 else ""
        raise UnknownChoice(f"unknown sport type{plural} {listing(unknown)} in {what} "
                            f"(valid: {listing(valid)})")


def check_language(language: str) -> str:
    """`de`, `de-AT` and `DE` are fine when a German catalog exists; anything else is refused."""
    code = language.strip().lower().replace("_", "-")
    if code in LANGUAGES or code.split("-", 1)[0] in LANGUAGES:
        return language
    raise UnknownChoice(f"unknown language {language!r} (valid: {listing(LANGUAGES)})")
