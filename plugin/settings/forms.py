"""Server-side validation of the settings form: any bad value refuses the whole form."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange

from plugin.models import GOALS, MODES

GOAL_LABELS = {
    "strength": "Strength — lift heavier",
    "hypertrophy": "Hypertrophy — build muscle",
    "endurance": "Endurance — run better",
    "weight_loss": "Weight loss — manage body weight",
    "general": "General fitness — a bit of both",
}
MODE_LABELS = {
    "write": "Write advice to Strava",
    "preview": "Preview only (never written to Strava)",
    "paused": "Paused (no Strava calls at all)",
}


class SettingsForm(FlaskForm):
    goal = RadioField(
        "Goal",
        choices=[(g, GOAL_LABELS[g]) for g in GOALS],
        validators=[InputRequired(message="Choose one of the goals.")],
    )
    mode = SelectField("Mode", choices=[(m, MODE_LABELS[m]) for m in MODES], default="write")
    window_hours = IntegerField(
        "Pairing window (hours)",
        default=24,
        validators=[NumberRange(min=1, max=72, message="Use a whole number of hours from 1 to 72.")],
    )
