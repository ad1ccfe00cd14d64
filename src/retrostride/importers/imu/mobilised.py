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
from retrostride.importers.imu._bounds import check_mat5, check_rate
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


def _scalar(path: Path, where: str, value: Any, default: float | None = None) -> float:
    """A number where the layout has a scalar, refused (naming the field) for a missing value,
    an array, a struct or text."""
    if value is None:
        if default is not None:
            return default
        raise FileRefused(path, f"{where} is missing")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf" or arr.size != 1:
        shape = "x".join(str(d) for d in arr.shape) or "scalar"
        raise FileRefused(
            path, f"{where} must be one number, found a {arr.dtype.kind!r}-kind {shape} value"
        )
    return float(arr.reshape(()))


def _numbers(path: Path, where: str, value: Any) -> np.ndarray:
    """A numeric vector (or matrix) where the layout has one, refused naming the field."""
    arr = np.asarray(value if value is not None else [])
    if arr.size and arr.dtype.kind not in "biuf":
        raise FileRefused(path, f"{where} must hold numbers, found {arr.dtype.kind!r}-kind values")
    return np.atleast_1d(arr.astype(np.float64))


def _reference_bouts(path: Path, where: str, system: dict[str, Any]) -> list[dict[str, Any]]:
    """The reference's micro walking bouts as plain dicts with SI units and times in seconds."""
    fs = _scalar(path, f"{where}.Fs", system.get("Fs"), 100.0)
    if not np.isfinite(fs) or fs <= 0:
        raise FileRefused(path, f"{where}.Fs {fs:g} is not a positive sampling rate")
    out = []
    for number, wb in enumerate(_as_list(system.get("MicroWB")), start=1):
        at = f"{where}.MicroWB({number})"
        if not isinstance(wb, dict):
            raise FileRefused(path, f"{at} is not a struct")
        start = _scalar(path, f"{at}.Start", wb.get("Start"))
        end = _scalar(path, f"{at}.End", wb.get("End"))
        ics = _numbers(path, f"{at}.Stride_InitialContacts", wb.get("Stride_InitialContacts"))
        if ics.size % 2:
            raise FileRefused(path, f"{at}.Stride_InitialContacts must be pairs (n x 2)")
        ics_arr = _stride_ics_s(ics.reshape(-1, 2), start, fs)
        sides = [str(s).lower() for s in _as_list(wb.get("InitialContact_LeftRight"))]
        nan = float("nan")
        out.append(
            {
                "start_s": start,
                "end_s": end,
                "cadence_spm": _scalar(path, f"{at}.Cadence", wb.get("Cadence"), nan),
                "stride_length_m": _scalar(
                    path, f"{at}.AverageStrideLength", wb.get("AverageStrideLength"), nan
                ),
                "speed_m_s": _scalar(path, f"{at}.WalkingSpeed", wb.get("WalkingSpeed"), nan),
                "n_strides": int(_scalar(path, f"{at}.NumberStrides", wb.get("NumberStrides"), 0)),
                "turning": bool(_scalar(path, f"{at}.Turning_Flag", wb.get("Turning_Flag"), 0)),
                "initial_contacts_s": _numbers(
                    path, f"{at}.InitialContact_Event", wb.get("InitialContact_Event")
                ),
                "initial_contact_sides": sides,
                "final_contacts_s": _numbers(
                    path, f"{at}.FinalContact_Event", wb.get("FinalContact_Event")
                ),
                "stride_initial_contacts_s": ics_arr,
                "stride_length_per_stride_m": _numbers(
                    path, f"{at}.Stride_Length", wb.get("Stride_Length")
                ),
                "stride_duration_s": _numbers(
                    path, f"{at}.Stride_Duration", wb.get("Stride_Duration")
                ),
                "stance_duration_s": _numbers(
                    path, f"{at}.Stance_Duration", wb.get("Stance_Duration")
                ),
            }
        )
    return out


def _sensor_height_m(folder: Path) -> float | None:
    info = folder / "infoForAlgo.mat"
    if not info.is_file():
        return None
    from scipy.io import loadmat

    try:
        check_mat5(info)
        data = loadmat(info, simplify_cells=True)["infoForAlgo"]
    except Exception:  # an unreadable side file only loses the sensor height
        return None
    if not isinstance(data, dict):
        return None
    for tm in data.values():
        if isinstance(tm, dict) and "SensorHeight" in tm:
            height = _scalar(info, "infoForAlgo.SensorHeight", tm["SensorHeight"]) / 100.0
            if not 0.05 <= height <= 3.0:
                raise FileRefused(info, f"SensorHeight {height * 100:g} cm is not a sensor height")
            return height
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
    check_mat5(path)
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
        if not isinstance(tm, dict):
            raise FileRefused(path, f"data.{tm_name} is not a struct of tests")
        for test_name, test in tm.items():
            if not isinstance(test, dict):
                raise FileRefused(path, f"data.{tm_name}.{test_name} is not a struct of trials")
            for trial_name, trial in test.items():
                key = f"{tm_name}/{test_name}/{trial_name}"
                where = f"data.{tm_name}.{test_name}.{trial_name}"
                if not isinstance(trial, dict):
                    raise FileRefused(path, f"{where} is not a struct")
                units = trial.get("SU")
                su = units.get(sensor) if isinstance(units, dict) else None
                if su is None:
                    continue
                if not isinstance(su, dict):
                    raise FileRefused(path, f"{where}.SU.{sensor} is not a struct")
                at = f"{where}.SU.{sensor}"
                acc = _numbers(path, f"{at}.Acc", su.get("Acc"))
                gyr = _numbers(path, f"{at}.Gyr", su.get("Gyr"))
                fs = su.get("Fs")
                rate = check_rate(
                    path,
                    _scalar(path, f"{at}.Fs", fs.get("Acc") if isinstance(fs, dict) else fs),
                    f"{at}.Fs",
                )
                if acc.ndim != 2 or acc.shape[1] != 3 or gyr.shape != acc.shape:
                    raise FileRefused(
                        path, f"{at}: Acc and Gyr must be (n, 3) arrays of one length"
                    )
                require_finite(path, f"{key} Acc", acc)
                require_finite(path, f"{key} Gyr", gyr)
                reference: dict[str, Any] = {"test": key}
                standards = trial.get("Standards")
                for system, content in (standards if isinstance(standards, dict) else {}).items():
                    if isinstance(content, dict):
                        reference[system.lower()] = _reference_bouts(
                            path, f"{where}.Standards.{system}", content
                        )
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
