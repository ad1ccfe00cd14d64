"""Gait analyses as jobs of the queue, read back later and attached to a session afterwards.

The web page submits a recording as a ``gait`` job (:mod:`retrostride.services.jobs`, run in a
child process with memory and CPU limits, the same :func:`~retrostride.services.gait_analysis.
analyse_file` as the CLI and the API). With the option ``view`` the job also keeps, per trial,
the recording's own start time and a compact picture of its signal (:func:`signal_view`: the
minimum and maximum of each of at most ``VIEW_BINS`` time bins), because the received file is
deleted when the job ends. :func:`attach` later writes one trial's bouts into a logged session
through :func:`~retrostride.services.gait_analysis.attach_analysis` (deletion wins: a person
gone meanwhile writes nothing) and records what it did in the job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from retrostride.errors import InputError
from retrostride.gait.recording import FootPair, Placement, Recording
from retrostride.gait.result import SIDEWAYS, BoutDirection, BoutResult, GaitResult
from retrostride.science.locomotion import Direction
from retrostride.services import jobs
from retrostride.services.gait_analysis import (
    MAX_SENSOR_HEIGHT_M,
    MIN_SENSOR_HEIGHT_M,
    AttachOutcome,
    attach_analysis,
)
from retrostride.store.db import Database

VIEW_BINS = 400
"""Time bins of the kept signal picture (each keeps its minimum and maximum): enough for a
640-unit-wide chart, about 20 kB of JSON per trial."""

PLACEMENTS = tuple(p.value for p in Placement)


@dataclass(frozen=True, slots=True)
class TrialView:
    """One analysed trial as the job kept it (plain JSON values; times [s] from its start)."""

    number: int
    label: str
    totals: dict[str, Any]
    bouts: list[dict[str, Any]]
    warnings: list[str]
    start_utc: str | None
    signal: dict[str, Any]


@dataclass(frozen=True, slots=True)
class GaitJob:
    """A gait job's state: ``status`` (queued, importing, done, failed), its file's name, the
    trials when done, the refusal when failed, the attachment when one was made."""

    id: int
    status: str
    file: str
    options: dict[str, Any]
    trials: list[TrialView] = field(default_factory=list)
    error: str | None = None
    attached: dict[str, Any] | None = None

    @property
    def finished(self) -> bool:
        return self.status in (jobs.DONE, jobs.FAILED)


def signal_view(recording: Recording | FootPair, bins: int = VIEW_BINS) -> dict[str, Any]:
    """The signal the pipeline works on (see :func:`retrostride.plots.gait.panel_signals`) as
    per-bin minima and maxima: ``{"duration_s", "bin_s", "unit", "series": [{"label", "min",
    "max"}]}``, values rounded to 0.01."""
    from retrostride.plots.gait import panel_signals

    rate, signals, unit = panel_signals(recording)
    out: list[dict[str, Any]] = []
    n = min(len(y) for _, y in signals) if signals else 0
    count = max(1, min(bins, n))
    starts = np.linspace(0, n, count + 1).astype(int)[:-1] if n else np.zeros(0, int)
    for label, y in signals:
        values = np.asarray(y[:n], dtype=float)
        values = np.where(np.isfinite(values), values, 0.0)
        lows = np.minimum.reduceat(values, starts) if n else np.zeros(0)
        highs = np.maximum.reduceat(values, starts) if n else np.zeros(0)
        out.append({
            "label": label,
            "min": [round(float(v), 2) for v in lows],
            "max": [round(float(v), 2) for v in highs],
        })
    duration = n / rate if rate > 0 else 0.0
    return {"duration_s": round(duration, 3), "bin_s": duration / count, "unit": unit,
            "series": out}


def views_of(recordings: list[Recording | FootPair]) -> list[dict[str, Any]]:
    """What a web job keeps of each analysed recording beyond its result: start and signal."""
    out = []
    for rec in recordings:
        own = rec.left if isinstance(rec, FootPair) else rec
        start = None if own.start_utc is None else own.start_utc.isoformat()
        out.append({"start_utc": start, "signal": signal_view(rec)})
    return out


def submit(
    database: Database,
    person_id: int,
    person_name: str,
    received: jobs.JobFile,
    folder: Path,
    *,
    placement: str | None = None,
    mounting: str | None = None,
    sensor_height_m: float | None = None,
) -> int:
    """Queue the analysis of one received recording for the web page; returns the job's id.

    ``placement`` (lower-back, foot, phone or None: the format's own) and ``mounting`` (device
    axes, at most 64 characters) and ``sensor_height_m`` (a lower-back sensor's height above
    the ground) are checked here, so a bad choice is refused before queueing.
    """
    if placement is not None and placement not in PLACEMENTS:
        raise InputError("placement", placement, "lower-back, foot or phone")
    if mounting is not None and len(mounting) > 64:
        raise InputError("mounting", mounting[:20] + "...", "at most 64 characters")
    if sensor_height_m is not None and not (
        MIN_SENSOR_HEIGHT_M <= sensor_height_m <= MAX_SENSOR_HEIGHT_M
    ):
        raise InputError(
            "sensor_height_m", sensor_height_m,
            f"a sensor height from {MIN_SENSOR_HEIGHT_M} to {MAX_SENSOR_HEIGHT_M} m",
        )
    options = {"placement": placement, "mounting": mounting, "sensor_height_m": sensor_height_m,
               "view": True}
    return jobs.submit(
        database, person_id, "gait", files=[received], folder=folder, options=options,
        extra={"person_name": person_name},
    )


def _error_text(error: dict[str, Any], fallback: str | None) -> str:
    kind = error.get("kind")
    if kind == "file":
        return str(error.get("reason"))
    if kind == "input":
        return f"{error.get('field')}: {error.get('value')} is not accepted; expected " \
               f"{error.get('expected')}"
    if kind == "session_not_found":
        return f"there is no session {error.get('session_id')}"
    return fallback or "the analysis failed on the server"


def job_view(database: Database, job_id: int, person_id: int) -> GaitJob | None:
    """The person's gait job ``job_id`` as the page shows it (None: none of theirs)."""
    state = jobs.state(database, job_id, person_id)
    if state is None or state.kind != "gait":
        return None
    return _view(state)


def recent(database: Database, person_id: int, limit: int = 10) -> list[GaitJob]:
    """The person's latest gait jobs, newest first."""
    return [_view(s) for s in jobs.list_states(database, person_id, limit, kind="gait")]


def _view(state: jobs.JobState) -> GaitJob:
    label = state.files[0].label if state.files else f"job {state.id}"
    first = state.results[0] if state.results else {}
    answer = first.get("answer") if state.status == jobs.DONE else None
    if answer is None:
        error = None
        if state.status == jobs.FAILED:
            fallback = state.results[-1].get("message") if state.results else None
            error = _error_text(first.get("error") or {}, fallback)
        return GaitJob(state.id, state.status, label, state.options, error=error)
    views = answer.get("views") or [{} for _ in answer["results"]]
    trials = []
    for number, result, view in zip(answer["trials"], answer["results"], views, strict=True):
        source = str(result["totals"].get("source") or "")
        name = source.split("#", 1)[1] if "#" in source else ""
        trials.append(TrialView(
            number=int(number),
            label=f"{number} ({name})" if name else str(number),
            totals=result["totals"],
            bouts=result["bouts"],
            warnings=list(result.get("warnings") or []),
            start_utc=view.get("start_utc"),
            signal=view.get("signal") or {},
        ))
    return GaitJob(state.id, state.status, label, state.options, trials,
                   attached=first.get("attached") or answer.get("attached"))


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _direction(value: str) -> BoutDirection:
    return SIDEWAYS if value == SIDEWAYS.value else Direction(value)


def result_of(trial: TrialView) -> GaitResult:
    """The kept analysis of a trial as a :class:`GaitResult` with its bouts (what attaching
    reads: times, direction with its confidence, cadence)."""
    bouts = [
        BoutResult(
            start_s=float(b["start_s"]),
            end_s=float(b["end_s"]),
            direction=_direction(str(b["direction"])),
            direction_confidence=_number(b.get("direction_confidence")),
            n_steps=int(b.get("n_steps") or 0),
            cadence_spm=_number(b.get("cadence_spm")),
            stride_length_m=_number(b.get("stride_length_m")),
            speed_m_s=_number(b.get("speed_m_s")),
            stride_time_cv_percent=_number(b.get("stride_time_cv_percent")),
            symmetry_step_time_ratio=_number(b.get("symmetry_step_time_ratio")),
            initial_contacts_s=np.asarray(
                [_number(v) for v in b.get("initial_contacts_s") or []], dtype=float),
            final_contacts_s=np.asarray(
                [_number(v) for v in b.get("final_contacts_s") or []], dtype=float),
        )
        for b in trial.bouts
    ]
    totals = trial.totals
    return GaitResult(
        placement=Placement(str(totals["placement"])),
        sampling_rate_hz=_number(totals.get("sampling_rate_hz")),
        duration_s=_number(totals.get("duration_s")),
        bouts=bouts,
        step_count=int(totals.get("step_count") or 0),
        source=totals.get("source"),
    )


class AnalysisNotReady(InputError):
    """The job has no analysis to attach (still running, or refused)."""


def attach(
    database: Database,
    job_id: int,
    person_id: int,
    person_name: str,
    session_id: int,
    *,
    trial: int | None = None,
    offset_s: float | None = None,
    recording_start_utc: datetime | None = None,
) -> AttachOutcome:
    """Attach trial ``trial`` (1-based; needed when the file holds several) of the person's
    finished gait job to session ``session_id``, and record the outcome in the job.

    The recording's place in the session: ``offset_s`` [s from the session's start], else
    ``recording_start_utc``, else the recording's own start time when its format has one, else
    0 (see :func:`~retrostride.services.gait_analysis.attach_analysis`, which raises for an
    unknown session, a bad parameter or a deleted account).
    """
    view = job_view(database, job_id, person_id)
    if view is None:
        raise InputError("job", job_id, "one of your gait analyses")
    if view.status != jobs.DONE or not view.trials:
        raise AnalysisNotReady("job", job_id, "a finished analysis")
    if trial is None:
        if len(view.trials) != 1:
            raise InputError(
                "trial", None,
                f"one of the file's {len(view.trials)} trials "
                f"({', '.join(t.label for t in view.trials)}) to attach",
            )
        chosen = view.trials[0]
    else:
        found = [t for t in view.trials if t.number == trial]
        if not found:
            raise InputError("trial", trial, f"one of the trials {[t.number for t in view.trials]}")
        chosen = found[0]
    if recording_start_utc is None and offset_s is None and chosen.start_utc:
        recording_start_utc = datetime.fromisoformat(chosen.start_utc)
    outcome = attach_analysis(
        database, session_id, result_of(chosen), offset_s=offset_s,
        recording_start_utc=recording_start_utc, person_name=person_name, create_person=False,
    )
    state = jobs.state(database, job_id, person_id)
    if state is not None and state.results:
        record = {
            "session_id": session_id,
            "trial": chosen.number,
            "offset_s": outcome.offset_s,
            "offset_assumed": outcome.offset_assumed,
            "segments": [
                {"index": s.index, "direction": None if s.direction is None else s.direction.value,
                 "cadence_spm": s.cadence_spm, "walking_s": s.walking_s, "note": s.note}
                for s in outcome.segments
            ],
        }
        jobs.progress(database, job_id, None, [{**state.results[0], "attached": record}])
    return outcome


__all__ = [
    "PLACEMENTS", "VIEW_BINS", "AnalysisNotReady", "GaitJob", "TrialView", "attach", "job_view",
    "recent", "result_of", "signal_view", "submit", "views_of",
]
