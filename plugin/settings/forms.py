"""Server-side validation of the settings form: any bad value refuses the whole form.

A field missing from a submission keeps its stored value (scripts may post
only `goal`); the page's own form always sends every field. Checkbox groups
carry a hidden empty value so that "nothing ticked" is told apart from "not
sent" and refused.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation, ValidationError

from plugin.coaching import LANGUAGES
from plugin.coaching.codes import GOALS, TRAINING_STATUSES
from plugin.coaching.durations import format_number
from plugin.coaching.messages import goal_hints, load_catalog
from plugin.coaching.options import default_rules
from plugin.models import MODES

_RULES = default_rules()
ZONE2_PERCENT = format_number(round(_RULES.zone2_max_hr_fraction * 100, 1))

GOAL_LABELS = {
    "strength": "Strength — lift heavier",
    "hypertrophy": "Hypertrophy — build muscle",
    "endurance": "Endurance — run better",
    "weight_loss": "Weight loss — manage body weight",
    "general": "General fitness — a bit of both",
}
# The hints make the advice's claims, so their texts live in the message catalogs
# (translated there); goal_hints(language) gives them in another language.
GOAL_HINTS = goal_hints("en")
MODE_LABELS = {
    "write": "Write advice to Strava",
    "preview": "Preview only (never written to Strava)",
    "paused": "Paused (no Strava calls at all)",
}
MODE_HINTS = {
    "write": "Advice is added below your own text in the later activity's description.",
    "preview": "Pairs are judged and shown in your history here, but nothing is written to Strava. "
               "Switching back to write does not rewrite older pairs.",
    "paused": "We make no Strava calls and ignore new uploads until you switch back.",
}
TRAINING_STATUS_LABELS = {
    "": "Not set",
    "beginner": "Beginner (less than about a year of regular lifting)",
    "trained": "Trained",
}
TRAINING_STATUS_HINTS = {
    "": "The advice does not assume either.",
    "beginner": "Interference is usually small in beginners; the advice says so.",
    "trained": "Trained lifters lose more when lifting and running share a session.",
}
SPORT_LABELS = {
    "WeightTraining": "Weight training",
    "Crossfit": "CrossFit",
    "Workout": "Workout",
    "HighIntensityIntervalTraining": "HIIT (high-intensity interval training)",
    "Run": "Run",
    "TrailRun": "Trail run",
    "VirtualRun": "Virtual run (treadmill)",
}
_LIFT_ORDER = ("WeightTraining", "Crossfit", "Workout", "HighIntensityIntervalTraining")
_RUN_ORDER = ("Run", "TrailRun", "VirtualRun")


def _ordered(names, preferred) -> list[str]:
    return [n for n in preferred if n in names] + sorted(n for n in names if n not in preferred)


LIFT_TYPES = _ordered(_RULES.lift_types | _RULES.optional_lift_types, _LIFT_ORDER)
RUN_TYPES = _ordered(_RULES.run_types, _RUN_ORDER)


def language_name(code: str) -> str:
    meta = load_catalog(code).get("meta", {})
    return str(meta.get("name") or code)


def _optional_str(value) -> str:
    return "" if value is None else str(value)


class CheckboxGroup(SelectMultipleField):
    """Ticked boxes; the hidden empty value only marks that the group was sent."""

    def process_formdata(self, valuelist):
        if valuelist:
            super().process_formdata([v for v in valuelist if v != ""])

    def pre_validate(self, form):
        known = {value for value, _ in self.choices}
        unknown = [value for value in self.data or () if value not in known]
        if unknown:
            raise StopValidation(f"Unknown sport type: {', '.join(unknown)}. Tick the types listed here.")


# ASCII digits only, and few of them: int() would also take "٣", "２４" or a
# 400-digit number, none of which anyone means by a number of hours or beats.
MAX_WHOLE_NUMBER_DIGITS = 6
_WHOLE_NUMBER = re.compile(rf"[0-9]{{1,{MAX_WHOLE_NUMBER_DIGITS}}}")


class WholeNumberField(IntegerField):
    """An integer field that parses defensively; its parse error says what to enter."""

    def __init__(self, *args, parse_message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.parse_message = parse_message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            self.data = None
            raise ValueError(self.parse_message)
        self.data = int(text)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # the parse error says it all; no second message


class OptionalWholeNumberField(WholeNumberField):
    """Like WholeNumberField, but an empty box means "not set" (None)."""

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata(valuelist)


def _timezone_choices() -> list[tuple[str, str]]:
    from zoneinfo import available_timezones

    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [("", "Automatic (from your latest Strava activity)")] + [(z, z.replace("_", " ")) for z in zones] + [
        ("UTC", "UTC")
    ]


TIMEZONE_CHOICES = _timezone_choices()

MAX_HR_MESSAGE = "Use a whole number of beats per minute from 100 to 230, or leave it empty."


def _refuse_repeated(form, field):
    raise StopValidation("This field was sent more than once; send it once.")


def at_least_one(message: str):
    def check(form, field):
        if not field.data:
            raise ValidationError(message)

    return check


class SettingsForm(FlaskForm):
    goal = RadioField(
        "Goal",
        choices=[(g, GOAL_LABELS[g]) for g in GOALS],
        validators=[InputRequired(message="Choose one of the goals.")],
    )
    training_status = RadioField(
        "Training status (optional)",
        choices=[(s, TRAINING_STATUS_LABELS[s]) for s in ("",) + TRAINING_STATUSES],
        coerce=_optional_str,
        default="",
    )
    lift_types = CheckboxGroup(
        "Count as lifting",
        choices=[(t, SPORT_LABELS.get(t, t)) for t in LIFT_TYPES],
        validators=[at_least_one("Tick at least one lifting type.")],
    )
    run_types = CheckboxGroup(
        "Count as running",
        choices=[(t, SPORT_LABELS.get(t, t)) for t in RUN_TYPES],
        validators=[at_least_one("Tick at least one running type.")],
    )
    window_hours = WholeNumberField(
        "Pairing window (hours)",
        parse_message="Use a whole number of hours from 1 to 72.",
        default=24,
        validators=[NumberRange(min=1, max=72, message="Use a whole number of hours from 1 to 72.")],
    )
    max_hr = OptionalWholeNumberField(
        "Maximum heart rate (optional)",
        parse_message=MAX_HR_MESSAGE,
        validators=[Optional(), NumberRange(min=100, max=230, message=MAX_HR_MESSAGE)],
    )
    timezone = SelectField(
        "Time zone for dates and \"this week\"",
        choices=TIMEZONE_CHOICES,
        coerce=_optional_str,
        default="",
    )
    language = SelectField("Language of the advice", choices=[(c, language_name(c)) for c in LANGUAGES])
    mode = RadioField(
        "Mode",
        choices=[(m, MODE_LABELS[m]) for m in MODES],
        default="write",
    )

    def __init__(self, *args, settings=None, **kwargs):
        if settings is not None:
            # Not `obj=`: WTForms prefers obj over keyword data, and the sport
            # types are stored as comma strings but edited as lists.
            kwargs.setdefault("data", {
                "goal": settings.goal,
                "training_status": settings.training_status or "",
                "lift_types": [t for t in LIFT_TYPES if t in settings.lift_type_set],
                "run_types": [t for t in RUN_TYPES if t in settings.run_type_set],
                "window_hours": settings.window_hours,
                "max_hr": settings.max_hr,
                "timezone": settings.timezone or "",
                "language": settings.language,
                "mode": settings.mode,
            })
        super().__init__(*args, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        """Every field is checked on its own, and a single-value field sent twice is refused (not first-wins)."""
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for field in self:
            if not isinstance(field, SelectMultipleField) and field.raw_data and len(field.raw_data) > 1:
                extra.setdefault(field.name, []).append(_refuse_repeated)
        return super().validate(extra_validators=extra)

    def apply_to(self, settings) -> None:
        """Store the validated values (only call after validate())."""
        settings.goal = self.goal.data
        settings.training_status = self.training_status.data or None
        settings.lift_types = ",".join(_ordered(set(self.lift_types.data), LIFT_TYPES))
        settings.run_types = ",".join(_ordered(set(self.run_types.data), RUN_TYPES))
        settings.window_hours = self.window_hours.data
        settings.athlete.max_hr = self.max_hr.data
        settings.timezone = self.timezone.data or None
        settings.language = self.language.data
        settings.mode = self.mode.data
