"""Apple Health's ``export.zip``: walking, running and hiking workouts, streamed.

Layout: ``apple_health_export/export.xml`` (the Health app's "Export All Health Data"), whose
internal DTD declares it: a ``HealthData`` root holding ``Record`` elements (one sample each:
``type``, ``value``, ``unit``, ``startDate`` ...), then ``Workout`` elements
(``workoutActivityType``, ``duration``/``durationUnit``, ``totalDistance``/``totalDistanceUnit``,
``totalEnergyBurned``/``totalEnergyBurnedUnit``, ``startDate``, ``endDate``) with
``MetadataEntry`` (``HKIndoorWorkout``), ``WorkoutStatistics`` (newer exports move the totals
there: ``type``, ``sum``, ``unit``) and ``WorkoutRoute``/``FileReference path`` children naming a
GPX file under ``workout-routes/``. Activity types and the indoor key are Apple's HealthKit names
(``HKWorkoutActivityTypeWalking``, ``HKMetadataKeyIndoorWorkout`` = ``HKIndoorWorkout``).

``export.xml`` reaches gigabytes, so it is never held: it is read twice as a stream with lxml
``iterparse``, each top-level element cleared as soon as it is read. The first pass keeps the
workouts (a few hundred bytes each), the second only the heart-rate samples inside them.
Memory therefore grows with the workouts' heart-rate samples, not with the file.

An unzipped export (the folder holding ``export.xml`` and ``workout-routes/``, or the folder
above it holding ``apple_health_export/``) is read the same way, file by file
(:func:`parse_export_folder`): the same sessions, the same identities, so a workout imported
from the zip is a duplicate when the folder is imported, and the reverse.
"""

from __future__ import annotations

import bisect
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

import numpy as np
from lxml import etree

from retrostride.errors import FileRefused
from retrostride.importers.activity import ParsedFile
from retrostride.importers.activity._common import make_samples, plausible_offset_s
from retrostride.importers.activity.plausibility import check_totals
from retrostride.log.model import ExactArray, FloatArray, Session, SourceFile
from retrostride.science.locomotion import Setting

if TYPE_CHECKING:
    from retrostride.importers.activity.archive import ArchiveLimits, ArchiveResult, EntryOpener

_SPORTS = {
    "HKWorkoutActivityTypeWalking": "walking",
    "HKWorkoutActivityTypeRunning": "running",
    "HKWorkoutActivityTypeHiking": "hiking",
}
_HEART_RATE = "HKQuantityTypeIdentifierHeartRate"
_DISTANCE_STATS = (
    "HKQuantityTypeIdentifierDistanceWalkingRunning",
    "HKQuantityTypeIdentifierDistanceHiking",
)
_ENERGY_STATS = "HKQuantityTypeIdentifierActiveEnergyBurned"
_METRES = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "ft": 0.3048, "yd": 0.9144, "cm": 0.01}
_SECONDS = {"s": 1.0, "sec": 1.0, "min": 60.0, "hr": 3600.0, "h": 3600.0}
_KCAL = {"kcal": 1.0, "Cal": 1.0, "cal": 0.001, "kJ": 1.0 / 4.184, "J": 1.0 / 4184.0}
HEART_RATE_MAX_GAP_S = 60.0
"""A route point further than this from every heart-rate sample gets none."""


@dataclass(slots=True)
class Workout:
    sport: str
    start: datetime
    end: datetime
    duration_s: float | None = None
    distance_m: float | None = None
    kcal: float | None = None
    indoor: bool = False
    device: str | None = None
    routes: list[str] = field(default_factory=list)
    hr_t: list[float] = field(default_factory=list)
    hr_bpm: list[float] = field(default_factory=list)


def parse_date(text: str | None) -> datetime | None:
    """Health's ``2024-05-06 19:00:00 +0200``; None when missing or unreadable."""
    if not text:
        return None
    text = text.strip()
    if len(text) > 20 and text[19] == " ":
        text = text[:19] + text[20:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _number(text: str | None, unit: str | None, table: dict[str, float]) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    factor = table.get((unit or "").strip())
    if factor is None or value != value:
        return None
    return value * factor


def _top_level(stream: IO[bytes]) -> Iterator[Any]:
    """Each element directly under the root, cleared once the caller is done with it."""
    context = etree.iterparse(
        stream,
        events=("end",),
        remove_comments=True,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=True,
    )
    for _event, el in context:
        parent = el.getparent()
        if parent is None or parent.getparent() is not None:
            continue
        yield el
        el.clear(keep_tail=False)
        while el.getprevious() is not None:
            del parent[0]


def _device(el: Any) -> str | None:
    raw = el.get("device") or ""
    for key in ("model:", "name:"):
        if key in raw:
            return "Apple Health " + raw.split(key, 1)[1].split(",", 1)[0].strip()
    return "Apple Health"


def _workout(el: Any) -> Workout | None:
    sport = _SPORTS.get(el.get("workoutActivityType", ""))
    start, end = parse_date(el.get("startDate")), parse_date(el.get("endDate"))
    if sport is None or start is None or end is None or end < start:
        return None
    w = Workout(sport=sport, start=start, end=end, device=_device(el))
    w.duration_s = _number(el.get("duration"), el.get("durationUnit"), _SECONDS)
    w.distance_m = _number(el.get("totalDistance"), el.get("totalDistanceUnit"), _METRES)
    w.kcal = _number(el.get("totalEnergyBurned"), el.get("totalEnergyBurnedUnit"), _KCAL)
    for child in el:
        tag = child.tag
        if tag == "MetadataEntry" and child.get("key") == "HKIndoorWorkout":
            w.indoor = (child.get("value") or "").strip() in ("1", "true", "YES")
        elif tag == "WorkoutStatistics":
            kind = child.get("type")
            if kind in _DISTANCE_STATS and w.distance_m is None:
                w.distance_m = _number(child.get("sum"), child.get("unit"), _METRES)
            elif kind == _ENERGY_STATS and w.kcal is None:
                w.kcal = _number(child.get("sum"), child.get("unit"), _KCAL)
        elif tag == "WorkoutRoute":
            for ref in child:
                if ref.tag == "FileReference" and ref.get("path"):
                    w.routes.append(ref.get("path"))
    return w


def _read_workouts(zf: EntryOpener, info: zipfile.ZipInfo) -> tuple[list[Workout], int]:
    workouts: list[Workout] = []
    others = 0
    with zf.open(info) as stream:
        for el in _top_level(stream):
            if el.tag == "Workout":
                w = _workout(el)
                if w is None:
                    others += 1
                else:
                    workouts.append(w)
    return workouts, others


def _read_heart_rate(zf: EntryOpener, info: zipfile.ZipInfo, workouts: list[Workout]) -> None:
    """Heart-rate samples inside the workouts' times, in a second streaming pass."""
    order = sorted(workouts, key=lambda w: w.start)
    starts = [w.start.timestamp() for w in order]
    with zf.open(info) as stream:
        for el in _top_level(stream):
            if el.tag != "Record" or el.get("type") != _HEART_RATE:
                continue
            moment = parse_date(el.get("startDate"))
            if moment is None:
                continue
            t = moment.timestamp()
            i = bisect.bisect_right(starts, t) - 1
            while i >= 0 and order[i].end.timestamp() >= t:
                try:
                    bpm = float(el.get("value") or "nan")
                except ValueError:
                    break
                order[i].hr_t.append(t - starts[i])
                order[i].hr_bpm.append(bpm)
                break


def parse_export(
    zf: EntryOpener,
    export: zipfile.ZipInfo,
    label: str,
    infos: list[zipfile.ZipInfo],
    limits: ArchiveLimits,
    home_time_zone: str,
    result: ArchiveResult,
) -> None:
    """Append one ArchiveEntry per walking, running or hiking workout of the export."""
    from retrostride.importers.activity.archive import ArchiveEntry

    name = f"{label}!{export.filename}"
    try:
        workouts, others = _read_workouts(zf, export)
        if workouts:
            _read_heart_rate(zf, export, workouts)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        reason = f"Apple Health export.xml is damaged or cut off ({type(exc).__name__})"
        result.entries.append(ArchiveEntry(name, error=FileRefused(name, reason)))
        return
    if others:
        result.warnings.append(
            f"{name}: {others} workout(s) of other activities (cycling, swimming, ...) skipped"
        )
    root = PurePosixPath(export.filename).parent
    by_name = {i.filename: i for i in infos}
    for w in workouts:
        entry = f"{name}#{w.start.isoformat()}"
        try:
            session = _session(w)
            warnings = _attach_route(zf, w, session, root, by_name, limits, home_time_zone)
        except FileRefused as exc:
            result.entries.append(ArchiveEntry(entry, error=FileRefused(entry, exc.reason)))
            continue
        source = _source(entry, w)
        session.source = source
        warnings.extend(check_totals(session))
        session.warnings = warnings
        result.entries.append(
            ArchiveEntry(
                entry, parsed=ParsedFile(source=source, sessions=[session], warnings=warnings)
            )
        )


def _is_health_xml(path: Path) -> bool:
    """True when the file is a Health ``export.xml`` (its DOCTYPE or root is ``HealthData``)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return False
    return b"<!DOCTYPE HealthData" in head or b"<HealthData" in head


def export_folder(folder: Path) -> Path | None:
    """The folder of an unzipped Health export: ``folder`` itself when it holds ``export.xml``,
    else its ``apple_health_export/``; None when it holds neither."""
    for root in (folder, folder / "apple_health_export"):
        if _is_health_xml(root / "export.xml"):
            return root
    return None


class _Folder:
    """An unzipped export read as the zip it was unpacked from (entries are its files)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def open(self, name: zipfile.ZipInfo) -> IO[bytes]:
        return (self.root / name.filename).open("rb")


def parse_export_folder(
    root: Path, *, home_time_zone: str = "UTC", limits: ArchiveLimits | None = None
) -> ArchiveResult:
    """The workouts of an unzipped Health export in ``root`` (see :func:`export_folder`), as
    :func:`parse_export` reads them from the zip: one ArchiveEntry per workout."""
    from retrostride.importers.activity.archive import ArchiveLimits, ArchiveResult

    infos: list[zipfile.ZipInfo] = []
    for name in ("export.xml", "export_cda.xml"):
        if (root / name).is_file():
            infos.append(zipfile.ZipInfo(name))
    routes = root / "workout-routes"
    if routes.is_dir():
        infos.extend(
            zipfile.ZipInfo(p.relative_to(root).as_posix())
            for p in sorted(routes.iterdir())
            if p.is_file() and not p.name.startswith(".")
        )
    for info in infos:
        info.file_size = info.compress_size = (root / info.filename).stat().st_size
    result = ArchiveResult()
    parse_export(
        _Folder(root), infos[0], root.name, infos, limits or ArchiveLimits(), home_time_zone, result
    )
    return result


def _source(entry: str, w: Workout) -> SourceFile:
    key = "|".join(
        str(x)
        for x in (
            w.sport,
            w.start.isoformat(),
            w.end.isoformat(),
            w.duration_s,
            w.distance_m,
            w.kcal,
        )
    )
    return SourceFile(
        name=entry.split("!", 1)[-1],
        format="apple_health",
        sha256=hashlib.sha256(key.encode()).hexdigest(),
        size_bytes=0,
    )


def _session(w: Workout) -> Session:
    offset = w.start.utcoffset()
    elapsed = (w.end - w.start).total_seconds()
    moving = w.duration_s if w.duration_s is not None and w.duration_s <= elapsed + 2 else None
    session = Session(
        sport=w.sport,
        start_utc=w.start.astimezone(UTC),
        utc_offset_s=plausible_offset_s(offset.total_seconds()) if offset is not None else None,
        elapsed_s=elapsed,
        moving_s=moving,
        distance_m=w.distance_m,
        setting=Setting.TREADMILL if w.indoor else Setting.OVERGROUND,
        device=w.device,
        device_kcal=w.kcal or None,
    )
    if w.hr_t:
        t = np.asarray(w.hr_t, dtype=np.float64)
        order = np.argsort(t, kind="stable")
        session.samples = make_samples(t[order], {"heart_rate_bpm": np.asarray(w.hr_bpm)[order]})
    return session


def _attach_route(
    zf: EntryOpener,
    w: Workout,
    session: Session,
    root: PurePosixPath,
    by_name: dict[str, zipfile.ZipInfo],
    limits: ArchiveLimits,
    home_time_zone: str,
) -> list[str]:
    """Positions from the workout's route GPX, with the heart rate at each route point."""
    from retrostride.importers.activity._dispatch import parse_payload
    from retrostride.importers.activity.archive import _entry_problem, _read_entry

    warnings: list[str] = []
    if w.indoor:
        warnings.append("indoor workout (Apple Health): taken as a treadmill session")
    for ref in w.routes[:1]:
        path = str(root / ref.lstrip("/")) if str(root) != "." else ref.lstrip("/")
        info = by_name.get(path)
        if info is None:
            warnings.append(f"its route {ref} is not in the export")
            continue
        problem = _entry_problem(info, limits)
        if problem:
            warnings.append(f"its route {ref} was not read: {problem}")
            continue
        payload = _read_entry(zf, info)
        route_source = SourceFile(name=path, format="gpx", sha256="", size_bytes=len(payload))
        try:
            parsed = parse_payload(
                Path(path),
                "gpx",
                payload,
                route_source,
                salvage=True,
                home_time_zone=home_time_zone,
            )
        except FileRefused as exc:
            warnings.append(f"its route {ref} was not read: {exc.reason}")
            continue
        route = parsed.sessions[0].samples if parsed.sessions else None
        if route is None or route.latitude_deg is None or parsed.sessions[0].start_utc is None:
            continue
        assert session.start_utc is not None
        shift = (parsed.sessions[0].start_utc - session.start_utc).total_seconds()
        hr = session.samples
        columns: dict[str, Any] = {
            "latitude_deg": route.latitude_deg,
            "longitude_deg": route.longitude_deg,
            "altitude_m": route.altitude_m if route.altitude_m is not None else [],
            "distance_m": route.distance_m if route.distance_m is not None else [],
            "speed_m_s": route.speed_m_s if route.speed_m_s is not None else [],
        }
        time_s = route.time_s + shift
        if hr is not None and hr.heart_rate_bpm is not None:
            columns["heart_rate_bpm"] = _nearest(hr.time_s, hr.heart_rate_bpm, time_s)
        session.samples = make_samples(time_s, columns)
        if session.distance_m is None and route.distance_m is not None:
            session.distance_m = float(np.nanmax(route.distance_m))
    return warnings


def _nearest(t: FloatArray, values: ExactArray, at: FloatArray) -> FloatArray:
    """``values`` at the times ``at``, from the nearest sample within HEART_RATE_MAX_GAP_S."""
    idx = np.clip(np.searchsorted(t, at), 1, t.size - 1) if t.size > 1 else np.zeros(at.size, int)
    if t.size > 1:
        left_closer = np.abs(at - t[idx - 1]) <= np.abs(t[idx] - at)
        idx = np.where(left_closer, idx - 1, idx)
    out: FloatArray = np.asarray(values[idx], dtype=np.float64).copy()
    out[np.abs(t[idx] - at) > HEART_RATE_MAX_GAP_S] = np.nan
    return out
