"""The gait analysis' answer as OpenAPI declares it (documentation: the route writes the job's
JSON as it is; the bouts' and totals' fields are those of ``retrostride.gait.result``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class GaitResultOut(BaseModel):
    totals: dict[str, Any] = Field(
        description="Placement, source (the file's name), duration_s, sampling_rate_hz, "
        "step_count, n_bouts, walking, forward, backward and sideways time [s], ..."
    )
    bouts: list[dict[str, Any]] = Field(
        description="Each walking bout: start_s, end_s, direction and its confidence, n_steps, "
        "cadence_spm, stride length [m], speed [m/s], distance [m], variability, contacts."
    )
    warnings: list[str]
    params: dict[str, Any]


class AttachedOut(BaseModel):
    session_id: int
    offset_s: float | None
    offset_assumed: bool
    segments: list[dict[str, Any]]


class GaitAnswerOut(BaseModel):
    """One result per walking segment (a recording split at gaps) or trial."""

    results: list[GaitResultOut]
    trials: list[int]
    attached: AttachedOut | None
    file: str = Field(description="The uploaded file's own name.")
