"""Decoded FIT messages -> Session objects: one per session message (multisport: linked)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from retrostride.errors import FileRefused
from retrostride.importers.activity._common import (
    STEP_SPORTS,
    home_offset_s,
    is_valid_time,
    make_samples,
    plausible_offset_s,
)
from retrostride.importers.activity.fit import (
    FIT_EPOCH_UNIX_S,
    SEMICIRCLE_DEG,
    FitData,
    _is_absolute,
)
from retrostride.log.model import Samples, Segment, Session, SourceFile
from retrostride.science.locomotion import Setting

_SURFACE = {"trail": "trail", "track": "track", "street": "road", "road": "road"}


def _name(value: Any) -> str | None:
    """An enum value as text: fitdecode gives names, or numbers for values it doesn't know."""
    if value is None:
        return None
    return value if isinstance(value, str) else f"fit_{value}"


def _utc(raw: float) -> datetime:
    return datetime.fromtimestamp(raw + FIT_EPOCH_UNIX_S, UTC)


def _float(msg: dict[str, Any], *names: str) -> float | None:
    for name in names:
        value = msg.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def _cadence(msg: dict[str, Any], prefix: str, steps: bool) -> float | None:
    whole = _float(msg, f"{prefix}cadence", f"{prefix}running_cadence")
    if whole is None:
        return None
    frac = _float(msg, f"{prefix}fractional_cadence") or 0.0
    return (whole + frac) * 2.0 if steps else whole + frac


def _device(data: FitData) -> str | None:
    fid = data.file_id
    maker = _name(fid.get("manufacturer"))
    product = fid.get("garmin_product", fid.get("product"))
    parts = [p for p in (maker, None if product is None else str(product)) if p]
    return " ".join(parts) or None


def _local_offset(data: FitData) -> int | None:
    """Local offset [s] from the activity message's local_timestamp (None when absent/invalid)."""
    act = data.activity
    raw_utc, raw_local = act.get("timestamp_raw"), act.get("local_timestamp_raw")
    if not isinstance(raw_utc, int) or not isinstance(raw_local, int):
        return None
    if not (_is_absolute(raw_utc) and _is_absolute(raw_local)):
        return None
    return plausible_offset_s(raw_local - raw_utc)


def _session_messages(data: FitData) -> list[dict[str, Any]]:
    """The file's session messages, or one made from the records when there are none."""
    sessions = [s for s in data.sessions if isinstance(s.get("start_time_raw"), int)]
    if sessions:
        return sorted(sessions, key=lambda s: s["start_time_raw"])
    t0, t1 = data.times[0], data.times[-1]
    sport_msg = data.sports[0] if data.sports else (data.laps[0] if data.laps else {})
    return [
        {
            "start_time_raw": int(t0),
            "total_elapsed_time": t1 - t0,
            "sport": sport_msg.get("sport"),
            "sub_sport": sport_msg.get("sub_sport"),
            "_from_records": True,
        }
    ]


def _as_array(values: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A column as numpy without a copy (fitdecode's path collects array('d'))."""
    if isinstance(values, np.ndarray):
        return values
    return np.frombuffer(values, dtype=np.float64)


def build_sessions(
    path: Path, data: FitData, source: SourceFile, *, salvaged: bool, home_time_zone: str
) -> tuple[list[Session], list[str]]:
    """One Session per session message, each with its laps as segments and its records."""
    warns: list[str] = []
    file_type = data.file_id.get("type")
    if file_type is not None and file_type != "activity":
        raise FileRefused(
            path, f"a FIT {_name(file_type)} file, not an activity: no activity in it"
        )
    if len(data.times) == 0 and not data.sessions:
        raise FileRefused(path, "FIT file holds no activity (no records and no session)")
    messages = _session_messages(data) if len(data.times) or data.sessions else []
    if any(m.get("_from_records") for m in messages) and not salvaged:
        warns.append("the file has no session summary; start, time and distance come from records")
    times = _as_array(data.times)
    cols = [_as_array(c) for c in data.columns]
    if messages and times.size:
        early = int((times < float(messages[0]["start_time_raw"]) - 1.0).sum())
        if early:
            warns.append(f"{early} record(s) before the first session's start were not kept")
    offset = _local_offset(data)
    group = source.sha256[:16] if len(messages) > 1 else None
    out: list[Session] = []
    for i, msg in enumerate(messages):
        start_raw = float(msg["start_time_raw"])
        next_raw = float(messages[i + 1]["start_time_raw"]) if i + 1 < len(messages) else None
        out.append(
            _one_session(
                msg,
                start_raw,
                next_raw,
                times,
                cols,
                data,
                offset,
                home_time_zone,
                salvaged,
                warns,
                own=len(messages) == 1,
            )
        )
        out[-1].group = group
        out[-1].source = source
    out = _drop_empty(path, out, salvaged, warns)
    group = group if len(out) > 1 else None
    for session in out:
        session.group = group
    if group is not None:
        warns.append(
            f"multisport file: {len(out)} linked sessions (" + ", ".join(s.sport for s in out) + ")"
        )
    return out, warns


def _drop_empty(
    path: Path, sessions: list[Session], salvaged: bool, warns: list[str]
) -> list[Session]:
    """Sessions that hold something: never an empty (linked) session.

    A session with no records is kept only when its own summary gives a time or a distance
    and the file is whole; after salvage its summary describes data that were lost.
    """
    kept: list[Session] = []
    for session in sessions:
        has_totals = session.elapsed_s is not None or session.distance_m is not None
        if session.samples is not None or (has_totals and not salvaged):
            kept.append(session)
        else:
            why = "before the damage" if salvaged else "and no totals"
            warns.append(f"the {session.sport} session had no records {why}: not kept")
    if not kept:
        raise FileRefused(path, "no activity in it: no session holds any records")
    return kept


def _one_session(
    msg: dict[str, Any],
    start_raw: float,
    next_raw: float | None,
    times: np.ndarray[Any, np.dtype[np.float64]],
    cols: list[np.ndarray[Any, np.dtype[np.float64]]],
    data: FitData,
    offset: int | None,
    home_time_zone: str,
    salvaged: bool,
    warns: list[str],
    *,
    own: bool = False,
) -> Session:
    sport = _name(msg.get("sport")) or "unknown"
    sub_sport = _name(msg.get("sub_sport"))
    steps = sport in STEP_SPORTS
    elapsed = _float(msg, "total_elapsed_time")
    end_raw = next_raw if next_raw is not None else np.inf
    mask = (times >= start_raw - 1.0) & (times < end_raw)
    if mask.all() and own:  # the only session holds every record: converted in place
        times -= start_raw
        samples = _samples(times, cols, steps, in_place=True)
    elif mask.all():
        samples = _samples(times - start_raw, cols, steps)
    else:
        samples = _samples(times[mask] - start_raw, [c[mask] for c in cols], steps)

    start_utc: datetime | None = None
    if _is_absolute(start_raw):
        start_utc = _utc(start_raw)
        if not is_valid_time(start_utc):
            warns.append(f"{sport} session start {start_utc.isoformat()} is impossible: unknown")
            start_utc = None
    else:
        warns.append(
            f"the device's clock was never set (start is {start_raw:.0f} s after power-on): "
            "start time unknown; set it by editing the session"
        )
    if start_utc is None:
        utc_offset, assumed = None, False
    elif offset is not None:
        utc_offset, assumed = offset, False
    else:
        utc_offset, assumed = home_offset_s(home_time_zone, start_utc), True

    distance = _float(msg, "total_distance")
    moving = _float(msg, "total_timer_time")
    if salvaged or msg.get("_from_records"):
        elapsed = float(samples.time_s[-1]) if len(samples) else None
        moving = None
        distance = _last_finite(samples.distance_m)
    elif len(samples):
        elapsed, distance = _records_past_summary(sport, elapsed, distance, samples, warns)
    kcal = _float(msg, "total_calories")
    setting = Setting.TREADMILL if sub_sport == "treadmill" else Setting.OVERGROUND
    session = Session(
        sport=sport,
        start_utc=start_utc,
        utc_offset_s=utc_offset,
        offset_assumed=assumed,
        elapsed_s=elapsed,
        moving_s=moving,
        distance_m=distance,
        setting=setting,
        surface=_SURFACE.get(sub_sport or ""),
        sub_sport=None if sub_sport == "generic" else sub_sport,
        device=_device(data),
        device_kcal=kcal if kcal else None,
        samples=samples if len(samples) else None,
    )
    last_t = float(samples.time_s[-1]) if len(samples) else 0.0
    for lap in data.laps:
        lap_raw = lap.get("start_time_raw")
        if not isinstance(lap_raw, int) or not (start_raw - 1 <= lap_raw < end_raw):
            continue
        seg = _segment(lap, lap_raw - start_raw, steps)
        if salvaged and seg.start_offset_s + (seg.elapsed_s or 0.0) > last_t + 1.0:
            continue  # a lap summary written before the damage describes lost data
        session.segments.append(seg)
    return session


RECORDS_PAST_SUMMARY_S = 60.0
"""Records running this much past the session message's elapsed time outvote it."""


def _records_past_summary(
    sport: str,
    elapsed: float | None,
    distance: float | None,
    samples: Samples,
    warns: list[str],
) -> tuple[float | None, float | None]:
    """Elapsed time and distance where the records run past what the session message says.

    A session message written early (a device that stopped summing when a lap went missing)
    gives less time and distance than the records hold: the records then decide, with a warning.
    """
    record_end = float(samples.time_s[-1])
    record_dist = _last_finite(samples.distance_m)
    if elapsed is None or record_end > elapsed + RECORDS_PAST_SUMMARY_S:
        said = "no elapsed time" if elapsed is None else f"{elapsed:.0f} s"
        warns.append(
            f"{sport}: the records run to {record_end:.0f} s but the session summary says "
            f"{said}: elapsed time taken from the records"
        )
        elapsed = record_end
        if record_dist is not None and (distance is None or record_dist > distance * 1.01 + 10):
            said = "no distance" if distance is None else f"{distance:.0f} m"
            warns.append(
                f"{sport}: the records reach {record_dist:.0f} m but the session summary says "
                f"{said}: distance taken from the records"
            )
            distance = record_dist
    elif distance is None and record_dist is not None:
        distance = record_dist
    return elapsed, distance


def _last_finite(values: np.ndarray[Any, Any] | None) -> float | None:
    """The last finite value (no copy of the finite values: a long file's column is large)."""
    if values is None:
        return None
    finite = np.isfinite(values)
    if not finite.any():
        return None
    return float(values[values.size - 1 - int(np.argmax(finite[::-1]))])


def _segment(lap: dict[str, Any], offset_s: float, steps: bool) -> Segment:
    kcal = _float(lap, "total_calories")
    return Segment(
        start_offset_s=float(offset_s),
        elapsed_s=_float(lap, "total_elapsed_time"),
        moving_s=_float(lap, "total_timer_time"),
        distance_m=_float(lap, "total_distance"),
        speed_m_s=_float(lap, "enhanced_avg_speed", "avg_speed"),
        grade_percent=_float(lap, "avg_grade"),
        heart_rate_bpm=_float(lap, "avg_heart_rate"),
        cadence_spm=_cadence(lap, "avg_", steps),
        device_kcal=kcal if kcal else None,
    )


def _samples(
    time_s: np.ndarray[Any, np.dtype[np.float64]],
    cols: list[np.ndarray[Any, np.dtype[np.float64]]],
    steps: bool,
    *,
    in_place: bool = False,
) -> Samples:
    """Samples from the record columns; ``in_place``: the columns are this session's alone
    and writable, so they are converted where they lie (no second copy of a large file)."""
    lat, lon, alt, dist, hr, cad, frac, speed, power, grade = cols
    if in_place and all(c.flags.writeable for c in (lat, lon, cad)):
        lat *= SEMICIRCLE_DEG
        lon *= SEMICIRCLE_DEG
        if np.isfinite(frac).any():
            cad += np.nan_to_num(frac, nan=0.0)
        cadence = cad
        if steps:
            cadence *= 2.0
    else:
        # Without fractions the column keeps its type (float32 from the fast decode).
        cadence = cad + np.nan_to_num(frac, nan=0.0) if np.isfinite(frac).any() else cad
        if steps:
            cadence = cadence * 2.0
        lat = lat * SEMICIRCLE_DEG
        lon = lon * SEMICIRCLE_DEG
    return make_samples(
        np.ascontiguousarray(time_s),
        {
            "latitude_deg": lat,
            "longitude_deg": lon,
            "altitude_m": alt,
            "distance_m": dist,
            "heart_rate_bpm": hr,
            "cadence_spm": cadence,
            "speed_m_s": speed,
            "power_w": power,
            "incline_percent": grade,
        },
    )
