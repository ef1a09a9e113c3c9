"""The height-velocity (avoid) diagram of a single-engine helicopter, checked along the path.

After an engine failure at low speed the pilot needs height to build rotor energy and airspeed
(or, very low, to cushion the landing with the rotor's inertia); between the two lies the avoid
region of the flight manual's height-velocity diagram (14 CFR 27.87 requires it to be
established; FAA Helicopter Flying Handbook FAA-H-8083-21B, ch. 11, "Height/Velocity Diagram").

The region is described by an upper boundary h_up(V) and a lower boundary h_lo(V) of skid
height above the ground against indicated airspeed, interpolated linearly between points, which
meet at the closing speed V_c. A point (V, h) is inside when V < V_c and h_lo(V) < h < h_up(V).
The margin (>= 0 outside) is the largest of the normalised distances to the three edges,

    m = max((h - h_up(V)) / h_ref, (h_lo(V) - h) / h_ref, (V - V_c) / V_c),  h_ref = 100 ft.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stuntsim.constants import FT

H_REF = 100.0 * FT


def hv_margin(speed: Any, height: Any, hv_speed: Any, hv_upper: Any, hv_lower: Any) -> np.ndarray:
    """Margin to the avoid region at IAS ``speed`` (m/s) and skid height ``height`` (m)."""
    v = np.asarray(speed, dtype=float)
    h = np.asarray(height, dtype=float)
    if len(hv_speed) < 2:
        return np.full(np.broadcast(v, h).shape, np.inf)
    vs = np.asarray(hv_speed, dtype=float)
    up = np.interp(v, vs, np.asarray(hv_upper, dtype=float))
    lo = np.interp(v, vs, np.asarray(hv_lower, dtype=float))
    vc = float(vs[-1])
    return np.maximum(np.maximum((h - up) / H_REF, (lo - h) / H_REF), (v - vc) / vc)


def boundary(hv_speed: Any, hv_upper: Any, hv_lower: Any) -> tuple[np.ndarray, np.ndarray]:
    """The region's outline (speed, height) for plotting: upper boundary out, lower back."""
    vs = np.asarray(hv_speed, dtype=float)
    return (
        np.concatenate([vs, vs[::-1], vs[:1]]),
        np.concatenate(
            [np.asarray(hv_upper), np.asarray(hv_lower)[::-1], np.asarray(hv_upper)[:1]]
        ),
    )
