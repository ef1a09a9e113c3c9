"""The road surface: tyre friction on it, as a ``[surface]`` choice or a measured value.

Published friction figures for accident reconstruction are *drag factors*: the deceleration of
a skidding car (locked wheels) over g, which is also what a drag sled (a weighted tyre section
pulled across the surface with a spring balance) measures on site. Noon, *Engineering Analysis
of Vehicular Accidents* (CRC Press 1994), gives dry asphalt 0.65, wet asphalt 0.50, dry
concrete 0.75 and wet concrete 0.60. No published tyre-on-granite or sandstone paving figure
was found: the stone values below are **estimates** (polished setts are known to be slippery,
worse when wet), and a crew should measure their steps with a drag sled and give ``mu``.

The tyre model (a Magic Formula stand-in, stuntsim.car.tyre) was fitted on its own test surface.
A surface scales its friction by Pacejka's lambda_mu so that the tyre's locked-wheel friction
at its nominal load equals the surface's drag factor::

    mu_locked(lambda_mu) = |F_x(kappa = -1, alpha = 0, F_z0)| / F_z0 = mu_surface

solved for lambda_mu (the peak then scales about in proportion: for the stand-in tyre the peak
is about 1.4 x the locked-wheel value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stuntsim.car.tyre import TyreParams

NOON = "Noon, Engineering Analysis of Vehicular Accidents (CRC Press 1994), drag factors"


@dataclass(frozen=True)
class Surface:
    name: str
    mu: float | None  # locked-wheel drag factor; None: the tyre data as fitted
    source: str


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface("tyre_data", None, "the tyre's Magic Formula data on its own test surface"),
        Surface("asphalt_dry", 0.65, NOON + ": dry asphalt 0.65"),
        Surface("asphalt_wet", 0.50, NOON + ": wet asphalt 0.50"),
        Surface("concrete_dry", 0.75, NOON + ": dry concrete 0.75"),
        Surface("concrete_wet", 0.60, NOON + ": wet concrete 0.60"),
        Surface(
            "stone_dry",
            0.60,
            "estimate (no published tyre-on-stone paving value found; a little under dry "
            "asphalt): measure with a drag sled and give [surface] mu",
        ),
        Surface(
            "stone_wet",
            0.40,
            "estimate (no published value found; wet polished stone is worse than wet "
            "asphalt): measure with a drag sled and give [surface] mu",
        ),
    )
}


def locked_wheel_mu(tyre: TyreParams) -> float:
    """|F_x| / F_z of the tyre sliding with locked wheels (kappa = -1) at its nominal load."""
    from stuntsim.car.tyre import forces

    fz = np.array([tyre.fz0])
    fx, _, _ = forces(np.array([-1.0]), np.zeros(1), fz, tyre)
    return float(abs(fx[0]) / tyre.fz0)


def mu_scale(surface: str, mu: float | None, tyre: TyreParams) -> float:
    """lambda_mu for the tyre on the surface (a measured ``mu`` wins over the named surface).

    Scaling the peak D = mu F_z at a fixed slip stiffness also changes the curve's shape
    (B = K / (C D)), so lambda is solved for, by bisection on [0.02, 5] to 1e-12 (the locked
    friction grows with lambda)."""
    from dataclasses import replace

    value = mu if mu is not None else SURFACES[surface].mu
    if value is None:
        return 1.0
    lo, hi = 0.02, 5.0
    base = replace(tyre, mu_scale=1.0)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if locked_wheel_mu(base.scaled(mid * tyre.mu_scale)) < value:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return 0.5 * (lo + hi)
