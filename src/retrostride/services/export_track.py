"""One session written back out as GPX 1.1 or TCX v2, for other training apps.

GPX (Topografix, GPX 1.1 schema): one track (``<name>`` the title, ``<type>`` the sport) with
one track segment of every recorded point: position, elevation, time and the Garmin
TrackPointExtension v1 heart rate and cadence. A GPX point needs a position, so a session
without positions (indoor, manual) is refused for GPX.

TCX (Garmin Training Center Database v2): one ``Activity`` (``Sport`` Running, Biking or
Other, the three the schema allows), one ``Lap`` per segment with its own totals (start,
``TotalTimeSeconds`` = moving else elapsed time, ``DistanceMeters``, ``Calories``, average
heart rate) and the segment's points: time, position, altitude, the device's distance, heart
rate, cadence, and the ActivityExtension v2 ``Speed``/``RunCadence``/``Watts``. A TCX point
needs a time, so a session without samples or with an unknown start is refused for TCX.

Cadence: the log keeps steps per minute for sports on foot; GPX's ``cad`` and TCX's
``RunCadence`` count one leg (Garmin's convention, what our importers and others double on
reading), so it is halved there; TCX's ``Cadence`` (the other sports, walking included, since
TCX has no walking sport) is written in the log's unit. Flagged device values
(``Session.flags``) are not written: the totals written are the log's. Read back by our
importer (and by gpxpy for GPX) the file gives the session's elapsed time, distance, heart
rate and cadence (``tests/services/test_export_track.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import numpy as np
from lxml import etree

from retrostride.errors import InputError
from retrostride.importers.activity._common import STEP_SPORTS
from retrostride.log.model import Samples, Segment, Session
from retrostride.services import log as log_service
from retrostride.services import track_privacy
from retrostride.store.db import Database

GPX_NS = "http://www.topografix.com/GPX/1/1"
GPX_SCHEMA = "http://www.topografix.com/GPX/1/1/gpx.xsd"
TPX_V1_NS = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
TCX_SCHEMA = "http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd"
AX_V2_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

_TCX_SPORTS = {"running": "Running", "cycling": "Biking"}
"""TCX v2's ``Sport_t`` allows Running, Biking and Other only."""


class TrackFormat(StrEnum):
    GPX = "gpx"
    TCX = "tcx"


@dataclass(frozen=True, slots=True)
class TrackFile:
    """A written session: a file name, its media type and its bytes."""

    name: str
    media_type: str
    data: bytes


def _time_text(session: Session, offset_s: float) -> str:
    assert session.start_utc is not None
    when = session.start_utc + timedelta(seconds=float(offset_s))
    text = when.isoformat(timespec="milliseconds" if offset_s % 1 else "seconds")
    return text.replace("+00:00", "Z")


def _number(value: float, digits: int) -> str:
    return f"{round(float(value), digits):.{digits}f}".rstrip("0").rstrip(".")


def _channel(samples: Samples, name: str) -> np.ndarray | None:
    values = getattr(samples, name)
    if values is None or not np.isfinite(values).any():
        return None
    return np.asarray(values, dtype=np.float64)


def _cadence(session: Session, samples: Samples, per_leg: bool) -> np.ndarray | None:
    cadence = _channel(samples, "cadence_spm")
    if cadence is not None and per_leg and session.sport in STEP_SPORTS:
        return cadence / 2.0
    return cadence


def _fine(values: np.ndarray | None, i: int) -> bool:
    return values is not None and math.isfinite(values[i])


def session_gpx(session: Session) -> bytes:
    """The session as GPX 1.1 bytes (module docstring); :class:`InputError` without positions."""
    samples = session.samples
    if samples is None or not samples.has_positions:
        raise InputError(
            "format", "gpx", "a session with a recorded track (positions); try tcx"
        )
    assert samples.latitude_deg is not None and samples.longitude_deg is not None
    timed = session.start_utc is not None
    nsmap = {None: GPX_NS, "gpxtpx": TPX_V1_NS, "xsi": XSI_NS}
    root = etree.Element(f"{{{GPX_NS}}}gpx", nsmap=nsmap, version="1.1", creator="retrostride")
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{GPX_NS} {GPX_SCHEMA}")
    meta = etree.SubElement(root, f"{{{GPX_NS}}}metadata")
    if session.title:
        etree.SubElement(meta, f"{{{GPX_NS}}}name").text = session.title
    if timed:
        etree.SubElement(meta, f"{{{GPX_NS}}}time").text = _time_text(session, 0.0)
    trk = etree.SubElement(root, f"{{{GPX_NS}}}trk")
    if session.title:
        etree.SubElement(trk, f"{{{GPX_NS}}}name").text = session.title
    etree.SubElement(trk, f"{{{GPX_NS}}}type").text = session.sport
    seg = etree.SubElement(trk, f"{{{GPX_NS}}}trkseg")
    lat, lon = samples.latitude_deg, samples.longitude_deg
    alt = _channel(samples, "altitude_m")
    hr = _channel(samples, "heart_rate_bpm")
    cad = _cadence(session, samples, per_leg=True)
    for i in range(len(samples)):
        if not (math.isfinite(lat[i]) and math.isfinite(lon[i])):
            continue
        pt = etree.SubElement(
            seg, f"{{{GPX_NS}}}trkpt", lat=_number(lat[i], 7), lon=_number(lon[i], 7)
        )
        if alt is not None and _fine(alt, i):
            etree.SubElement(pt, f"{{{GPX_NS}}}ele").text = _number(alt[i], 2)
        if timed and math.isfinite(samples.time_s[i]):
            etree.SubElement(pt, f"{{{GPX_NS}}}time").text = _time_text(
                session, samples.time_s[i]
            )
        if _fine(hr, i) or _fine(cad, i):
            ext = etree.SubElement(etree.SubElement(pt, f"{{{GPX_NS}}}extensions"),
                                   f"{{{TPX_V1_NS}}}TrackPointExtension")
            if hr is not None and _fine(hr, i):
                etree.SubElement(ext, f"{{{TPX_V1_NS}}}hr").text = str(round(hr[i]))
            if cad is not None and _fine(cad, i):
                etree.SubElement(ext, f"{{{TPX_V1_NS}}}cad").text = str(round(cad[i]))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _laps(session: Session) -> list[Segment]:
    if session.segments:
        return sorted(session.segments, key=lambda s: s.start_offset_s)
    return [
        Segment(
            0.0,
            elapsed_s=session.elapsed_s,
            moving_s=session.moving_s,
            distance_m=session.distance_m,
            device_kcal=session.device_kcal,
        )
    ]


def session_tcx(session: Session) -> bytes:
    """The session as TCX v2 bytes (module docstring); :class:`InputError` without timed
    samples."""
    samples = session.samples
    if samples is None or session.start_utc is None or not np.isfinite(samples.time_s).any():
        raise InputError("format", "tcx", "a session with recorded points and a known start")
    nsmap = {None: TCX_NS, "ns3": AX_V2_NS, "xsi": XSI_NS}
    root = etree.Element(f"{{{TCX_NS}}}TrainingCenterDatabase", nsmap=nsmap)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{TCX_NS} {TCX_SCHEMA}")
    activity = etree.SubElement(
        etree.SubElement(root, f"{{{TCX_NS}}}Activities"),
        f"{{{TCX_NS}}}Activity",
        Sport=_TCX_SPORTS.get(session.sport, "Other"),
    )
    etree.SubElement(activity, f"{{{TCX_NS}}}Id").text = _time_text(session, 0.0)
    time_s = samples.time_s
    lat, lon = samples.latitude_deg, samples.longitude_deg
    positions = samples.has_positions
    alt = _channel(samples, "altitude_m")
    dist = _channel(samples, "distance_m")
    hr = _channel(samples, "heart_rate_bpm")
    run_cadence = session.sport == "running"  # RunCadence (one leg) under Sport="Running"
    cad = _cadence(session, samples, per_leg=run_cadence)
    speed = _channel(samples, "speed_m_s")
    power = _channel(samples, "power_w")
    laps = _laps(session)
    starts = [-math.inf] + [lap.start_offset_s for lap in laps[1:]]  # nothing before lap 1 lost
    ends = [*starts[1:], math.inf]
    for lap, begin, end in zip(laps, starts, ends, strict=True):
        element = etree.SubElement(
            activity, f"{{{TCX_NS}}}Lap", StartTime=_time_text(session, lap.start_offset_s)
        )
        inside = np.flatnonzero(
            np.isfinite(time_s) & (time_s >= begin) & (time_s < end)
        )
        span = float(time_s[inside[-1]] - lap.start_offset_s) if inside.size else 0.0
        seconds = lap.moving_s or lap.elapsed_s or span
        etree.SubElement(element, f"{{{TCX_NS}}}TotalTimeSeconds").text = _number(seconds, 3)
        if lap.distance_m is not None:
            etree.SubElement(element, f"{{{TCX_NS}}}DistanceMeters").text = _number(
                lap.distance_m, 2
            )
        kcal = lap.device_kcal if lap.device_kcal is not None else 0.0
        etree.SubElement(element, f"{{{TCX_NS}}}Calories").text = str(round(kcal))
        if lap.heart_rate_bpm is not None:
            avg = etree.SubElement(element, f"{{{TCX_NS}}}AverageHeartRateBpm")
            etree.SubElement(avg, f"{{{TCX_NS}}}Value").text = str(round(lap.heart_rate_bpm))
        etree.SubElement(element, f"{{{TCX_NS}}}Intensity").text = "Active"
        etree.SubElement(element, f"{{{TCX_NS}}}TriggerMethod").text = "Manual"
        track = etree.SubElement(element, f"{{{TCX_NS}}}Track")
        for i in inside.tolist():
            pt = etree.SubElement(track, f"{{{TCX_NS}}}Trackpoint")
            etree.SubElement(pt, f"{{{TCX_NS}}}Time").text = _time_text(session, time_s[i])
            if positions and lat is not None and lon is not None and _fine(lat, i) and _fine(
                lon, i
            ):
                where = etree.SubElement(pt, f"{{{TCX_NS}}}Position")
                etree.SubElement(where, f"{{{TCX_NS}}}LatitudeDegrees").text = _number(lat[i], 7)
                etree.SubElement(where, f"{{{TCX_NS}}}LongitudeDegrees").text = _number(lon[i], 7)
            if alt is not None and _fine(alt, i):
                etree.SubElement(pt, f"{{{TCX_NS}}}AltitudeMeters").text = _number(alt[i], 2)
            if dist is not None and _fine(dist, i):
                etree.SubElement(pt, f"{{{TCX_NS}}}DistanceMeters").text = _number(dist[i], 2)
            if hr is not None and _fine(hr, i):
                value = etree.SubElement(pt, f"{{{TCX_NS}}}HeartRateBpm")
                etree.SubElement(value, f"{{{TCX_NS}}}Value").text = str(round(hr[i]))
            if cad is not None and _fine(cad, i) and not run_cadence:
                etree.SubElement(pt, f"{{{TCX_NS}}}Cadence").text = str(round(cad[i]))
            extras = [
                (name, values[i])
                for name, values in (
                    ("Speed", speed),
                    ("RunCadence", cad if run_cadence else None),
                    ("Watts", power),
                )
                if values is not None and _fine(values, i)
            ]
            if extras:
                tpx = etree.SubElement(
                    etree.SubElement(pt, f"{{{TCX_NS}}}Extensions"), f"{{{AX_V2_NS}}}TPX"
                )
                for name, number in extras:
                    text = _number(number, 3) if name == "Speed" else str(round(number))
                    etree.SubElement(tpx, f"{{{AX_V2_NS}}}{name}").text = text
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def write_session(session: Session, fmt: TrackFormat) -> TrackFile:
    """The session as a file of ``fmt``, named ``session-<id>.<fmt>``."""
    data = session_gpx(session) if fmt is TrackFormat.GPX else session_tcx(session)
    media = "application/gpx+xml" if fmt is TrackFormat.GPX else "application/vnd.garmin.tcx+xml"
    return TrackFile(f"session-{session.id}.{fmt.value}", media, data)


def export_session(
    database: Database,
    session_id: int,
    fmt: TrackFormat,
    person_name: str = log_service.DEFAULT_PERSON,
    *,
    hide_track_ends_m: float = 0.0,
) -> TrackFile:
    """The person's session ``session_id`` as a GPX or TCX file (raises ``SessionNotFound``,
    or :class:`InputError` when the session cannot be written in ``fmt``).

    ``hide_track_ends_m``: the privacy zone [m] of the track's ends, for anyone but the athlete
    (``services.track_privacy``): those points carry no position (GPX leaves them out, TCX
    keeps their time and heart rate)."""
    session = log_service.get_session(database, session_id, person_name)
    session.samples = track_privacy.hide_track_ends(session.samples, hide_track_ends_m)
    return write_session(session, fmt)
