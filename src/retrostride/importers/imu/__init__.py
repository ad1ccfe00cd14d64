"""IMU exports -> :class:`retrostride.gait.recording.Recording` (or :class:`FootPair`).

Every loader converts into the body frame written down in :mod:`retrostride.gait.recording`
(or leaves a recording in the ``device`` frame when the mounting is unknown), puts reference or
ground-truth data in ``reference`` and never in the channels, and refuses a bad file with
:class:`retrostride.errors.FileRefused` naming the file and the problem.

=====================  ===============================  ======================================
format                 loader                           returns
=====================  ===============================  ======================================
retrostride CSV        :func:`load_generic_csv`         Recording (``docs/imu-csv-layout.md``)
Oxford step counter    :func:`load_phone_oxford`        Recording (phone, device frame)
Sensor Logger          :func:`load_sensor_logger`       Recording (zip, folder or CSV)
phyphox                :func:`load_phyphox`             Recording (zip or CSV)
GENEActiv CSV          :func:`load_geneactiv_csv`       Recording (device frame unless mounted)
Mobilise-D data.mat    :func:`load_mobilised_mat`       list[Recording], one per trial
gaitmap two-foot CSV   :func:`load_gaitmap_foot`        FootPair
=====================  ===============================  ======================================

:func:`load_recording` recognises the format by content, not by file name.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from retrostride.errors import FileRefused, InputError
from retrostride.gait.recording import FootPair, Placement, Recording
from retrostride.importers.imu._bounds import read_member, zip_members
from retrostride.importers.imu._common import check_size, mounting_matrix
from retrostride.importers.imu.gaitmap_foot import load_gaitmap_foot, looks_like_gaitmap_foot
from retrostride.importers.imu.geneactiv import SIGNATURE as GENEACTIV_SIGNATURE
from retrostride.importers.imu.geneactiv import load_geneactiv_csv
from retrostride.importers.imu.generic_csv import (
    MAGIC,
    generic_csv_segments,
    load_generic_csv,
    write_generic_csv,
)
from retrostride.importers.imu.mobilised import MAT_SIGNATURE, load_mobilised_mat
from retrostride.importers.imu.phone_oxford import (
    load_phone_oxford,
    looks_like_phone_oxford,
    phone_oxford_segments,
)
from retrostride.importers.imu.phyphox import is_phyphox, load_phyphox, phyphox_segments
from retrostride.importers.imu.sensor_logger import (
    _reader,
    is_sensor_logger,
    load_sensor_logger,
    sensor_logger_segments,
)

__all__ = [
    "detect_format",
    "load_gaitmap_foot",
    "load_geneactiv_csv",
    "load_generic_csv",
    "load_mobilised_mat",
    "load_phone_oxford",
    "load_phyphox",
    "load_recording",
    "load_sensor_logger",
    "mounting_matrix",
    "write_generic_csv",
]

FORMATS = (
    "retrostride-csv",
    "phone-oxford",
    "sensor-logger",
    "phyphox",
    "geneactiv",
    "mobilise-d",
    "gaitmap-foot",
)


def detect_format(path: str | Path) -> str:
    """The format of an IMU file or export folder, from its content (one of ``FORMATS``)."""
    path = Path(path)
    check_size(path)
    if path.is_dir() or zipfile.is_zipfile(path):
        if path.is_dir() and (path / "data.mat").is_file():
            return "mobilise-d"
        try:
            if is_sensor_logger(_reader(path, head=400)):
                return "sensor-logger"
        except (OSError, zipfile.BadZipFile):
            pass
        if not path.is_dir():
            for info in zip_members(path):
                lines = read_member(path, info, 400).decode("utf-8", "replace").splitlines()
                if lines and is_phyphox(lines[0]):
                    return "phyphox"
        raise FileRefused(path, "no IMU export recognised in this folder or zip")
    with open(path, "rb") as fh:
        head_bytes = fh.read(4096)
    if head_bytes.startswith(MAT_SIGNATURE):
        return "mobilise-d"
    head = head_bytes.replace(b"\x00", b"").decode("utf-8-sig", errors="replace")
    first = head.splitlines()[0] if head.splitlines() else ""
    if head.startswith(MAGIC) or first.lower().startswith("time_s,acc_"):
        return "retrostride-csv"
    if head.startswith(GENEACTIV_SIGNATURE):
        return "geneactiv"
    if looks_like_gaitmap_foot(head):
        return "gaitmap-foot"
    if first.startswith("time,seconds_elapsed"):
        return "sensor-logger"
    if is_phyphox(first):
        return "phyphox"
    if looks_like_phone_oxford(first):
        return "phone-oxford"
    raise FileRefused(
        path,
        "unrecognised IMU file: expected one of "
        + ", ".join(FORMATS)
        + " (see docs/imu-csv-layout.md for retrostride's own CSV layout)",
    )


def load_recording(
    path: str | Path,
    *,
    placement: Placement | str | None = None,
    mounting: str | None = None,
    **opts: Any,
) -> Recording | FootPair | list[Recording]:
    """Load any supported IMU file, recognised by content.

    ``placement`` overrides the format's default (phones default to ``phone``, GENEActiv and
    Mobilise-D to ``lower-back``, gaitmap to ``foot``); ``mounting`` rotates device axes into
    the body frame (formats whose axes are already anatomical ignore it). Other keyword options
    go to the format's loader. A time axis with gaps longer than 5 s gives one recording per
    segment (a list), as a Mobilise-D file gives one per trial.

    A bad ``mounting`` or ``placement`` raises :class:`InputError` naming it; every problem of
    the file itself raises :class:`FileRefused` naming the file and the field.
    """
    path = Path(path)
    if mounting is not None:
        try:
            mounting_matrix(mounting)
        except ValueError as exc:
            raise InputError(
                "mounting", mounting, f"three signed axes like '+z,+x,+y' ({exc})"
            ) from None
    if placement is not None:
        try:
            placement = Placement(placement)
        except ValueError:
            raise InputError(
                "placement", placement, ", ".join(p.value for p in Placement)
            ) from None
    fmt = detect_format(path)
    try:
        loaded = _load(path, fmt, placement, mounting, opts)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        # the caller's values were checked above: what is left is the file's own content
        raise FileRefused(path, f"{fmt}: the file's content is not valid ({exc})") from None
    if isinstance(loaded, list) and len(loaded) == 1:
        return loaded[0]
    return loaded


def _load(
    path: Path, fmt: str, placement: Placement | None, mounting: str | None, opts: dict[str, Any]
) -> Recording | FootPair | list[Recording]:
    if fmt == "mobilise-d":
        target = path / "data.mat" if path.is_dir() else path
        return load_mobilised_mat(target, **opts)
    if fmt == "gaitmap-foot":
        return load_gaitmap_foot(path, **opts)
    if fmt == "retrostride-csv":
        return generic_csv_segments(path, placement=placement, mounting=mounting, **opts)
    if fmt == "geneactiv":
        return load_geneactiv_csv(
            path, placement=placement or Placement.LOWER_BACK, mounting=mounting, **opts
        )
    if fmt == "phone-oxford":
        recs = phone_oxford_segments(path)
        if placement is not None:
            for rec in recs:
                rec.placement = placement
        return recs
    loader = sensor_logger_segments if fmt == "sensor-logger" else phyphox_segments
    return loader(path, placement=placement or Placement.PHONE, mounting=mounting, **opts)
