"""Batched classical Runge-Kutta (RK4) with per-sample step sizes and event location.

State arrays have a leading batch axis: ``y`` is (B, n), ``t`` and ``dt`` are (B,). Every sample
advances with its own step, so events (deployment, landing) can be hit exactly per sample while
the arithmetic stays vectorised.

RK4 (Kutta 1901; e.g. Hairer, Norsett & Wanner, *Solving ODEs I*, eq. II.1.9):

    k1 = f(t, y)
    k2 = f(t + h/2, y + h k1/2)
    k3 = f(t + h/2, y + h k2/2)
    k4 = f(t + h, y + h k3)
    y+ = y + h (k1 + 2 k2 + 2 k3 + k4) / 6

Local error O(h^5). These are the general-purpose batched steppers for any right-hand side
f(t, y). The jump kernel (jump/kernel.py) inlines the same RK4 scheme on its fused, tabulated
right-hand side for speed, with its step sizes chosen against ``scipy.integrate.solve_ivp`` at
rtol 1e-9 (tests/test_integrator_accuracy.py, docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Deriv = Callable[[np.ndarray, np.ndarray], np.ndarray]


def rk4_step(f: Deriv, t: np.ndarray, y: np.ndarray, h: np.ndarray) -> np.ndarray:
    """One RK4 step of size ``h`` (per sample) from ``(t, y)``; returns the new state."""
    hc = h[:, None]
    k1 = f(t, y)
    k2 = f(t + 0.5 * h, y + 0.5 * hc * k1)
    k3 = f(t + 0.5 * h, y + 0.5 * hc * k2)
    k4 = f(t + h, y + hc * k3)
    return y + hc * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0


def step_to_level(
    f: Deriv,
    t0: np.ndarray,
    y0: np.ndarray,
    h: np.ndarray,
    y1: np.ndarray,
    component: int,
    level: np.ndarray,
    iterations: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """Re-step from ``(t0, y0)`` so that ``y[:, component]`` lands on ``level``.

    The full step ``h`` went from y0 to y1 and crossed ``level``. A first guess of the fraction
    comes from linear interpolation; Newton corrections use the derivative of the component at
    the trial point. Returns (h_event, y_event). With RK4 on smooth dynamics three iterations
    bring the residual to rounding level.
    """
    z0 = y0[:, component]
    z1 = y1[:, component]
    denom = np.where(z1 != z0, z0 - z1, 1.0)
    theta = np.clip((z0 - level) / denom, 0.0, 1.0)
    hs = theta * h
    ys = rk4_step(f, t0, y0, hs)
    for _ in range(iterations):
        rate = f(t0 + hs, ys)[:, component]
        safe = np.where(np.abs(rate) > 1e-12, rate, -1e-12)
        hs = np.clip(hs - (ys[:, component] - level) / safe, 0.0, h)
        ys = rk4_step(f, t0, y0, hs)
    return hs, ys
