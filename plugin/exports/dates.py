"""Parse the `Activity Date` cell of a Strava bulk export.

Strava writes this cell in UTC but formats it with the account's locale, so
one export may say "Jan 5, 2024, 6:01:33 PM" and another "5. Jan. 2024,
18:01:33" or "05.01.2024, 18:01:33". `strptime` with `%b` depends on the
process locale and cannot be trusted here, so month names are looked up in
our own table and the layout is matched with a few regular expressions.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone

# Keys are lower-case and accent-free; several languages share a key
# ("mar", "mai") and always mean the same month, so one table serves all.
_MONTH_NAMES = {
    1: "jan january januar janv janvier jän janner ene enero gen gennaio januari janeiro",
    2: "feb february februar fevr fevrier febrero febbraio februari fev fevereiro",
    3: "mar march marz maerz mars marzo mrt maart marco",
    4: "apr april avr avril abr abril aprile",
    5: "may mai mayo mag maggio mei maio",
    6: "jun june juni juin junio giu giugno junho",
    7: "jul july juli juil juillet julio lug luglio julho",
    8: "aug august aout ago agosto augustus",
    9: "sep sept september septembre septiembre set settembre setembro",
    10: "oct october okt oktober octobre octubre ott ottobre out outubro",
    11: "nov november novembre noviembre novembro",
    12: "dec december dez dezember decembre dic diciembre dicembre dezembro",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


MONTHS: dict[str, int] = {
    _fold(name): number for number, names in _MONTH_NAMES.items() for name in names.split()
}

_TIME = r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?(?:\s*(?P<ampm>[ap])\.?\s?m\.?)?"
_SEP = r"(?:,?\s+(?:at|um|à|a las|às|alle|om)\s+|,?\s+|,\s*|\s*T)"

_I = re.IGNORECASE
_NAME_FIRST = re.compile(
    rf"^(?P<mon>[^\W\d_]+)\.?\s+(?P<d>\d{{1,2}})\.?,?\s+(?P<y>\d{{4}}){_SEP}{_TIME}$", _I)
_DAY_FIRST = re.compile(
    rf"^(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?(?P<mon>[^\W\d_]+)\.?\s+(?:de\s+)?(?P<y>\d{{4}})"
    rf"{_SEP}{_TIME}$", _I)
_ISO = re.compile(
    rf"^(?P<y>\d{{4}})[-/](?P<m>\d{{1,2}})[-/](?P<d>\d{{1,2}}){_SEP}{_TIME}"
    r"(?:\s*(?:Z|UTC|\+00:?00))?$", _I)
_DOTTED = re.compile(rf"^(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}){_SEP}{_TIME}$", _I)
_SLASHED = re.compile(rf"^(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>\d{{4}}){_SEP}{_TIME}$", _I)


def _normalise(text: str) -> str:
    # CLDR-formatted dates put a narrow no-break space before "PM".
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def infer_slash_order(values) -> str:
    """Decide once per export whether "01/02/2024" is month- or day-first.

    A single cell cannot tell, but the whole column almost always can: any
    first number above 12 proves day-first, any second number above 12 proves
    month-first. Without proof, a 12-hour clock suggests the US layout.
    """
    saw_ampm = False
    for value in values:
        match = _SLASHED.match(_normalise(value or ""))
        if not match:
            continue
        if int(match["a"]) > 12:
            return "dmy"
        if int(match["b"]) > 12:
            return "mdy"
        saw_ampm = saw_ampm or bool(match["ampm"])
    return "mdy" if saw_ampm else "dmy"


def _clock(match: re.Match) -> tuple[int, int, int]:
    hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    ampm = match["ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("hour out of range for a 12-hour clock")
        hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
    return hour, minute, second


def parse_activity_date(text: str, *, slash_order: str = "mdy") -> datetime:
    """Return the aware UTC datetime of one `Activity Date` cell.

    Raises ValueError for anything we do not recognise: guessing a date
    would silently pair the wrong activities.
    """
    value = _normalise(text or "")
    for pattern in (_NAME_FIRST, _DAY_FIRST):
        match = pattern.match(value)
        if match:
            month = MONTHS.get(_fold(match["mon"]))
            if month is None:
                raise ValueError(f"unknown month name {match['mon']!r}")
            day, year = int(match["d"]), int(match["y"])
            break
    else:
        match = _ISO.match(value) or _DOTTED.match(value)
        if match:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        else:
            match = _SLASHED.match(value)
            if not match:
                raise ValueError("unrecognised date layout")
            first, second = int(match["a"]), int(match["b"])
            month, day = (first, second) if slash_order == "mdy" else (second, first)
            year = int(match["y"])
    hour, minute, second = _clock(match)
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


def to_strava_iso(moment: datetime) -> str:
    """Format like the Strava API's `start_date` ("2024-01-05T18:01:33Z")."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
