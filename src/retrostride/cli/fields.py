"""The command line's words for the domain's fields: ``body_mass_kg`` is ``--mass`` here.

Services raise :class:`~retrostride.errors.InputError` naming the domain field; the CLI says
the option a person typed. A field without an option here is shown as it is.
"""

from __future__ import annotations

import re

from retrostride.errors import InputError

FLAG_OF_FIELD: dict[str, str] = {
    "body_mass_kg": "--mass",
    "mass_kg": "--mass",
    "height_m": "--height",
    "birth_year": "--birth-year",
    "home_time_zone": "--time-zone",
    "age_years": "--age",
    "sex": "--sex",
    "speed_m_s": "--speed",
    "grade_percent": "--grade",
    "load_kg": "--load",
    "sled_kg": "--sled",
    "duration_s": "--duration",
    "distance_m": "--distance",
    "sport": "--sport",
    "direction": "--direction",
    "setting": "--setting",
    "surface": "--surface",
    "gait": "--gait",
    "segment": "--segment",
    "rpe": "--rpe",
    "pain_before": "--pain-before",
    "pain_after": "--pain-after",
    "start_utc": "--start",
    "workers": "--workers",
    "scheduler": "--scheduler",
    "placement": "--placement",
    "sensor_height_m": "--sensor-height",
    "format": "--format",
    "email": "EMAIL",  # the admin commands' argument
    "data_dir": "--data",
    "speed": "--speed",
    "grade": "--grade",
    "mass": "--mass",
    "load": "--load",
    "sled": "--sled",
    "rmr_equation": "--rmr-equation",
    "edition": "--edition",
    "code": "--code",
    "age": "--age",
    "height": "--height",
    "duration": "--duration",
    "pace": "--stairs",
    "equation": "--rmr-equation",
}


COMMAND_AFTER_ERROR: dict[str, str] = {
    "NotEnrolled": "retrostride program start",
}
"""The command that helps after a service's refusal (by the exception's class name: the CLI
does not import the services it does not run)."""


def flag(field: str) -> str:
    """The option that sets ``field`` (a field already named as an option stays as it is)."""
    return FLAG_OF_FIELD.get(field, field)


def message(exc: InputError) -> str:
    """The error in the CLI's words: ``--mass: 0 is not valid; expected ...``."""
    return f"{flag(exc.field)}: {exc.value_text} is not valid; expected {exc.expected}"


_FIELD_NAMES = re.compile(r"\b(" + "|".join(
    re.escape(f) for f in sorted(FLAG_OF_FIELD, key=len, reverse=True) if "_" in f
) + r")\b")
"""The domain's field names (those with an underscore: never an ordinary word) in free text."""


def words(text: str) -> str:
    """A message from below (a warning of an analysis) with each domain field name replaced
    by its option: ``give sensor_height_m`` -> ``give --sensor-height``."""
    return _FIELD_NAMES.sub(lambda m: flag(m.group(1)), text)


def refusal(exc: Exception) -> str:
    """A service's refusal, with the command that helps where there is one."""
    command = COMMAND_AFTER_ERROR.get(type(exc).__name__)
    return f"{exc} ({command})" if command else str(exc)
