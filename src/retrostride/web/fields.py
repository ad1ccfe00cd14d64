"""The pages' words for the domain's fields: ``body_mass_kg`` is "Body mass" on a form.

Services raise :class:`~retrostride.errors.InputError` naming the domain field; a page shows
the label of the form field beside which the message belongs.
"""

from __future__ import annotations

import re

from retrostride.errors import InputError

REMEDY_WORDS: dict[str, str] = {
    "salvage": "to keep the valid part, tick \u201cSalvage damaged files\u201d and upload it again",
    "allow_duplicate": (
        "to keep it anyway, tick \u201cImport probable duplicates too\u201d and upload it again"
    ),
    "raise_size_limit": "the server does not take files this large",
}
"""The upload page's words for what a person can do about a file not imported (the import's
``remedy``: ``services.import_results.Remedy``); never a command-line option."""

LABEL_OF_FIELD: dict[str, str] = {
    "body_mass_kg": "Body mass",
    "mass_kg": "Body mass",
    "height_m": "Height",
    "birth_year": "Year of birth",
    "home_time_zone": "Time zone",
    "age_years": "Age",
    "sex": "Sex",
    "speed_m_s": "Speed",
    "grade_percent": "Grade",
    "load_kg": "Load carried",
    "sled_kg": "Sled mass",
    "duration_s": "Duration",
    "direction": "Direction",
    "setting": "Setting",
    "surface": "Surface",
    "gait": "Gait",
    "segment": "Segment",
    "rpe": "Effort (RPE)",
    "pain_before": "Pain before",
    "pain_after": "Pain after",
    "start_utc": "Start",
    "sensor_height_m": "Sensor height",
    "placement": "Where the sensor was worn",
    "mounting": "Device axes",
    "session_id": "Session",
    "offset_s": "Offset",
    "trial": "Trial",
    "date_from": "From",
    "date_to": "To",
    "distance_m": "Distance",
    "moving_s": "Moving time",
    "sport": "Sport",
    "hide_m": "Privacy zone",
}


def label(field: str) -> str:
    """The form label of ``field`` (its own name, made readable, when it has none here)."""
    return LABEL_OF_FIELD.get(field, field.replace("_", " ").capitalize())


def message(exc: InputError) -> str:
    """The error in a form's words: ``Body mass: 0 is not accepted; expected ...``."""
    return f"{label(exc.field)}: {exc.value_text} is not accepted; expected {exc.expected}."


_FIELD_NAMES = re.compile(r"\b(" + "|".join(
    re.escape(f) for f in sorted(LABEL_OF_FIELD, key=len, reverse=True) if "_" in f
) + r")\b")
"""The domain's field names (those with an underscore: never an ordinary word) in free text."""


def words(text: str) -> str:
    """A message from below (a warning of an analysis) with each domain field name it names
    replaced by its form label in quotes: ``give sensor_height_m`` -> ``give “Sensor
    height”``."""
    return _FIELD_NAMES.sub(lambda m: f"\u201c{label(m.group(1))}\u201d", text)
