"""Turn the toolkit's domain objects (dataclasses, enums, dates, numpy) into JSON values."""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np


def to_jsonable(value: Any, *, skip: frozenset[str] = frozenset()) -> Any:
    """A JSON-ready copy of ``value``: dataclass fields (minus ``skip``) become objects, enums
    their values, dates ISO 8601 text, durations seconds, NaN null, sets sorted lists."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name), skip=skip)
            for f in dataclasses.fields(value)
            if f.name not in skip
        }
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, skip=skip) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v, skip=skip) for v in value)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, skip=skip) for v in value]
    return str(value)
