"""Point table -> Session, shared by the GPX and TCX parsers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrostride.errors import FileRefused
from retrostride.importers.activity._common import cumulative_distance_m, make_samples
from retrostride.importers.activity._points import PointTable, resolve_times
from retrostride.log.model import ExactArray, FloatArray, Segment, Session


@dataclass(slots=True)
class GroupTotals:
    """A lap's own totals as the file states them (TCX)."""

    start_utc_s: float | None
    elapsed_s: float | None
    distance_m: float | None
    device_kcal: float | None
    heart_rate_bpm: float | None = None
    cadence: float | None = None


LAP_OFFSET_WARN_S = 60.0
"""A lap StartTime further than this from its first trackpoint is reported."""


def _hm(seconds: float) -> str:
    """'6 h 08 min' or '95 s' for a time difference (sign dropped)."""
    seconds = abs(seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    hours, minutes = divmod(round(seconds / 60.0), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def check_fault(path: Path, fault: str | None, n_points: int, salvage: bool) -> str | None:
    """Refuse a file whose XML breaks off, unless salvaging; the salvage note otherwise."""
    if fault is None:
        return None
    if n_points == 0 or not salvage:
        raise FileRefused(path, f"damaged file: {fault}", salvageable=n_points >= 2)
    return f"recovered from a damaged file ({fault}): kept the {n_points} complete points before it"


def _col(values: object) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _mean(values: ExactArray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else None


def _lines(lines: np.ndarray, limit: int = 3) -> str:
    shown = ", ".join(str(int(x)) for x in lines[:limit])
    return f"line {shown}" + (", ..." if lines.size > limit else "")


def build_session(
    path: Path,
    table: PointTable,
    *,
    sport: str,
    home_time_zone: str,
    group_names: list[str | None],
    group_word: str,
    double_cadence: bool,
    group_totals: list[GroupTotals] | None = None,
) -> tuple[Session, list[str]]:
    """One Session from the points; segments per GPX segment or per TCX lap (``group_totals``)."""
    tr = resolve_times(table, home_time_zone)
    warns = list(tr.warnings)
    if table.bad_times:
        warns.append(
            f"{len(table.bad_times)} unreadable time(s) treated as missing, e.g. "
            f"{table.bad_times[0]}"
        )
    if table.bad_values:
        warns.append(
            f"dropped {len(table.bad_values)} unreadable value(s): "
            + "; ".join(table.bad_values[:3])
            + ("; ..." if len(table.bad_values) > 3 else "")
        )
    lat, lon = _col(table.lat), _col(table.lon)
    group = np.asarray(table.group, dtype=np.int64)
    segment = np.asarray(table.segment, dtype=np.int64)
    lines = np.asarray(table.line, dtype=np.int64)
    keep = tr.keep.copy()
    timed_pt = np.isfinite(tr.utc_s)
    if tr.timed:
        for g in np.unique(group):
            in_g = group == g
            if not timed_pt[in_g].any():
                d = cumulative_distance_m(lat[in_g], lon[in_g], _breaks(segment[in_g]))
                name = group_names[g] if g < len(group_names) and group_names[g] else f"#{g + 1}"
                warns.append(
                    f"ignored the untimed {group_word} {name!r} ({int(in_g.sum())} points, "
                    f"{d[-1] / 1000:.1f} km): it has no times, so it is not part of the activity"
                )
            else:
                lost = in_g & ~timed_pt & ~tr.warned
                if lost.any():
                    warns.append(
                        f"dropped {int(lost.sum())} point(s) without a usable time "
                        f"({_lines(lines[lost])})"
                    )
    else:
        n_timed = int(timed_pt.sum())
        warns.append(
            f"only {n_timed} of {len(table)} points have a valid time: duration and start "
            "unknown; the track and its distance are kept"
        )
    idx = np.flatnonzero(keep)
    if idx.size < 2:
        raise FileRefused(path, "no activity in it: fewer than two usable points")
    seg_k = segment[idx]
    lat_k, lon_k = lat[idx], lon[idx]
    dist_file = _col(table.dist)[idx] if len(table.dist) else None
    if dist_file is not None and np.isfinite(dist_file).sum() >= 2:
        distance = dist_file - np.nanmin(dist_file)
    elif np.isfinite(lat_k).any():
        distance = cumulative_distance_m(lat_k, lon_k, _breaks(seg_k))
    else:
        distance = None
    if tr.timed:
        t0 = float(tr.utc_s[idx[0]])
        time_s = tr.utc_s[idx] - t0
        start_utc: datetime | None = datetime.fromtimestamp(t0, UTC)
        elapsed: float | None = float(time_s[-1])
    else:
        time_s = np.full(idx.size, np.nan)
        start_utc, elapsed = None, None
    cad = _col(table.cad)[idx] * (2.0 if double_cadence else 1.0)
    samples = make_samples(
        np.ascontiguousarray(time_s),
        {
            "latitude_deg": lat_k,
            "longitude_deg": lon_k,
            "altitude_m": _col(table.ele)[idx],
            "distance_m": distance if distance is not None else [],
            "heart_rate_bpm": _col(table.hr)[idx],
            "cadence_spm": cad,
            "speed_m_s": _col(table.speed)[idx],
            "power_w": _col(table.power)[idx],
        },
    )
    session = Session(
        sport=sport,
        start_utc=start_utc,
        utc_offset_s=tr.utc_offset_s if start_utc is not None else None,
        offset_assumed=tr.offset_assumed if start_utc is not None else False,
        elapsed_s=elapsed,
        distance_m=float(np.nanmax(distance)) if distance is not None else None,
        samples=samples,
    )
    keys = group[idx] if group_totals is not None else seg_k
    session.segments = _segments(samples.time_s, distance, samples, keys)
    if group_totals is not None:
        _apply_lap_totals(session, group, keep, idx, group_totals, double_cadence, warns)
    return session, warns


def _breaks(segment: np.ndarray) -> np.ndarray:
    out = np.zeros(segment.shape[0], dtype=bool)
    out[1:] = segment[1:] != segment[:-1]
    return out


def _segments(
    time_s: FloatArray,
    distance: FloatArray | None,
    samples: object,
    keys: np.ndarray,
) -> list[Segment]:
    from retrostride.log.model import Samples

    assert isinstance(samples, Samples)
    out: list[Segment] = []
    for key in np.unique(keys):
        sel = np.flatnonzero(keys == key)
        a, b = int(sel[0]), int(sel[-1])
        t_a, t_b = time_s[a], time_s[b]
        timed = bool(np.isfinite(t_a) and np.isfinite(t_b))
        hr = samples.heart_rate_bpm
        cad = samples.cadence_spm
        out.append(
            Segment(
                start_offset_s=float(t_a) if timed else 0.0,
                elapsed_s=float(t_b - t_a) if timed else None,
                distance_m=float(distance[b] - distance[a]) if distance is not None else None,
                heart_rate_bpm=_mean(hr[a : b + 1]) if hr is not None else None,
                cadence_spm=_mean(cad[a : b + 1]) if cad is not None else None,
            )
        )
    return out


def _apply_lap_totals(
    session: Session,
    group: np.ndarray,
    keep: np.ndarray,
    idx: np.ndarray,
    totals: list[GroupTotals],
    double_cadence: bool,
    warns: list[str],
) -> None:
    """Lap totals from the file replace the point-derived ones unless the lap lost points."""
    kept_groups = list(np.unique(group[idx]))
    moving = 0.0
    moving_known = True
    dist_total = 0.0
    dist_known = True
    kcal = 0.0
    t0 = session.start_utc.timestamp() if session.start_utc is not None else None
    segments = session.segments
    for i, (seg, g) in enumerate(zip(segments, kept_groups, strict=True)):
        lap = totals[int(g)] if int(g) < len(totals) else None
        # A lap runs from its StartTime to the next lap's (the last one: to its last point).
        if t0 is not None and lap is not None and lap.start_utc_s is not None:
            offset = lap.start_utc_s - t0
            end = seg.start_offset_s + (seg.elapsed_s or 0.0)
            following = int(kept_groups[i + 1]) if i + 1 < len(segments) else len(totals)
            nxt = totals[following] if following < len(totals) else None
            if nxt is not None and nxt.start_utc_s is not None:
                end = max(end, nxt.start_utc_s - t0)
            if abs(offset - seg.start_offset_s) > LAP_OFFSET_WARN_S:
                warns.append(
                    f"lap {int(g) + 1}: its start time and its first point are "
                    f"{_hm(offset - seg.start_offset_s)} apart: the points' times are kept"
                )
            elif 0.0 <= offset <= seg.start_offset_s:
                seg.start_offset_s = offset
                seg.elapsed_s = end - offset
        lost = bool((~keep[group == g]).any())
        if lap is None:
            continue
        if lost:
            warns.append(
                f"lap {int(g) + 1}: its own totals ({lap.elapsed_s} s, {lap.distance_m} m) are not "
                "trusted because points of it were dropped; recomputed from the kept points"
            )
        else:
            if lap.elapsed_s is not None:
                seg.moving_s = lap.elapsed_s
            if lap.distance_m is not None:
                seg.distance_m = lap.distance_m
            if lap.heart_rate_bpm is not None:
                seg.heart_rate_bpm = lap.heart_rate_bpm
            if lap.cadence is not None:
                seg.cadence_spm = lap.cadence * (2.0 if double_cadence else 1.0)
        seg.device_kcal = lap.device_kcal or None
        kcal += lap.device_kcal or 0.0
        if seg.moving_s is None:
            moving_known = False
        else:
            moving += seg.moving_s
        if seg.distance_m is None:
            dist_known = False
        else:
            dist_total += seg.distance_m
    session.moving_s = moving if moving_known and session.segments else None
    if dist_known and session.segments:
        session.distance_m = dist_total
    session.device_kcal = kcal or None
