"""Vocabulary of locomotion shared by the energy model, the log and gait analysis."""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    """Which way the person travels relative to where they face.

    The energy model answers ``forward`` and ``backward``; the log and gait analysis
    may also say ``mixed`` (both within one segment) or ``unknown``.
    """

    FORWARD = "forward"
    BACKWARD = "backward"
    MIXED = "mixed"
    UNKNOWN = "unknown"


class Gait(StrEnum):
    """Walking (a double-support phase) or running (a flight phase)."""

    WALK = "walk"
    RUN = "run"


class Setting(StrEnum):
    """Where the session happens.

    ``deadmill``: a motorised treadmill switched off, its belt pushed by the walker's legs.
    ``curved-treadmill``: a curved non-motorised treadmill (Compendium 2024 code 17455).
    """

    OVERGROUND = "overground"
    TREADMILL = "treadmill"
    DEADMILL = "deadmill"
    CURVED_TREADMILL = "curved-treadmill"
