"""The batched RK4 kernel against scipy's solve_ivp (DOP853, rtol 1e-9) on every example.

Requirement (issues 3 and 5): landing points agree within 1 m. The reference integrates the
same equations of motion with an adaptive 8th-order method and scipy's own event location, so
the difference measures our fixed steps and event handling only.
"""

from __future__ import annotations

import numpy as np
import pytest

from stuntsim.jump.kernel import simulate_batch
from stuntsim.scenario import load

from conftest import EXAMPLES
from jump_reference import reference_landing

JUMP_EXAMPLES = [
    "fallout-halo.toml",
    "sport-13500.toml",
    "stratos-2012.toml",
    "haho.toml",
    "haho-cross-country.toml",
]


@pytest.mark.parametrize("name", JUMP_EXAMPLES)
def test_landing_point_matches_solve_ivp(name):
    plan = load(EXAMPLES / name).plan
    batch = plan.batch(1)
    ours = simulate_batch(batch)
    ref = reference_landing(batch)
    t_land, y_land = ref["land"]
    miss = np.hypot(*(ours.land_pos[0, :2] - y_land[:2]))
    # 1 m: the accuracy the issue asks of the kernel (landing dispersion is quoted in metres)
    assert miss < 1.0, f"{name}: landing differs from solve_ivp by {miss:.3f} m"
    # deployment instant: timing to 10 ms is far inside what a jumper can act on
    assert abs(ours.deploy_t[0] - ref["deploy"][0]) < 0.01
    assert abs(ours.land_t[0] - t_land) < 0.05
