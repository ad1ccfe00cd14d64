"""One entry point for gait analysis: :func:`analyze` picks the pipeline of the sensor placement.

- ``lower-back`` (belt, or a phone at the waist with a known mounting): one :class:`Recording`;
  see :class:`retrostride.gait.lower_back.LowerBackPipeline`.
- ``foot``: a :class:`FootPair` (left and right foot recordings; a single foot
  :class:`Recording` is accepted and gives that foot's strides only); see
  :class:`retrostride.gait.foot.FootPipeline`.
- ``phone`` carried anywhere (device frame): steps and cadence from the acceleration norm,
  direction unknown; see :class:`retrostride.gait.phone.PhonePipeline`.

Keyword parameters are passed to the pipeline's constructor (each documents its own).
"""

from __future__ import annotations

from typing import Any

from retrostride.gait.recording import FootPair, Frame, Placement, Recording
from retrostride.gait.result import GaitResult


def analyze(recording: Recording | FootPair, **params: Any) -> GaitResult:
    """Analyse one recording (or foot pair) with the pipeline of its placement.

    A ``Recording`` placed ``lower-back`` in the ``device`` frame (mounting unknown) is analysed
    without direction; a ``phone`` recording in the ``body`` frame (mounting known, at the waist)
    is analysed as a lower-back sensor.
    """
    from retrostride.gait.foot import FootPipeline
    from retrostride.gait.lower_back import LowerBackPipeline
    from retrostride.gait.phone import PhonePipeline

    if isinstance(recording, FootPair):
        return FootPipeline(**params).run(recording).result_
    if recording.placement is Placement.FOOT:
        return FootPipeline(**params).run(recording).result_
    if recording.placement is Placement.LOWER_BACK or recording.frame is Frame.BODY:
        return LowerBackPipeline(**params).run(recording).result_
    return PhonePipeline(**params).run(recording).result_
