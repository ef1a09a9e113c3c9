"""The result of a helicopter run: typed, SI, no pre-serialised dicts (presenters in
report/heli.py turn it into JSON, text and HTML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stuntsim.checks import Check
from stuntsim.heli.balance import Balance
from stuntsim.heli.loads import Certification
from stuntsim.heli.rig import RigLoad


@dataclass(frozen=True)
class Event:
    name: str
    t_s: float
    east_m: float
    north_m: float
    altitude_m: float


@dataclass(frozen=True)
class SegmentSummary:
    """One segment as flown (transition into it included), SI."""

    index: int
    kind: str
    name: str
    reference: str
    t_start_s: float
    t_end_s: float
    altitude_start_m: float
    altitude_end_m: float
    airspeed_m_s: float
    airspeed_min_m_s: float  # lowest horizontal airspeed flown (a ground orbit in wind varies)
    bank_rad: float
    radius_m: float | None
    descent_rate_m_s: float
    load_factor: float
    power_required_w: float
    power_available_w: float
    in_vrs: bool
    min_terrain_clearance_m: float
    transition_s: float  # time spent in the transition into this segment


@dataclass(frozen=True)
class Autorotation:
    min_descent_rate_sea_level_m_s: float
    at_airspeed_m_s: float
    vertical_descent_rate_sea_level_m_s: float


@dataclass
class HeliResult:
    name: str
    plan: Any  # heli.plan.HeliPlan
    samples: dict[str, np.ndarray]  # SI arrays over the path samples
    segments: list[SegmentSummary]
    rig_loads: list[RigLoad]  # on the planned path
    certifications: list[Certification]  # on the certification basis, one per rig
    balance: Balance
    hover_induced_velocity: float  # m/s at the start altitude and this mass
    hover_ceiling_oge: float  # m, this mass, this atmosphere
    autorotation: Autorotation
    events: list[Event]
    checks: list[Check] = field(default_factory=list)

    @property
    def max_load_factor(self) -> float:
        return float(np.max(self.samples["load_factor"]))

    @property
    def min_terrain_clearance(self) -> float:
        return float(np.min(self.samples["clearance_m"]))
