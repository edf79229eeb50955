"""`liftrun analyze EXPORT`: what a whole Strava bulk export says about the athlete.

Exit codes: 0 on success (even with skipped rows, which are warnings on
stderr), 1 when the result cannot be written or the engine's configuration is
broken, 2 when the export cannot be read at all or an option is invalid. Every
error is one line on stderr; a traceback would be useless to an athlete.
"""

from __future__ import annotations

import json
import sys

import click

from plugin.cli.choices import UnknownChoice, check_language, check_sport_types
from plugin.cli.errors import EXIT_INTERNAL, EXIT_USAGE, PROG, fail, warn
from plugin.coaching import GOALS, EngineInputError, EngineOptions
from plugin.coaching.options import default_rules
from plugin.exports import ExportError, load_export
from plugin.exports.analysis import analyse
from plugin.exports.sport_types import parse_type_list
from plugin.exports.summary import render, summarise, workout_hint

MAX_WARNINGS_SHOWN = 20
PROGRESS_MIN_ROWS = 500


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _progress(rows):
    """Show a progress bar for long exports, only where a person is watching."""
    if len(rows) < PROGRESS_MIN_ROWS or not _stderr_is_tty():
        yield from rows
        return
    with click.progressbar(rows, label="Reading export", file=sys.stderr) as bar:
        yield from bar


COMMAND = "analyze"


def _fail(code: int, message: str) -> None:
    fail(COMMAND, message, code)


def _warn_rows(warnings, what: str) -> None:
    for warning in warnings[:MAX_WARNINGS_SHOWN]:
        warn(COMMAND, f"{what} {warning.row}: {warning.message}")
    hidden = len(warnings) - MAX_WARNINGS_SHOWN
    if hidden > 0:
        warn(COMMAND, f"{hidden} more {what} warnings not shown")


def _options(window_hours, lift_types, run_types, language) -> EngineOptions:
    rules = default_rules()
    overrides = {"language": check_language(language)}
    if window_hours is not None:
        overrides["window_hours"] = window_hours
    lifts, runs = parse_type_list(lift_types), parse_type_list(run_types)
    if lifts is not None:
        check_sport_types("--lift-types", lifts, rules)
        overrides["lift_types"] = lifts
    if runs is not None:
        check_sport_types("--run-types", runs, rules)
        overrides["run_types"] = runs
    options = EngineOptions(**overrides)
    options.validate()
    return options


@click.command("analyze")
@click.argument("export", metavar="EXPORT")
@click.option("--goal", type=click.Choice(GOALS), default="general", show_default=True,
              help="The athlete's goal the pairs are judged against.")
@click.option("--window-hours", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Pairing window in hours (default: the coach's config, 24).")
@click.option("--lift-types", default=None, metavar="TYPES",
              help="Comma-separated lift sport types, e.g. WeightTraining,Crossfit,Workout.")
@click.option("--run-types", default=None, metavar="TYPES",
              help="Comma-separated run sport types, e.g. Run,TrailRun,VirtualRun.")
@click.option("--language", default="en", show_default=True,
              help="Language of the per-pair advice texts.")
@click.option("--max-hr", type=click.IntRange(100, 250), default=None,
              help="The athlete's max heart rate, so runs with HR can be judged "
                   "against Zone 2 (a generic estimate: 70 % of max HR).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the per-pair records as a JSON list instead of the summary.")
@click.option("--plot", "plot_path", default=None, metavar="FILE.png",
              help="Also draw gap (hours) against date, coloured by verdict.")
def analyze(export, goal, window_hours, lift_types, run_types, language, max_hr, as_json,
            plot_path):
    """Summarise a Strava bulk export: activities.csv, the export .zip, or a JSON list.

    Rows that cannot be read are skipped with a warning naming the row.
    """
    try:
        options = _options(window_hours, lift_types, run_types, language)
    except (EngineInputError, UnknownChoice) as exc:
        _fail(EXIT_USAGE, str(exc))
    try:
        result = load_export(export, progress=_progress)
    except ExportError as exc:
        _fail(EXIT_USAGE, str(exc))
    except Exception as exc:  # noqa: BLE001 - any input may be hostile
        _fail(EXIT_USAGE, f"cannot read {export}: {type(exc).__name__}: {exc}")
    _warn_rows(result.warnings, result.unit)

    try:
        analysis = analyse(result.activities, goal, options, max_hr=max_hr)
    except EngineInputError as exc:
        _fail(EXIT_USAGE, str(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. the coach's config is broken
        _fail(EXIT_INTERNAL, f"the coaching engine failed: {type(exc).__name__}: {exc}")
    for activity_id, reason in analysis.refused[:MAX_WARNINGS_SHOWN]:
        warn(COMMAND, f"activity {activity_id} not evaluated: {reason}")

    summary = summarise(analysis, source=result.source, rows_skipped=result.skipped)
    if as_json:
        click.echo(json.dumps(analysis.records, indent=2, ensure_ascii=False, default=str))
        hint = workout_hint(summary)
        if hint:
            click.echo(f"{PROG} {COMMAND}: hint: {hint}", err=True)
    else:
        click.echo(render(summary))

    if plot_path:
        from plugin.exports.plot import plot_gaps

        try:
            plot_gaps(analysis.records, analysis.by_id, plot_path,
                      title=f"Gap between lifting and running (goal: {goal})")
        except (OSError, ValueError) as exc:
            _fail(EXIT_INTERNAL, f"cannot write plot {plot_path}: {exc}")
        if not as_json:
            click.echo(f"\nPlot written to {plot_path}")
