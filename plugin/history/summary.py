"""The weekly line on the history page: "This week: 3 pairs, 2 well separated, 1 cool-down too long".

"This week" is the calendar week, Monday first, in the athlete's time zone
(contract). Pure functions over (later_start, verdict) so they are testable
without a database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from plugin.coaching.codes import VERDICTS
from plugin.history.verdicts import VERDICT_PHRASES

UTC = dt.timezone.utc


def week_start(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Monday 00:00 (local, aware) of the calendar week containing `moment`."""
    local = moment.astimezone(zone)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return dt.datetime.combine(monday, dt.time(0, 0), tzinfo=zone)


def week_bounds(now: dt.datetime, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) in local time, as aware UTC datetimes.

    Built from local dates so a week that crosses a daylight-saving change is
    still Monday to Monday (167 or 169 hours).
    """
    start = week_start(now, zone)
    end = dt.datetime.combine(start.date() + dt.timedelta(days=7), dt.time(0, 0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def in_week(moment: dt.datetime | None, bounds: tuple[dt.datetime, dt.datetime]) -> bool:
    return moment is not None and bounds[0] <= moment < bounds[1]


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def phrase_counts(verdicts: Iterable[str]) -> str:
    """"3 pairs, 2 well separated, 1 cool-down too long" (most frequent first)."""
    verdicts = list(verdicts)
    if not verdicts:
        return "no pairs yet"
    by_phrase: Counter[tuple[str, str]] = Counter()
    first_seen: dict[tuple[str, str], int] = {}
    for verdict in verdicts:
        words = VERDICT_PHRASES.get(verdict, (verdict.replace("_", " "), verdict.replace("_", " ")))
        by_phrase[words] += 1
        rank = VERDICTS.index(verdict) if verdict in VERDICTS else len(VERDICTS)
        first_seen[words] = min(first_seen.get(words, rank), rank)
    parts = [_plural(len(verdicts), "pair", "pairs")]
    for words, count in sorted(by_phrase.items(), key=lambda item: (-item[1], first_seen[item[0]])):
        parts.append(_plural(count, *words))
    return ", ".join(parts)


def weekly_line(pairs: Iterable[tuple[dt.datetime | None, str]], now: dt.datetime, zone: dt.tzinfo) -> str:
    """`pairs` are (later activity's UTC start, verdict code)."""
    bounds = week_bounds(now, zone)
    return "This week: " + phrase_counts(verdict for start, verdict in pairs if in_week(start, bounds))
