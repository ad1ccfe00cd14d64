"""GENEActiv CSV export (GENEActiv PC Software): key/value header, then one row per sample.

The header (about 100 lines, CRLF line ends, some fields padded with NUL bytes) holds
``Measurement Frequency,50.0 Hz``, ``Start Time,YYYY-MM-DD HH:MM:SS:mmm`` and ``Time Zone,GMT -04``;
data rows are ``timestamp,x,y,z,lux,button,temperature`` with acceleration in g and timestamps
``YYYY-MM-DD HH:MM:SS:mmm`` (local time). Only x, y, z become channels.

The device axes are those of the GENEActiv housing; its mounting on the body is not recorded,
so the frame is ``device`` unless a ``mounting`` string is given (see
:func:`retrostride.importers.imu._common.mounting_matrix`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from retrostride.errors import FileRefused
from retrostride.gait.recording import STANDARD_GRAVITY_M_S2, Placement, Recording
from retrostride.importers.imu._bounds import MAX_SAMPLES, check_rate, check_rows
from retrostride.importers.imu._common import check_size, device_recording, require_finite

SIGNATURE = "Device Type,GENEActiv"
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3},")
_TZ = re.compile(r"GMT\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?")


def _start_utc(stamp: str, tz_text: str | None) -> datetime | None:
    try:
        local = datetime.strptime(stamp.strip(), "%Y-%m-%d %H:%M:%S:%f")
    except ValueError:
        return None
    if tz_text is None:
        return None
    m = _TZ.search(tz_text)
    if m is None:
        return None
    sign = -1 if m.group(1) == "-" else 1
    offset = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0)) * sign
    return (local - offset).replace(tzinfo=UTC)


def load_geneactiv_csv(
    path: str | Path,
    *,
    placement: Placement | str = Placement.LOWER_BACK,
    mounting: str | None = None,
    sensor_height_m: float | None = None,
) -> Recording:
    """Read a GENEActiv CSV export (acceleration only) into a :class:`Recording`."""
    path = Path(path)
    check_size(path)
    header: dict[str, str] = {}
    first_data = None
    first_row = ""
    with path.open("rb") as handle:
        for i, raw in enumerate(handle):
            line = raw.replace(b"\x00", b"").decode("latin-1").rstrip("\r\n")
            if i == 0 and not line.startswith(SIGNATURE):
                raise FileRefused(path, f"not a GENEActiv CSV export (no '{SIGNATURE}' first line)")
            if _TIME.match(line):
                first_data, first_row = i, line
                break
            if i > 1000:
                break
            key, _, value = line.partition(",")
            header.setdefault(key.strip(), value.strip())
    if first_data is None:
        raise FileRefused(path, "the GENEActiv header is not followed by any data rows")
    freq_text = header.get("Measurement Frequency", "")
    try:
        rate = float(freq_text.split()[0])
    except (IndexError, ValueError):
        raise FileRefused(
            path, f"'Measurement Frequency' {freq_text!r} is not a rate in Hz"
        ) from None
    rate = check_rate(path, rate, "'Measurement Frequency' in the GENEActiv header")
    try:
        xyz = pd.read_csv(
            path,
            skiprows=first_data,
            header=None,
            usecols=[1, 2, 3],
            dtype=np.float64,
            nrows=MAX_SAMPLES + 1,
            encoding="latin-1",
        ).to_numpy()
    except (ValueError, pd.errors.ParserError) as exc:
        raise FileRefused(path, f"a data row has non-numeric acceleration ({exc})") from None
    check_rows(path, len(xyz))
    if xyz.ndim != 2 or xyz.shape[1] != 3 or xyz.shape[0] < 2:
        raise FileRefused(path, "data rows must hold a timestamp and x, y, z acceleration")
    acc = xyz * STANDARD_GRAVITY_M_S2
    require_finite(path, "acceleration", acc)
    start = _start_utc(first_row.split(",")[0], header.get("Time Zone"))
    return device_recording(
        rate_hz=rate,
        acc_m_s2=acc,
        gyr_rad_s=None,
        placement=placement,
        mounting=mounting,
        start_utc=start,
        source=str(path),
        sensor_height_m=sensor_height_m,
        reference={"device_location": header.get("Device Location Code")},
    )
