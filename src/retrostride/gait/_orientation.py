"""Vectorised strapdown orientation: quaternion prefix products without a per-sample loop."""

from __future__ import annotations

import numpy as np

from retrostride.gait.recording import FloatArray


def quat_multiply(p: FloatArray, q: FloatArray) -> FloatArray:
    """Hamilton product p * q of (..., 4) quaternions stored scalar-last (x, y, z, w)."""
    px, py, pz, pw = p[..., 0], p[..., 1], p[..., 2], p[..., 3]
    qx, qy, qz, qw = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    return np.stack(
        [
            pw * qx + px * qw + py * qz - pz * qy,
            pw * qy - px * qz + py * qw + pz * qx,
            pw * qz + px * qy - py * qx + pz * qw,
            pw * qw - px * qx - py * qy - pz * qz,
        ],
        axis=-1,
    )


def rotvec_to_quat(rv: FloatArray) -> FloatArray:
    """(..., 3) rotation vectors [rad] to (..., 4) unit quaternions (x, y, z, w)."""
    angle = np.linalg.norm(rv, axis=-1, keepdims=True)
    half = 0.5 * angle
    # sin(a/2)/a with its limit 1/2 at a = 0
    k = np.where(angle > 1e-12, np.sin(half) / np.where(angle > 1e-12, angle, 1.0), 0.5)
    return np.concatenate([rv * k, np.cos(half)], axis=-1)


def prefix_orientations(q0: FloatArray, gyr_rad_s: FloatArray, dt_s: float) -> FloatArray:
    """World-from-body orientations of K padded segments by integrating body angular rates.

    ``q0`` (K, 4) initial orientations, ``gyr_rad_s`` (K, L, 3) rates (pad with zeros).
    Returns (K, L, 4): ``q[k, j] = q0[k] * dq[k, 1] * ... * dq[k, j]`` with
    ``dq = exp(omega dt)`` (first-order, rate held over each sample), computed by a
    Hillis-Steele scan: log2(L) vectorised passes instead of L sequential steps.
    """
    dq = rotvec_to_quat(gyr_rad_s * dt_s)
    if dq.shape[1]:
        dq[:, 0, :] = q0  # orientation at the first sample of each segment
    s = dq
    step = 1
    length = s.shape[1]
    while step < length:
        nxt = s.copy()
        nxt[:, step:, :] = quat_multiply(s[:, :-step, :], s[:, step:, :])
        s = nxt
        step *= 2
    norm = np.linalg.norm(s, axis=-1, keepdims=True)
    return np.asarray(s / norm, dtype=np.float64)


def rotate(q: FloatArray, v: FloatArray) -> FloatArray:
    """Rotate (..., 3) vectors by (..., 4) unit quaternions (body -> world)."""
    u = q[..., :3]
    w = q[..., 3:4]
    t = 2.0 * np.cross(u, v)
    return np.asarray(v + w * t + np.cross(u, t), dtype=np.float64)


def tilt_quaternion(acc_m_s2: FloatArray) -> FloatArray:
    """(K, 4) smallest rotations taking each measured gravity direction (K, 3) to world +z.

    No rotation about the vertical: the world x axis is the horizontal projection of the
    sensor's own x axis at that moment (for a foot at rest: the way the foot points).
    """
    a = acc_m_s2 / np.linalg.norm(acc_m_s2, axis=1, keepdims=True)
    z = np.array([0.0, 0.0, 1.0])
    axis = np.cross(a, z)
    s = np.linalg.norm(axis, axis=1, keepdims=True)
    c = a @ z
    angle = np.arctan2(s[:, 0], c)
    unit = axis / np.where(s > 1e-12, s, 1.0)
    return rotvec_to_quat(unit * angle[:, None])
