"""Weight and balance: gross mass with the rigs, and the CG over the flight's fuel burn.

Positions are metres forward and right of the main-rotor axis (the mast), the frame the rigs are
placed in. The CG of a set of masses m_k at (x_k, y_k) is

    x_cg = sum(m_k x_k) / sum(m_k),   y_cg = sum(m_k y_k) / sum(m_k)

(any weight-and-balance manual, e.g. FAA Aircraft Weight and Balance Handbook FAA-H-8083-1B,
ch. 2). Fuel burns at a constant flow from its own CG, so the CG moves monotonically along a
straight line between the start and the end of the flight: the two ends are its extremes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Balance:
    """Masses (kg) and CGs (m forward, m right of the mast) at the start and end of the flight."""

    mass_start: np.ndarray  # (B,)
    mass_end: np.ndarray
    x_start: np.ndarray
    x_end: np.ndarray
    y_start: np.ndarray
    y_end: np.ndarray
    fuel_burnt: np.ndarray


def balance(
    aircraft_mass: Any,
    aircraft_x: float,
    aircraft_y: float,
    rigs: Sequence[tuple[float, float, float]],
    fuel_mass: float,
    fuel_x: float,
    fuel_flow: float,
    duration: float,
) -> Balance:
    """Balance of the aircraft (mass incl. fuel, CG) plus rigs (mass, x, y), with the fuel burn
    fuel_flow x duration taken from the fuel (never more than the fuel on board)."""
    m0 = np.atleast_1d(np.asarray(aircraft_mass, dtype=float))
    burnt = np.minimum(fuel_flow * duration, fuel_mass) + np.zeros_like(m0)
    rm = sum(r[0] for r in rigs)
    rx = sum(r[0] * r[1] for r in rigs)
    ry = sum(r[0] * r[2] for r in rigs)
    ms = m0 + rm
    me = ms - burnt
    xs = (m0 * aircraft_x + rx) / ms
    ys = (m0 * aircraft_y + ry) / ms
    xe = (m0 * aircraft_x - burnt * fuel_x + rx) / me
    ye = (m0 * aircraft_y + ry) / me
    return Balance(ms, me, xs, xe, ys, ye, burnt)
