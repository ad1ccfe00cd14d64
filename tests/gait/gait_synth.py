"""Synthetic recordings built from the physics of walking, for tests of single mechanisms.

Each recording is made from a trajectory (positions and orientation over time) differentiated
to the accelerometer's specific force (acceleration plus gravity, in the sensor's frame) and
the gyroscope's angular rate, so the pipelines see what a sensor moving that way would record.
Frames: x anterior, y left, z up (the ``body`` frame).

- :func:`trunk_walk`: a lower-back sensor on an inverted pendulum (Cavagna 1977): per step the
  trunk rises by ``h`` to mid-stance and falls to double support, its speed along the direction
  of travel lowest at mid-stance; the trunk sways side to side once per stride.
- :func:`foot_walk`: a foot sensor: foot-flat (still), then a swing that lifts the foot,
  pitches it and carries it by the stride's displacement (minimum-jerk profile, Flash & Hogan
  1985), optionally with a still moment in the air mid-swing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrostride.gait.recording import STANDARD_GRAVITY_M_S2, Frame, Placement, Recording

G = STANDARD_GRAVITY_M_S2


def _min_jerk(tau: np.ndarray) -> np.ndarray:
    tau = np.clip(tau, 0.0, 1.0)
    out: np.ndarray = 10 * tau**3 - 15 * tau**4 + 6 * tau**5
    return out


def _specific_force(pos: np.ndarray, fs: float) -> np.ndarray:
    acc = np.gradient(np.gradient(pos, 1.0 / fs, axis=0), 1.0 / fs, axis=0)
    acc[:, 2] += G
    return acc


@dataclass(frozen=True)
class TrunkSteps:
    """``n`` steps of ``step_s`` seconds and ``length_m`` metres travelling ``way``
    ("forward", "backward" or "sideways"); ``bob_m`` the trunk's rise per step (default: the
    inverted pendulum's for that step length and the sensor height); ``extra_bob_m`` adds
    non-pendular vertical motion."""

    n: int
    step_s: float
    length_m: float
    way: str = "forward"
    bob_m: float | None = None
    extra_bob_m: float = 0.0
    """Vertical motion that is not vaulting (knee flexion, weight shift, pivoting in shuffling
    or turning steps): peak to peak [m], at the step frequency a quarter period out of phase
    with the pendulum's rise, so it trades no speed along the path."""
    turn_deg: float = 0.0
    """Heading change over all the steps [deg, positive to the left]: the path is a circular
    arc (the heading turns at a constant rate), the trunk faces along it, and ``length_m`` is
    each step's length along the arc."""
    pivot_s: float = 0.0
    """> 0: the heading turns by ``turn_deg`` within this many seconds in the middle of the
    steps (a pivot turn, minimum-jerk profile) instead of at a constant rate."""


@dataclass(frozen=True)
class Still:
    """Standing still for ``seconds``."""

    seconds: float


@dataclass(frozen=True)
class Fidget:
    """Standing for ``seconds`` while shifting weight: the trunk rises and falls without
    travelling (no step is taken), one shift after another, each lasting 0.7-1.3 s and rising
    up to ``rise_m`` (postural movements do not repeat a pattern: durations and rises drawn
    at random, ``seed``)."""

    seconds: float
    rise_m: float = 0.01
    seed: int = 7


def pendulum_bob_m(step_m: float, height_m: float) -> float:
    """Rise of a rigid inverted pendulum of length ``height_m`` over a step of ``step_m``."""
    return float(height_m - np.sqrt(height_m**2 - (step_m / 2.0) ** 2))


def trunk_walk(
    parts: list[TrunkSteps | Still | Fidget],
    *,
    fs: float = 100.0,
    height_m: float = 0.95,
    sway_m: float = 0.02,
    noise: float = 0.02,
    seed: int = 1,
) -> Recording:
    """A lower-back recording of the given steps and pauses (see the module docstring)."""
    pieces: list[np.ndarray] = []
    headings: list[np.ndarray] = []
    origin = np.zeros(3)
    psi0 = 0.0
    for part in parts:
        if isinstance(part, Still):
            m = round(part.seconds * fs)
            pieces.append(np.repeat(origin[None, :], m, axis=0))
            headings.append(np.full(m, psi0))
            continue
        if isinstance(part, Fidget):
            rng_f = np.random.default_rng(part.seed)
            z_parts = []
            left = round(part.seconds * fs)
            while left > 0:
                m = min(left, round(rng_f.uniform(0.7, 1.3) * fs))
                rise = rng_f.uniform(0.3, 1.0) * part.rise_m
                z_parts.append((rise / 2.0) * (1.0 - np.cos(2 * np.pi * np.arange(m) / m)))
                left -= m
            pos = np.zeros((sum(p.size for p in z_parts), 3))
            pos[:, 2] = np.concatenate(z_parts)
            pieces.append(origin[None, :] + pos)
            headings.append(np.full(pos.shape[0], psi0))
            continue
        t = np.arange(round(part.n * part.step_s * fs)) / fs
        T = part.step_s
        v = part.length_m / T
        h = part.bob_m if part.bob_m is not None else pendulum_bob_m(part.length_m, height_m)
        # energy exchange: the speed dips at mid-stance by k, with (1/2)((V+k)^2-(V-k)^2) = g h
        k = min(G * h / (2 * v), 0.5 * v)
        ramp = np.clip(np.minimum(t, t[-1] - t) / T, 0.0, 1.0)
        env = np.sin(0.5 * np.pi * ramp) ** 2
        travel = v * t + env * (k * T / (2 * np.pi)) * np.sin(2 * np.pi * t / T)
        z = env * (h / 2.0) * (1.0 - np.cos(2 * np.pi * t / T))
        z += env * (part.extra_bob_m / 2.0) * np.sin(2 * np.pi * t / T)
        sway = env * sway_m * np.sin(np.pi * t / T)
        pos = np.zeros((t.size, 3))
        if part.way == "sideways":
            pos[:, 1] = travel
            pos[:, 0] = sway
        else:
            pos[:, 0] = travel if part.way == "forward" else -travel
            pos[:, 1] = sway
        pos[:, 2] = z
        if part.pivot_s > 0:
            mid = 0.5 * part.n * part.step_s
            tau = (t - mid + 0.5 * part.pivot_s) / part.pivot_s
            psi = psi0 + np.radians(part.turn_deg) * _min_jerk(tau)
        else:
            psi = psi0 + np.radians(part.turn_deg) * t / (part.n * part.step_s)
        if part.turn_deg:
            # along the arc: each increment of the body-frame motion turned to the heading
            d = np.diff(pos[:, :2], axis=0, prepend=np.zeros((1, 2)))
            c, s_ = np.cos(psi), np.sin(psi)
            pos[:, 0], pos[:, 1] = np.cumsum(c * d[:, 0] - s_ * d[:, 1]), np.cumsum(
                s_ * d[:, 0] + c * d[:, 1]
            )
        elif psi0:
            c, s_ = np.cos(psi0), np.sin(psi0)
            pos[:, 0], pos[:, 1] = c * pos[:, 0] - s_ * pos[:, 1], s_ * pos[:, 0] + c * pos[:, 1]
        pieces.append(origin[None, :] + pos)
        headings.append(psi)
        origin = pieces[-1][-1].copy()
        psi0 = float(psi[-1])
    traj = np.concatenate(pieces)
    heading = np.concatenate(headings)
    rng = np.random.default_rng(seed)
    acc = _specific_force(traj, fs)
    if np.any(heading):  # the world's horizontal acceleration in the turning body frame
        c, s_ = np.cos(heading), np.sin(heading)
        acc[:, 0], acc[:, 1] = c * acc[:, 0] + s_ * acc[:, 1], -s_ * acc[:, 0] + c * acc[:, 1]
    acc += rng.normal(0.0, noise, traj.shape)
    gyr = rng.normal(0.0, 0.01, traj.shape)
    gyr[:, 2] += np.gradient(heading, 1.0 / fs)
    return Recording(
        sampling_rate_hz=fs,
        acc_m_s2=acc,
        placement=Placement.LOWER_BACK,
        frame=Frame.BODY,
        gyr_rad_s=gyr,
        sensor_height_m=height_m,
        source="synthetic-trunk",
    )


@dataclass(frozen=True)
class FootStride:
    """One stride of one foot: ``rest_s`` of foot-flat, then a swing of ``swing_s`` moving the
    foot by ``dx_m`` (along its toes) and ``dy_m`` (to its left), lifting it ``lift_m`` and
    pitching it by up to ``pitch_rad``; ``still_s`` > 0 holds the foot still in the air
    mid-swing."""

    rest_s: float
    swing_s: float
    dx_m: float
    dy_m: float = 0.0
    lift_m: float = 0.1
    pitch_rad: float = 1.0
    still_s: float = 0.0


def _swing(tau: np.ndarray, s: FootStride, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Displacement (x, y, z) and pitch over one swing, tau in [0, 1]."""
    m = _min_jerk(tau)
    pos = np.column_stack(
        [s.dx_m * m * scale, s.dy_m * m * scale, s.lift_m * np.sin(np.pi * tau) ** 2]
    )
    pitch = -s.pitch_rad * np.sin(2 * np.pi * tau) * np.sin(np.pi * tau) ** 2
    return pos, pitch


def foot_walk(
    strides: list[FootStride],
    *,
    fs: float = 200.0,
    end_rest_s: float = 1.0,
    noise: float = 0.02,
    seed: int = 2,
    frame: Frame = Frame.BODY,
    side: str | None = None,
) -> Recording:
    """A foot recording of the given strides, ending with ``end_rest_s`` of foot-flat."""
    pos_parts: list[np.ndarray] = []
    pitch_parts: list[np.ndarray] = []
    here = np.zeros(3)
    for s in strides:
        rest = round(s.rest_s * fs)
        pos_parts.append(np.repeat(here[None, :], rest, axis=0))
        pitch_parts.append(np.zeros(rest))
        if s.still_s <= 0:
            tau = np.arange(round(s.swing_s * fs)) / (s.swing_s * fs)
            p, th = _swing(tau, s, 1.0)
            pos_parts.append(here + p)
            pitch_parts.append(th)
        else:
            half = round(s.swing_s * fs / 2)
            tau = np.arange(half) / half
            up = FootStride(s.rest_s, s.swing_s / 2, s.dx_m, s.dy_m, 0.0, s.pitch_rad / 2)
            p, th = _swing(tau, up, 0.5)
            p[:, 2] = s.lift_m * _min_jerk(tau)
            pos_parts.append(here + p)
            pitch_parts.append(th)
            top = here + np.array([s.dx_m / 2, s.dy_m / 2, s.lift_m])
            hold = round(s.still_s * fs)
            pos_parts.append(np.repeat(top[None, :], hold, axis=0))
            pitch_parts.append(np.zeros(hold))
            down = FootStride(s.rest_s, s.swing_s / 2, s.dx_m, s.dy_m, 0.0, s.pitch_rad)
            p, th = _swing(tau, down, 0.5)
            p[:, 2] = s.lift_m * (1.0 - _min_jerk(tau))
            pos_parts.append(top * np.array([1, 1, 0]) + p)
            pitch_parts.append(th)
        here = here + np.array([s.dx_m, s.dy_m, 0.0])
    tail = round(end_rest_s * fs)
    pos_parts.append(np.repeat(here[None, :], tail, axis=0))
    pitch_parts.append(np.zeros(tail))
    pos = np.concatenate(pos_parts)
    pitch = np.concatenate(pitch_parts)
    f_world = _specific_force(pos, fs)
    # sensor = foot frame pitched by theta about y: sensor vector = R_y(theta)^T world vector
    c, sn = np.cos(pitch), np.sin(pitch)
    acc = np.column_stack(
        [
            c * f_world[:, 0] - sn * f_world[:, 2],
            f_world[:, 1],
            sn * f_world[:, 0] + c * f_world[:, 2],
        ]
    )
    gyr = np.zeros_like(acc)
    gyr[:, 1] = np.gradient(pitch, 1.0 / fs)
    rng = np.random.default_rng(seed)
    acc = acc + rng.normal(0.0, noise, acc.shape)
    gyr = gyr + rng.normal(0.0, 0.005, gyr.shape)
    return Recording(
        sampling_rate_hz=fs,
        acc_m_s2=acc,
        placement=Placement.FOOT,
        frame=frame,
        gyr_rad_s=gyr,
        side=side,
        source="synthetic-foot",
    )
