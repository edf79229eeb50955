"""`liftrun advise FILE.json`: run the coaching engine on a hand-made file.

Meant for coaches checking the rules and for scripts, so its output is plain
JSON and every input problem is one readable line on stderr with exit status
2 (never a traceback). Only the engine is imported: no Flask start-up cost.
Besides goal and activities the file may carry zones, max_hr, weight_kg
(grams in the fuel sentence), language, training_status and earlier_pairs
(the week's pairs judged before, for the short form and the weekly fuel rule).
"""

from __future__ import annotations

import json
import math
import sys

import click

from plugin.coaching import EngineInputError, EngineOptions, evaluate
from plugin.coaching.errors import ConfigError
from plugin.coaching.messages import LANGUAGES, find_language
from plugin.coaching.options import default_rules

from plugin.cli.choices import UnknownChoice, check_sport_types
from plugin.cli.errors import EXIT_INTERNAL, EXIT_USAGE as EXIT_BAD_INPUT, fail


class BadInput(Exception):
    """An input problem, already worded for the one-line stderr report."""


def _read(source: str) -> str:
    try:
        if source == "-":
            return sys.stdin.read()
        with open(source, encoding="utf-8") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise BadInput(f"{source}: not UTF-8 text") from None
    except OSError as exc:
        raise BadInput(f"cannot read {source}: {exc.strerror or exc}") from None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _parse(text: str, source: str) -> dict:
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        raise BadInput(f"{source}: not valid JSON ({exc})") from None
    if isinstance(data, list):  # a bare activity list is accepted with --goal
        data = {"activities": data}
    if not isinstance(data, dict):
        raise BadInput(f"{source}: expected a JSON object with goal and activities")
    return data


def _type_names(data: dict, key: str, default: frozenset[str]) -> frozenset[str]:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BadInput(f"{key} must be a list of sport type names")
    try:
        check_sport_types(key, value, default_rules())
    except UnknownChoice as exc:
        raise BadInput(str(exc)) from None
    return frozenset(value)


def _optional_str(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise BadInput(f"{key} must be a string")
    return value


def build_request(data: dict, goal: str | None, language: str | None) -> dict:
    """Check the file's fields and turn them into evaluate() arguments."""
    rules = default_rules()
    goal = goal if goal is not None else data.get("goal")
    if goal is None:
        raise BadInput("missing field: goal (in the file or --goal)")
    if not isinstance(goal, str):
        raise BadInput("goal must be a string")
    if "activities" not in data:
        raise BadInput("missing field: activities")
    activities = data["activities"]
    if not isinstance(activities, list):
        raise BadInput("activities must be a list")
    window = data.get("window_hours", rules.window_hours)
    if isinstance(window, bool) or not isinstance(window, (int, float)) \
            or not math.isfinite(window) or window <= 0:
        raise BadInput(f"window_hours must be a positive number, got {window!r}")
    zones = data.get("zones")
    if zones is not None and not isinstance(zones, (dict, list)):
        raise BadInput("zones must be an object (Strava's athlete zones) or a list")
    options = EngineOptions(
        lift_types=_type_names(data, "lift_types", rules.lift_types),
        run_types=_type_names(data, "run_types", rules.run_types),
        window_hours=float(window),
        language=_language(language if language is not None else _optional_str(data, "language")),
        training_status=_optional_str(data, "training_status"),
    )
    earlier = data.get("earlier_pairs")
    if earlier is not None and not isinstance(earlier, list):
        raise BadInput("earlier_pairs must be a list of pairs")
    return {"activities": activities, "goal": goal, "zones": zones,
            "max_hr": data.get("max_hr"), "options": options,
            "weight_kg": data.get("weight_kg"), "earlier_pairs": earlier}


def _language(requested: str | None) -> str:
    """Pick the catalog for the requested language; a language without one is refused, never replaced."""
    if requested is None:
        return "en"
    found = find_language(requested)
    if found is None:
        raise BadInput(f"no advice texts for language {requested!r} "
                       f"(available: {', '.join(LANGUAGES)})")
    return found


def _fail(message: str, status: int) -> None:
    fail("advise", message, status)


def _dump(result: dict) -> str:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return json.dumps(result, indent=2, ensure_ascii=encoding not in ("utf8", "utf16", "utf32"))


@click.command("advise")
@click.argument("file", required=False, metavar="FILE.json")
@click.option("--goal", default=None, help="Override the file's goal "
              "(strength, hypertrophy, endurance, weight_loss, general).")
@click.option("--language", default=None,
              help=f"Language of the advice, overriding the file's ({', '.join(LANGUAGES)}).")
def advise(file: str | None, goal: str | None, language: str | None) -> None:
    """Pair the lifts and runs in FILE.json (- for stdin) and print the verdicts as JSON."""
    try:
        if file is None:
            raise BadInput("missing FILE.json argument (use - to read stdin)")
        request = build_request(_parse(_read(file), "stdin" if file == "-" else file),
                                goal, language)
        result = evaluate(request.pop("activities"), request.pop("goal"), **request)
    except (BadInput, EngineInputError) as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    except ConfigError as exc:
        _fail(f"configuration: {exc}", EXIT_INTERNAL)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user; still non-zero
        _fail(f"internal error: {type(exc).__name__}: {exc}", EXIT_INTERNAL)
    click.echo(_dump(result.to_dict()))
