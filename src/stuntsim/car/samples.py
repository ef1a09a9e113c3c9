"""The batch the car simulator takes: N cars on one plan, each with its own perturbations.

:func:`stuntsim.car.simulate.simulate_batch` (``plan, samples -> BatchOutcome``) runs one
:class:`CarSamples`; the Monte Carlo (:mod:`stuntsim.car.montecarlo`) draws them from
``[uncertainty]``, the planner builds them from its search parameters, and :func:`nominal`
gives N copies of the plan as written. This signature is stable: add fields with defaults only.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

import numpy as np

from stuntsim.car.driver import CHANNELS

if TYPE_CHECKING:
    from stuntsim.car.plan import CarPlan


@dataclass(frozen=True)
class CarSamples:
    """N cars to simulate on one plan. Every array has a leading axis of length N; SI units.

    - ``speed_m_s``: entry speed along the nose (negative: reversing), like ``start.speed``;
    - ``start_east_m``, ``start_north_m``: start position of the CG;
    - ``key_time_s`` (N, K): time of each driver keyframe, in the plan's keyframe order
      (timed keyframes: since the start; triggered ones: since their trigger fired);
    - ``key_value`` (N, K, C): channel values of each keyframe (channels
      :data:`stuntsim.car.driver.CHANNELS`), NaN where the keyframe leaves the channel alone;
    - ``trigger_value`` (N, M): the threshold of each trigger condition (M conditions over all
      triggers, in file order), SI (rad, rad/s, m/s, m, s, count);
    - ``mu_scale``: multiplies the friction of the tyres on the surface (Pacejka lambda_mu,
      on top of the plan's surface);
    - ``cornering_scale``: multiplies the tyres' cornering stiffness (lambda_Ky);
    - ``mass_kg``, ``cg_height_m``: the car's total mass and CG height (inertias scale with
      the mass).
    """

    speed_m_s: np.ndarray
    start_east_m: np.ndarray
    start_north_m: np.ndarray
    key_time_s: np.ndarray
    key_value: np.ndarray
    trigger_value: np.ndarray
    mu_scale: np.ndarray
    cornering_scale: np.ndarray
    mass_kg: np.ndarray
    cg_height_m: np.ndarray

    def __len__(self) -> int:
        return int(self.speed_m_s.shape[0])

    def take(self, idx: np.ndarray | slice) -> CarSamples:
        """The samples at ``idx`` (a sub-batch)."""
        return replace(self, **{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    @staticmethod
    def concat(parts: list[CarSamples]) -> CarSamples:
        first = parts[0]
        return replace(
            first,
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(first)},
        )

    def vehicle_columns(self) -> np.ndarray:
        """(N, 4): mu_scale, cornering_scale, mass_kg, cg_height_m (one car model per row)."""
        return np.column_stack(
            [self.mu_scale, self.cornering_scale, self.mass_kg, self.cg_height_m]
        )


def trigger_conditions(plan: CarPlan) -> list[tuple[int, str, str, float]]:
    """All trigger conditions in order: (group >= 1, variable, operator, threshold)."""
    out = []
    for g, trig in enumerate(plan.timeline.triggers, start=1):
        for c in trig.conditions:
            out.append((g, c.variable, c.op, float(c.value)))
    return out


def nominal(plan: CarPlan, n: int) -> CarSamples:
    """n copies of the plan as written (no perturbation)."""
    kfs = plan.timeline.keyframes
    K, C = len(kfs), len(CHANNELS)
    times = np.array([k.t for k in kfs], dtype=float)
    values = np.full((K, C), np.nan)
    for i, k in enumerate(kfs):
        for ch, v in k.values:
            values[i, CHANNELS.index(ch)] = v
    conds = np.array([c[3] for c in trigger_conditions(plan)], dtype=float)
    veh = plan.vehicle

    def full(v: float) -> np.ndarray:
        return np.full(n, float(v))

    return CarSamples(
        speed_m_s=full(plan.start.speed),
        start_east_m=full(plan.start.east),
        start_north_m=full(plan.start.north),
        key_time_s=np.broadcast_to(times, (n, K)).copy(),
        key_value=np.broadcast_to(values, (n, K, C)).copy(),
        trigger_value=np.broadcast_to(conds, (n, len(conds))).copy(),
        mu_scale=full(1.0),
        cornering_scale=full(1.0),
        mass_kg=full(veh.mass),
        cg_height_m=full(veh.cg_height),
    )
