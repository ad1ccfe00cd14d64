"""The in-memory IMU recording: channels in SI units, sampling rate, placement and frame.

Coordinate frame (written down once; every loader converts into it, every algorithm relies on it)
-------------------------------------------------------------------------------------------------
A right-handed *body frame* fixed to the segment the sensor is strapped to, as the person stands
upright:

- ``x``: anterior, the way the person *faces* (not the way they travel: walking backward, the
  person moves towards -x);
- ``y``: to the person's left;
- ``z``: up (superior).

For a foot sensor the same axes are those of the foot standing flat: x towards the toes, y to the
person's left, z up. Accelerometers report specific force: standing still, ``acc[:, 2]`` is about
+9.81 m/s^2. Gyroscopes report angular rate about those axes, right-hand rule, in rad/s.

A phone carried anywhere has no known mounting: its ``frame`` is ``"device"`` and only
orientation-free quantities (the acceleration norm) are used from it. A lower-back sensor whose
mounting is unknown (``frame="device"``) still gives steps, cadence and stride length (from the
axis that carries gravity), but no walking direction.

Two foot sensors travel together as a :class:`FootPair` (left and right, same sampling rate).

Loaders never put reference or ground-truth data in the channels; those go to ``reference``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

STANDARD_GRAVITY_M_S2 = 9.80665
"""Standard acceleration of gravity [m/s^2] (CGPM 1901; ISO 80000-3)."""


class Placement(StrEnum):
    """Where the sensor is worn."""

    LOWER_BACK = "lower-back"
    FOOT = "foot"
    PHONE = "phone"


class Frame(StrEnum):
    """``body``: the anatomical frame above. ``device``: the sensor's own axes, mounting unknown."""

    BODY = "body"
    DEVICE = "device"


@dataclass(slots=True)
class Recording:
    """One sensor's recording.

    ``acc_m_s2`` and ``gyr_rad_s`` are (n, 3) arrays in ``frame``; ``gyr_rad_s`` is None for an
    accelerometer-only device. ``side`` is "left" or "right" for a foot sensor.
    ``reference`` holds a file's reference data (never measurements), keyed by what it is.
    """

    sampling_rate_hz: float
    acc_m_s2: FloatArray
    placement: Placement
    frame: Frame = Frame.BODY
    gyr_rad_s: FloatArray | None = None
    start_utc: datetime | None = None
    side: str | None = None
    source: str | None = None
    sensor_height_m: float | None = None
    """Height of a lower-back sensor above the ground [m], for the inverted-pendulum model."""
    person_height_m: float | None = None
    reference: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.sampling_rate_hz <= 0 or not np.isfinite(self.sampling_rate_hz):
            raise ValueError(f"sampling_rate_hz must be positive, got {self.sampling_rate_hz}")
        if self.acc_m_s2.ndim != 2 or self.acc_m_s2.shape[1] != 3:
            raise ValueError(f"acc_m_s2 must be (n, 3), got {self.acc_m_s2.shape}")
        if self.gyr_rad_s is not None and self.gyr_rad_s.shape != self.acc_m_s2.shape:
            raise ValueError(
                f"gyr_rad_s must match acc_m_s2 {self.acc_m_s2.shape}, got {self.gyr_rad_s.shape}"
            )

    def __len__(self) -> int:
        return int(self.acc_m_s2.shape[0])

    @property
    def duration_s(self) -> float:
        return len(self) / self.sampling_rate_hz


@dataclass(slots=True)
class FootPair:
    """Two foot-mounted recordings, each in the foot body frame above, with a common time axis.

    Both must have the same sampling rate and a gyroscope; their first samples are simultaneous.
    ``reference`` holds the pair's reference data (for example motion-capture stride lengths).
    """

    left: Recording
    right: Recording
    reference: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for side, rec in (("left", self.left), ("right", self.right)):
            if rec.placement is not Placement.FOOT:
                raise ValueError(
                    f"{side} recording must have placement 'foot', got {rec.placement}"
                )
            if rec.gyr_rad_s is None:
                raise ValueError(f"{side} foot recording needs a gyroscope")
        if self.left.sampling_rate_hz != self.right.sampling_rate_hz:
            raise ValueError(
                "left and right foot recordings must share one sampling rate, got "
                f"{self.left.sampling_rate_hz} and {self.right.sampling_rate_hz} Hz"
            )

    @property
    def sampling_rate_hz(self) -> float:
        return self.left.sampling_rate_hz

    @property
    def source(self) -> str | None:
        """The left recording's source without its ``#left`` suffix."""
        return None if self.left.source is None else self.left.source.removesuffix("#left")

    @property
    def placement(self) -> Placement:
        return Placement.FOOT

    @property
    def duration_s(self) -> float:
        return min(self.left.duration_s, self.right.duration_s)
