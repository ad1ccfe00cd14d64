"""The figure of one gait analysis: signal, walking bouts by direction, contacts, cadence.

Top panel: the signal the pipeline works on (lower back in the body frame: vertical and
anterior acceleration; phone or unknown mounting: the acceleration norm; foot pair: each foot's
angular rate about its medio-lateral axis), with each bout shaded in the colour of its walking
direction, initial contacts marked with triangles and final contacts with crosses. Bottom
panel: each bout's cadence [steps/min] over its span.

Uses matplotlib's object API (``Figure`` and the Agg canvas), never ``pyplot``: no global state,
safe in worker threads and without a display. The format follows the suffix: ``.png`` or ``.svg``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from retrostride.errors import InputError
from retrostride.gait.recording import FloatArray, FootPair, Frame, Placement, Recording
from retrostride.gait.result import SIDEWAYS, BoutDirection, GaitResult
from retrostride.science.locomotion import Direction

FORMATS = (".png", ".svg")

DIRECTION_COLOURS: dict[BoutDirection, str] = {
    Direction.FORWARD: "#1f77b4",
    Direction.BACKWARD: "#d95f02",
    Direction.MIXED: "#7570b3",
    SIDEWAYS: "#1b9e77",
    Direction.UNKNOWN: "#999999",
}
"""Colour of each walking direction (colour-blind safe pair for forward/backward)."""

MAX_POINTS = 20_000
"""Most samples drawn per line; longer signals are shown as per-bin min/max envelopes."""


def _signals(recording: Recording | FootPair) -> tuple[float, list[tuple[str, FloatArray]], str]:
    """(sampling rate [Hz], [(label, values)], y-axis label) of what the top panel shows."""
    if isinstance(recording, FootPair):
        signals = []
        for side, rec in (("left", recording.left), ("right", recording.right)):
            assert rec.gyr_rad_s is not None  # FootPair guarantees a gyroscope
            signals.append((f"{side} foot, angular rate about y", rec.gyr_rad_s[:, 1]))
        return recording.sampling_rate_hz, signals, "angular rate [rad/s]"
    acc = recording.acc_m_s2
    if recording.placement is Placement.PHONE or recording.frame is Frame.DEVICE:
        norm = np.sqrt(np.einsum("ij,ij->i", acc, acc))
        return recording.sampling_rate_hz, [("acceleration norm", norm)], "acceleration [m/s²]"
    return (
        recording.sampling_rate_hz,
        [("vertical (z)", acc[:, 2]), ("anterior (x)", acc[:, 0])],
        "acceleration [m/s²]",
    )


def panel_signals(
    recording: Recording | FootPair,
) -> tuple[float, list[tuple[str, FloatArray]], str]:
    """What the figure's top panel shows: (sampling rate [Hz], [(label, values)], y-axis label);
    the web page draws the same signals."""
    return _signals(recording)


def _envelope(t: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """At most ``MAX_POINTS`` points keeping each bin's minimum and maximum (shape-preserving)."""
    if y.size <= MAX_POINTS:
        return t, y
    per_bin = -(-y.size // (MAX_POINTS // 2))  # ceiling division
    starts = np.arange(0, y.size, per_bin)
    ts = np.repeat(t[starts], 2)
    ys = np.column_stack([np.minimum.reduceat(y, starts), np.maximum.reduceat(y, starts)]).ravel()
    return ts, ys


def _values_at(times_s: FloatArray, rate_hz: float, y: FloatArray) -> FloatArray:
    idx = np.clip(np.round(np.asarray(times_s) * rate_hz).astype(int), 0, y.size - 1)
    values: FloatArray = y[idx]
    return values


def _contacts(
    result: GaitResult,
    kind: str,
    rate_hz: float,
    main_y: FloatArray,
    by_side: dict[str, FloatArray],
    per_side: bool,
) -> tuple[FloatArray, FloatArray]:
    """Times [s] of the ``initial`` or ``final`` contacts and the signal values to mark them at.

    For a foot pair each stride's contacts sit on its own foot's signal (by the stride's side);
    otherwise on the first signal.
    """
    times: list[FloatArray] = []
    values: list[FloatArray] = []
    for bout in result.bouts:
        strides = bout.strides
        sided = per_side and len(strides) > 0 and all(s in by_side for s in strides.side)
        if sided:
            column = strides.initial_contact_s if kind == "initial" else strides.final_contact_s
            for side, y in by_side.items():
                mask = np.array([s == side for s in strides.side], dtype=bool)
                t = column[mask]
                t = t[np.isfinite(t)]
                times.append(t)
                values.append(_values_at(t, rate_hz, y))
        else:
            t = bout.initial_contacts_s if kind == "initial" else bout.final_contacts_s
            times.append(t)
            values.append(_values_at(t, rate_hz, main_y))
    if not times:
        return np.empty(0), np.empty(0)
    return np.concatenate(times), np.concatenate(values)


def plot_gait_analysis(
    recording: Recording | FootPair, result: GaitResult, path: str | Path
) -> Path:
    """Draw ``result`` over ``recording`` and save it to ``path`` (``.png`` or ``.svg``).

    Returns the path written. Raises ``InputError`` for another suffix.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError("--plot", str(path), "a file name ending in .png or .svg")
    rate, signals, ylabel = _signals(recording)
    fig = Figure(figsize=(12, 6), layout="constrained")
    FigureCanvasAgg(fig)
    ax_sig, ax_cad = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    seen: set[BoutDirection] = set()
    for bout in result.bouts:
        colour = DIRECTION_COLOURS.get(bout.direction, DIRECTION_COLOURS[Direction.UNKNOWN])
        for ax in (ax_sig, ax_cad):
            ax.axvspan(bout.start_s, bout.end_s, color=colour, alpha=0.18, linewidth=0)
        seen.add(bout.direction)
    main_y = signals[0][1]
    for label, y in signals:
        t = np.arange(y.size) / rate
        ts, ys = _envelope(t, np.asarray(y, dtype=float))
        ax_sig.plot(ts, ys, linewidth=0.6, label=label)
    by_side = {"left": signals[0][1], "right": signals[-1][1]}
    per_side = isinstance(recording, FootPair)
    for kind, marker, colour, label in (
        ("initial", "v", "black", "initial contact"),
        ("final", "x", "#444444", "final contact"),
    ):
        times, values = _contacts(result, kind, rate, main_y, by_side, per_side)
        if times.size:
            ax_sig.plot(times, values, marker, color=colour, markersize=4, label=label)
    for bout in result.bouts:
        if math.isfinite(bout.cadence_spm):
            colour = DIRECTION_COLOURS.get(bout.direction, DIRECTION_COLOURS[Direction.UNKNOWN])
            ax_cad.hlines(bout.cadence_spm, bout.start_s, bout.end_s, colors=colour, linewidth=2.5)
    handles, labels = ax_sig.get_legend_handles_labels()
    for direction in DIRECTION_COLOURS:
        if direction in seen:
            handles.append(Patch(color=DIRECTION_COLOURS[direction], alpha=0.35))
            labels.append(f"{direction.value} bout")
    ax_sig.legend(handles, labels, loc="upper right", fontsize=8, ncols=2)
    ax_sig.set_ylabel(ylabel)
    ax_cad.set_ylabel("cadence [steps/min]")
    ax_cad.set_xlabel("time from the recording's start [s]")
    duration = len(main_y) / rate
    ax_cad.set_xlim(0.0, duration)
    source = result.source or getattr(recording, "source", None) or "recording"
    file_part, _, item = source.partition("#")
    name = Path(file_part).name + (f" {item}" if item else "")
    ax_sig.set_title(
        f"{name}: {len(result.bouts)} bout{'s' if len(result.bouts) != 1 else ''}, "
        f"{result.step_count} steps, "
        f"placement {result.placement.value}"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=path.suffix.lower().lstrip("."), dpi=110)
    return path
