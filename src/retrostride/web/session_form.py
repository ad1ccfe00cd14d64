"""The session form's fields: what a person types (in their units) -> the services' SI values.

Bare numbers take the person's units (km/h or mph, km or mi, kg or lb); a value may name its
own unit (``12:00/km``, ``5 mi``, ``20 lb``). Errors are keyed by the form field they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from retrostride.errors import InputError
from retrostride.log.model import Sport
from retrostride.science import units
from retrostride.science.locomotion import Direction, Setting
from retrostride.services.session_entry import (
    MAX_SEGMENTS,
    SegmentEntry,
    SegmentInputError,
    SessionEntry,
)
from retrostride.web.prefs import Prefs

SPORTS = [s.value for s in Sport]
SETTINGS = [s.value for s in Setting]
DIRECTIONS = [d.value for d in Direction if d is not Direction.MIXED]
SEGMENT_KEYS = ("duration", "direction", "distance", "speed", "grade", "load", "sled")

LABELS = {
    "sport": "Sport", "setting": "Setting", "surface": "Surface", "start": "Start",
    "title": "Title", "notes": "Notes", "rpe": "Effort", "pain_before": "Pain before",
    "pain_after": "Pain after", "duration": "Duration", "direction": "Direction",
    "distance": "Distance", "speed": "Speed or pace", "grade": "Grade", "load": "Carried load",
    "sled": "Sled mass",
}
"""Form labels by form field; a segment's field is shown as "Segment N: label"."""

DOMAIN_TO_FORM = {
    "rpe": "rpe", "pain_before": "pain_before", "pain_after": "pain_after", "sport": "sport",
    "surface": "surface", "title": "title", "duration_s": "duration", "distance_m": "distance",
    "speed_m_s": "speed", "grade_percent": "grade", "load_kg": "load", "sled_kg": "sled",
    "segment": "direction", "segments": "form",
}


def label_of(name: str) -> str:
    """The label of a form field (``seg-1-speed`` -> "Segment 2: Speed or pace")."""
    match = re.fullmatch(r"seg-(\d+)-(\w+)", name)
    if match:
        return f"Segment {int(match.group(1)) + 1}: {LABELS.get(match.group(2), match.group(2))}"
    return LABELS.get(name, name.replace("_", " ").capitalize())


def error_text(name: str, exc: InputError) -> str:
    return f"{label_of(name)}: {exc.value_text} is not accepted; expected {exc.expected}."


def _with_unit(text: str, unit: str) -> str:
    """A bare number gets the person's unit; a value naming a unit or pace keeps it."""
    return text if re.search(r"[A-Za-z:/%]", text) else f"{text} {unit}"


@dataclass(slots=True)
class ParsedForm:
    """What the form said: an entry when every field parsed, else errors by form field."""

    values: dict[str, str]
    segment_count: int
    errors: dict[str, str] = field(default_factory=dict)
    entry: SessionEntry | None = None


def segment_count(form: Mapping[str, str]) -> int:
    indices = [int(m.group(1)) for k in form if (m := re.fullmatch(r"seg-(\d+)-duration", k))]
    return max(1, min(MAX_SEGMENTS, max(indices, default=0) + 1))


def parse_local(text: str, zone: str) -> tuple[datetime, int]:
    """``2024-05-01T07:30`` in the person's zone -> (UTC start, UTC offset [s])."""
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError as exc:
        raise InputError("start", text, "a date and time like 2024-05-01 07:30") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    offset = moment.utcoffset()
    return moment.astimezone(UTC), int(offset.total_seconds()) if offset else 0


def parse_form(raw: Mapping[str, str], prefs: Prefs) -> ParsedForm:
    """Parse the session form (every field checked; all errors reported at once)."""
    values = {k: str(v)[:10_000 if k == "notes" else 200].strip() for k, v in raw.items()
              if k != "csrf_token"}
    out = ParsedForm(values, segment_count(values))
    errors = out.errors

    def parse(name: str, fn: Callable[[str], float]) -> float | None:
        text = values.get(name, "")
        if not text:
            return None
        try:
            return fn(text)
        except InputError as exc:
            errors[name] = error_text(name, exc)
            return None

    def parse_unit(name: str, parser: Callable[..., float], unit: str) -> float | None:
        """A unit parser on the field's text; a bare number takes ``unit``."""
        return parse(name, lambda t: parser(_with_unit(t, unit) if unit else t, field=name))

    def scale(name: str) -> float | None:
        def fn(text: str) -> float:
            try:
                number = float(text)
            except ValueError:
                raise InputError(name, text, "a number from 0 to 10") from None
            if not 0 <= number <= 10:
                raise InputError(name, text, "a number from 0 to 10")
            return number
        return parse(name, fn)

    sport = values.get("sport", "walking") or "walking"
    if sport not in SPORTS:
        errors["sport"] = f"Sport: choose one of {', '.join(SPORTS)}."
    setting = values.get("setting", "overground") or "overground"
    if setting not in SETTINGS:
        errors["setting"] = f"Setting: choose one of {', '.join(SETTINGS)}."
    surface = values.get("surface") or None
    start_text = values.get("start", "")
    start: tuple[datetime, int] | None = None
    if start_text:
        try:
            start = parse_local(start_text, prefs.time_zone)
        except InputError as exc:
            errors["start"] = error_text("start", exc)
    else:
        now = datetime.now(UTC).replace(microsecond=0)
        offset = now.astimezone(ZoneInfo(prefs.time_zone)).utcoffset()
        start = (now, int(offset.total_seconds()) if offset else 0)
    rpe, pain_before, pain_after = scale("rpe"), scale("pain_before"), scale("pain_after")
    segments = []
    for i in range(out.segment_count):
        key = f"seg-{i}-"
        if not values.get(key + "duration"):
            errors[key + "duration"] = f"{label_of(key + 'duration')}: enter a duration, e.g. 30."
            continue
        duration = parse_unit(key + "duration", units.parse_duration_s, "")
        direction = values.get(key + "direction", "backward") or "backward"
        if direction not in DIRECTIONS:
            errors[key + "direction"] = (
                f"{label_of(key + 'direction')}: choose one of {', '.join(DIRECTIONS)}."
            )
            direction = "backward"
        distance = parse_unit(key + "distance", units.parse_distance_m, prefs.distance_unit)
        speed = parse_unit(key + "speed", units.parse_speed_m_s, prefs.speed_unit)
        grade = parse_unit(key + "grade", units.parse_grade_percent, "%")
        load = parse_unit(key + "load", units.parse_mass_kg, prefs.mass_unit)
        sled = parse_unit(key + "sled", units.parse_mass_kg, prefs.mass_unit)
        if duration is not None:
            segments.append(SegmentEntry(
                duration_s=duration, direction=Direction(direction), distance_m=distance,
                speed_m_s=speed, grade_percent=grade, load_kg=load, sled_kg=sled,
            ))
    if not errors and start is not None:
        out.entry = SessionEntry(
            sport=sport, start_utc=start[0], utc_offset_s=start[1], segments=tuple(segments),
            setting=Setting(setting), surface=surface, title=values.get("title") or None,
            notes=values.get("notes", ""), rpe=rpe, pain_before=pain_before,
            pain_after=pain_after,
        )
    return out


def service_error(exc: InputError) -> tuple[str, str]:
    """A service's refusal as (form field, text); a segment's field points at its segment."""
    name = DOMAIN_TO_FORM.get(exc.field, "form")
    if name in SEGMENT_KEYS:
        name = f"seg-{exc.segment if isinstance(exc, SegmentInputError) else 0}-{name}"
    text = f"{exc.value_text} is not accepted; expected {exc.expected}."
    return name, (f"{label_of(name)}: {text}" if name != "form" else text)
