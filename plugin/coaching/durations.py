"""How every surface writes a gap or a threshold: Strava descriptions, the site, the chart, the CLI.

One spelling everywhere ("2 h 5 min", "45 min", "1.5 h"), so an athlete who
reads "3 h" in the advice finds "3 h" on the chart and in `liftrun analyze`.
The unit symbols read the same in every shipped language; only the decimal
separator is the catalog's.
"""

from __future__ import annotations


def format_number(value: float, separator: str = ".") -> str:
    """Write 2 as "2" and 2.5 as "2.5" (one decimal at most), with the catalog's separator."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", separator)


def format_hours(seconds: float, separator: str = ".") -> str:
    """Write a threshold in hours, without the unit: 16200 → "4.5"."""
    return format_number(seconds / 3600, separator)


def format_gap(seconds: int) -> str:
    """Write a gap in hours and minutes: "2 h 50 min", "1 h", "45 min"."""
    hours, minutes = divmod(int(seconds) // 60, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
