"""Mobilise-D ``data.mat`` (the layout of the Mobilise-D technical validation study, as shipped
with mobgap's example data), read with ``scipy.io.loadmat``.

``data.<TimeMeasure>.<Test>.<Trial>.SU.LowerBack`` holds ``Acc`` (g), ``Gyr`` (deg/s) and ``Fs``
(Hz) with axes x vertical (up), y medio-lateral (to the right), z anterior-posterior (forward),
as mobgap documents them. Conversion into the body frame of
:mod:`retrostride.gait.recording`: body x = z, body y = -y, body z = x (a proper rotation, so
the gyroscope converts the same way). The signs were checked on the data: standing, x reads
about +1 g; the rotation of the measured gravity vector agrees with the gyroscope
(d(g)/dt = -omega x g, correlation +0.5 to +0.9 on every trial).

``Standards.<System>.MicroWB`` (INDIP, Stereophoto) are reference data: they go to
``Recording.reference["<system>"]`` as a list of bouts, never into the channels. In that
reference ``InitialContact_Event`` and bout ``Start``/``End`` are seconds; INDIP's
``Stride_InitialContacts`` are sample indices at the reference's ``Fs`` (integers, or floats
where a contact is missing, NaN), Stereophoto's are seconds: the unit is told from the values
(:func:`_stride_ics_s`) and everything is seconds here. The sensor height comes from
``infoForAlgo.mat`` next to ``data.mat`` (cm).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from retrostride.errors import FileRefused
from retrostride.gait.recording import STANDARD_GRAVITY_M_S2, Frame, Placement, Recording
from retrostride.importers.imu._common import check_size, require_finite

MAT_SIGNATURE = b"MATLAB 5.0 MAT-file"

# body (x anterior, y left, z up) <- Mobilise-D (x up, y right, z forward)
_TO_BODY = np.array([[0.0, 0.0, 1.0], [0.0, -1.0, 0.0], [1.0, 0.0, 0.0]])


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    return list(value)


def _floats(value: Any) -> np.ndarray:
    return np.atleast_1d(np.asarray(value, dtype=np.float64))


def _stride_ics_s(ics: np.ndarray, start_s: float, fs: float) -> np.ndarray:
    """Stride initial contacts in seconds. INDIP stores sample indices (integers, or floats
    once a missing contact is NaN), Stereophoto seconds: the unit is told from the values, not
    the dtype: the first finite contact lies at the bout's ``Start`` [s]."""
    finite = ics[np.isfinite(ics)]
    if finite.size == 0:
        return ics
    first = float(finite.min())
    as_samples = abs(first / fs - start_s) < abs(first - start_s)
    return ics / fs if as_samples else ics


def _reference_bouts(system: dict[str, Any]) -> list[dict[str, Any]]:
    """The reference's micro walking bouts as plain dicts with SI units and times in seconds."""
    fs = float(system.get("Fs", 100))
    out = []
    for wb in _as_list(system.get("MicroWB")):
        ics = wb.get("Stride_InitialContacts")
        ics_arr = _stride_ics_s(
            np.asarray(ics if ics is not None else [], dtype=np.float64).reshape(-1, 2),
            float(wb["Start"]),
            fs,
        )
        sides = [str(s).lower() for s in _as_list(wb.get("InitialContact_LeftRight"))]
        out.append(
            {
                "start_s": float(wb["Start"]),
                "end_s": float(wb["End"]),
                "cadence_spm": float(wb.get("Cadence", np.nan)),
                "stride_length_m": float(wb.get("AverageStrideLength", np.nan)),
                "speed_m_s": float(wb.get("WalkingSpeed", np.nan)),
                "n_strides": int(wb.get("NumberStrides", 0)),
                "turning": bool(wb.get("Turning_Flag", 0)),
                "initial_contacts_s": _floats(wb.get("InitialContact_Event", [])),
                "initial_contact_sides": sides,
                "final_contacts_s": _floats(wb.get("FinalContact_Event", [])),
                "stride_initial_contacts_s": ics_arr,
                "stride_length_per_stride_m": _floats(wb.get("Stride_Length", [])),
                "stride_duration_s": _floats(wb.get("Stride_Duration", [])),
                "stance_duration_s": _floats(wb.get("Stance_Duration", [])),
            }
        )
    return out


def _sensor_height_m(folder: Path) -> float | None:
    info = folder / "infoForAlgo.mat"
    if not info.is_file():
        return None
    from scipy.io import loadmat

    try:
        data = loadmat(info, simplify_cells=True)["infoForAlgo"]
    except Exception:
        return None
    for tm in data.values():
        if isinstance(tm, dict) and "SensorHeight" in tm:
            return float(tm["SensorHeight"]) / 100.0
    return None


def load_mobilised_mat(path: str | Path, *, sensor: str = "LowerBack") -> list[Recording]:
    """Every trial of a Mobilise-D ``data.mat`` as a lower-back :class:`Recording`.

    Each recording's ``source`` is ``"<path>#<TimeMeasure>/<Test>/<Trial>"``; its ``reference``
    holds ``test`` (that key) and, per reference system present, ``"indip"`` /
    ``"stereophoto"``: lists of bouts (see :func:`_reference_bouts`).
    """
    from scipy.io import loadmat

    path = Path(path)
    check_size(path)
    with open(path, "rb") as fh:
        if not fh.read(len(MAT_SIGNATURE)) == MAT_SIGNATURE:
            raise FileRefused(path, "not a MATLAB 5 MAT-file")
    try:
        mat = loadmat(path, simplify_cells=True)
    except Exception as exc:
        raise FileRefused(
            path, f"cannot read the MAT-file ({exc.__class__.__name__}: {exc})"
        ) from None
    if "data" not in mat or not isinstance(mat["data"], dict):
        raise FileRefused(path, "no 'data' struct: not the Mobilise-D data.mat layout")
    height = _sensor_height_m(path.parent)
    out: list[Recording] = []
    for tm_name, tm in mat["data"].items():
        for test_name, test in (tm or {}).items():
            for trial_name, trial in (test or {}).items():
                key = f"{tm_name}/{test_name}/{trial_name}"
                su = (trial.get("SU") or {}).get(sensor)
                if su is None:
                    continue
                try:
                    acc = np.asarray(su["Acc"], dtype=np.float64)
                    gyr = np.asarray(su["Gyr"], dtype=np.float64)
                    fs = su["Fs"]
                    rate = float(fs["Acc"] if isinstance(fs, dict) else fs)
                except (KeyError, TypeError, ValueError) as exc:
                    raise FileRefused(
                        path, f"{key}: sensor {sensor} lacks Acc/Gyr/Fs ({exc})"
                    ) from None
                if acc.ndim != 2 or acc.shape[1] != 3 or gyr.shape != acc.shape:
                    raise FileRefused(
                        path, f"{key}: Acc and Gyr must be (n, 3) arrays of one length"
                    )
                require_finite(path, f"{key} Acc", acc)
                require_finite(path, f"{key} Gyr", gyr)
                reference: dict[str, Any] = {"test": key}
                for system, content in (trial.get("Standards") or {}).items():
                    if isinstance(content, dict):
                        reference[system.lower()] = _reference_bouts(content)
                out.append(
                    Recording(
                        sampling_rate_hz=rate,
                        acc_m_s2=np.ascontiguousarray(acc @ _TO_BODY.T * STANDARD_GRAVITY_M_S2),
                        gyr_rad_s=np.ascontiguousarray(np.deg2rad(gyr) @ _TO_BODY.T),
                        placement=Placement.LOWER_BACK,
                        frame=Frame.BODY,
                        source=f"{path}#{key}",
                        sensor_height_m=height,
                        reference=reference,
                    )
                )
    if not out:
        raise FileRefused(path, f"no trial holds data of the sensor {sensor!r}")
    return out
