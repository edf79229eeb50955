"""The athlete's calendar week, as far as the advice text needs it.

Two rules of the second edition look back over the week: a repeated verdict
may get a short form ("Same smart setup as Tuesday: …"), and the fuel
sentence for gaps of 3 h or more comes at most once a week. The engine stays
pure, so the earlier pairs arrive as plain data from the caller; pairs judged
in the same evaluate() call join them in start order, which keeps the result
independent of how the caller split its work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .activities import parse_start
from .codes import VERDICTS
from .errors import EngineInputError
from .rules import Rules


@dataclass(frozen=True)
class EarlierPair:
    later_start: int     # epoch seconds of the pair's later activity
    verdict: str
    gap_s: int
    key: tuple[int, int] | None = None  # (lift_id, run_id) when the caller knows it


def _int_or_none(value: Any, field: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EngineInputError(f"{where}: {field} must be an integer")
    return value


def parse_earlier_pairs(items: Any) -> list[EarlierPair]:
    if items is None:
        return []
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise EngineInputError("earlier_pairs must be a list of pair objects")
    parsed = []
    for index, item in enumerate(items):
        where = f"earlier pair #{index + 1}"
        if not isinstance(item, Mapping):
            raise EngineInputError(f"{where} must be an object")
        verdict = item.get("verdict")
        if verdict not in VERDICTS:
            raise EngineInputError(f"{where}: unknown verdict {verdict!r}")
        if item.get("later_start") in (None, ""):
            raise EngineInputError(f"{where}: missing later_start")
        gap = _int_or_none(item.get("gap_minutes"), "gap_minutes", where)
        if gap is None or gap < 0:
            raise EngineInputError(f"{where}: gap_minutes must be a non-negative integer")
        lift_id = _int_or_none(item.get("lift_id"), "lift_id", where)
        run_id = _int_or_none(item.get("run_id"), "run_id", where)
        key = (lift_id, run_id) if lift_id is not None and run_id is not None else None
        parsed.append(EarlierPair(parse_start(item["later_start"], where), verdict, gap * 60, key))
    return parsed


class WeekHistory:
    """Pairs seen so far, looked up by the calendar week of their later activity."""

    def __init__(self, earlier: list[EarlierPair], zone: dt.tzinfo, exclude: set[tuple[int, int]]):
        self.zone = zone
        # By calendar week, so each look-up scans one week, not the whole history.
        self.by_week: dict[tuple[int, int], list[EarlierPair]] = {}
        for pair in earlier:
            if pair.key is None or pair.key not in exclude:  # judged again in this call
                self.by_week.setdefault(self._week(pair.later_start), []).append(pair)

    def _local(self, epoch: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).astimezone(self.zone)

    def _week(self, epoch: int) -> tuple[int, int]:
        iso = self._local(epoch).isocalendar()
        return iso[0], iso[1]

    def _same_week_before(self, epoch: int) -> list[EarlierPair]:
        return [p for p in self.by_week.get(self._week(epoch), ()) if p.later_start < epoch]

    def previous(self, epoch: int) -> EarlierPair | None:
        """Return the week's latest pair before this moment (ties: the one seen last)."""
        earlier = self._same_week_before(epoch)
        if not earlier:
            return None
        latest = max(p.later_start for p in earlier)
        return [p for p in earlier if p.later_start == latest][-1]

    def fuel_given_for_spaced_gaps(self, epoch: int, rules: Rules) -> bool:
        """Did an earlier pair this week (gap 3 h to < 8 h) already carry the fuel sentence?

        The first such pair of a week always gets it, so "there was one" is enough.
        """
        return any(rules.close_gap_below_s <= p.gap_s < rules.fuel_below_s
                   for p in self._same_week_before(epoch))

    def weekday(self, epoch: int) -> int:
        return self._local(epoch).weekday()

    def same_day(self, first: int, second: int) -> bool:
        return self._local(first).date() == self._local(second).date()

    def add(self, epoch: int, verdict: str, gap_s: int) -> None:
        self.by_week.setdefault(self._week(epoch), []).append(EarlierPair(epoch, verdict, gap_s))
