"""A tiny but real stunt kind for the framework's tests: a drag-free ramp jump.

A vehicle leaves a ramp lip at speed v and angle theta over flat ground and must land in a
landing zone [x_near, x_far] at a touchdown vertical speed below a limit. Drag-free ballistics
have closed forms (any mechanics text, e.g. Halliday, Resnick & Walker, *Fundamentals of
Physics*, ch. 4), so the Monte Carlo driver can be tested against exact figures:

    range R = v^2 sin(2 theta) / g,    flight time T = 2 v sin(theta) / g,
    touchdown vertical speed = v sin(theta).

It implements every part of :class:`stuntsim.kinds.StuntKind` (schema, build, simulate,
presenter, MonteCarlo) with the same CheckBatch code path as the real kinds, so tests of the
CLI, the envelope and the Monte Carlo driver do not depend on a kind that is being rewritten.
Only tests register it (``KindEntry("toy_kind")``); it is not part of the product.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from stuntsim.checks import Check, CheckBatch
from stuntsim.constants import G0
from stuntsim.errors import ScenarioError
from stuntsim.kinds import BatchOutcome, StuntKind

SOURCE = "toy limit for framework tests (not a real stunt)"


class ToyUncertainty(BaseModel):
    model_config = ConfigDict(extra="forbid")
    speed_sigma_m_s: float = Field(0.0, ge=0.0)
    angle_sigma_deg: float = Field(0.0, ge=0.0)


class ToyScenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["toy"]
    name: str = "toy jump"
    mass_kg: float = Field(1000.0, gt=0.0)
    ramp_rating_kg: float = Field(2000.0, gt=0.0)
    speed_m_s: float = Field(gt=0.0)
    angle_deg: float = Field(gt=0.0, lt=90.0)
    zone_near_m: float = Field(ge=0.0)
    zone_far_m: float = Field(gt=0.0)
    max_touchdown_speed_m_s: float = Field(gt=0.0)
    # seconds of sleep per simulated batch: keeps chunks in flight in the backend tests
    delay_s: float = Field(0.0, ge=0.0)
    uncertainty: ToyUncertainty | None = None


@dataclass(frozen=True)
class ToyPlan:
    name: str
    speed_m_s: float
    angle_rad: float
    zone_near_m: float
    zone_far_m: float
    max_touchdown_speed_m_s: float
    delay_s: float = 0.0
    mass_kg: float = 1000.0
    ramp_rating_kg: float = 2000.0


@dataclass(frozen=True)
class ToySamples:
    speed_m_s: np.ndarray
    angle_rad: np.ndarray


@dataclass
class ToyResult:
    name: str
    checks: list[Check]
    range_m: float
    flight_time_s: float
    touchdown_speed_m_s: float
    plan: ToyPlan = field(repr=False)


def build_plan(model: ToyScenario, path: Path) -> ToyPlan:
    if model.zone_far_m <= model.zone_near_m:
        raise ScenarioError(path, "zone_far_m", "must be beyond zone_near_m")
    return ToyPlan(
        name=model.name,
        speed_m_s=model.speed_m_s,
        angle_rad=float(np.radians(model.angle_deg)),
        zone_near_m=model.zone_near_m,
        zone_far_m=model.zone_far_m,
        max_touchdown_speed_m_s=model.max_touchdown_speed_m_s,
        delay_s=model.delay_s,
        mass_kg=model.mass_kg,
        ramp_rating_kg=model.ramp_rating_kg,
    )


def _flight(samples: ToySamples) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v, th = samples.speed_m_s, samples.angle_rad
    return v * v * np.sin(2.0 * th) / G0, 2.0 * v * np.sin(th) / G0, v * np.sin(th)


def check_landing_zone(plan: ToyPlan, range_m: np.ndarray) -> CheckBatch:
    """Lands inside [near, far]; margin = distance to the nearer edge / half the zone width."""
    half = 0.5 * (plan.zone_far_m - plan.zone_near_m)
    mid = 0.5 * (plan.zone_far_m + plan.zone_near_m)
    margin = (half - np.abs(range_m - mid)) / half
    ok = margin >= 0.0

    def describe(i: int) -> tuple[str, str | None]:
        r = float(range_m[i])
        msg = f"lands {r:.1f} m from the lip"
        if ok[i]:
            return msg, None
        edge = plan.zone_near_m if r < plan.zone_near_m else plan.zone_far_m
        return msg, f"change the range by {edge - r:+.1f} m"

    return CheckBatch(
        id="landing_zone",
        ok=ok,
        margin=margin,
        value=range_m,
        limit=np.full_like(range_m, plan.zone_far_m),
        unit="m",
        source=SOURCE,
        severity="fail",
        describe=describe,
        quantity="distance",
    )


def check_touchdown(plan: ToyPlan, vz: np.ndarray) -> CheckBatch:
    """Touchdown vertical speed <= limit (a caution); margin = (limit - value) / limit."""
    lim = plan.max_touchdown_speed_m_s
    margin = (lim - vz) / lim
    ok = margin >= 0.0

    def describe(i: int) -> tuple[str, str | None]:
        msg = f"touches down at {float(vz[i]):.1f} m/s vertical"
        return msg, (None if ok[i] else f"take off at most {lim / float(vz[i]):.2f} x as steep")

    return CheckBatch(
        id="touchdown_speed",
        ok=ok,
        margin=margin,
        value=vz,
        limit=np.full_like(vz, lim),
        unit="m/s",
        source=SOURCE,
        severity="caution",
        describe=describe,
    )


def check_ramp_rating(plan: ToyPlan, n: int) -> CheckBatch:
    """Vehicle mass <= the ramp's rated mass; margin of safety rating/mass - 1. The random
    inputs do not touch it: the same in every sample."""
    ok = np.full(n, plan.mass_kg <= plan.ramp_rating_kg)

    def describe(i: int) -> tuple[str, str | None]:
        msg = f"{plan.mass_kg:.0f} kg on a ramp rated {plan.ramp_rating_kg:.0f} kg"
        return msg, (None if ok[i] else f"a ramp rated at least {plan.mass_kg:.0f} kg")

    return CheckBatch(
        id="ramp_rating",
        ok=ok,
        margin=np.full(n, plan.ramp_rating_kg / plan.mass_kg - 1.0),
        value=np.full(n, plan.mass_kg),
        limit=np.full(n, plan.ramp_rating_kg),
        unit="kg",
        source=SOURCE,
        severity="fail",
        describe=describe,
    )


class ToyMonteCarlo:
    def uncertainty(self, model: ToyScenario) -> ToyUncertainty | None:
        return model.uncertainty

    def sample(
        self, plan: ToyPlan, unc: ToyUncertainty, rng: np.random.Generator, n: int
    ) -> ToySamples:
        dv = rng.normal(0.0, unc.speed_sigma_m_s, n) if unc.speed_sigma_m_s else np.zeros(n)
        da = rng.normal(0.0, np.radians(unc.angle_sigma_deg), n)
        return ToySamples(plan.speed_m_s + dv, plan.angle_rad + da)

    def nominal(self, plan: ToyPlan, n: int) -> ToySamples:
        return ToySamples(np.full(n, plan.speed_m_s), np.full(n, plan.angle_rad))

    def simulate_batch(self, plan: ToyPlan, samples: ToySamples) -> BatchOutcome:
        if plan.delay_s:
            time.sleep(plan.delay_s)
        r, t, vz = _flight(samples)
        return BatchOutcome(
            checks=[
                check_landing_zone(plan, r),
                check_touchdown(plan, vz),
                check_ramp_rating(plan, len(r)),
            ],
            columns={"speed_m_s": samples.speed_m_s, "range_m": r, "flight_time_s": t},
        )

    def summarize(self, plan: ToyPlan, columns: Mapping[str, np.ndarray]) -> dict[str, Any]:
        r = columns["range_m"]
        return {"range_mean_m": float(np.mean(r)), "range_std_m": float(np.std(r, ddof=1))}


MONTECARLO = ToyMonteCarlo()


def simulate(plan: ToyPlan) -> ToyResult:
    out = MONTECARLO.simulate_batch(plan, MONTECARLO.nominal(plan, 1))
    cols = out.columns
    r, t = float(cols["range_m"][0]), float(cols["flight_time_s"][0])
    return ToyResult(
        name=plan.name,
        checks=[b.record(0) for b in out.checks],
        range_m=r,
        flight_time_s=t,
        touchdown_speed_m_s=plan.speed_m_s * float(np.sin(plan.angle_rad)),
        plan=plan,
    )


class ToyPresenter:
    def to_json(self, result: ToyResult) -> dict[str, Any]:
        return {"range_m": result.range_m, "flight_time_s": result.flight_time_s}

    def trajectory(self, result: ToyResult) -> Mapping[str, Any]:
        p = result.plan
        t = np.linspace(0.0, result.flight_time_s, 11)
        vx, vz = p.speed_m_s * np.cos(p.angle_rad), p.speed_m_s * np.sin(p.angle_rad)
        return {"t_s": t, "x_m": vx * t, "z_m": vz * t - 0.5 * G0 * t * t}

    def summary(self, result: ToyResult, console: Any, display: Any) -> None:
        from stuntsim.report.summary import checks_table, escape, verdict_line

        console.print(f"[bold]{escape(result.name)}[/]  toy  " + verdict_line(result.checks))
        console.print(checks_table(result.checks, display))

    def report_sections(self, result: ToyResult, display: Any) -> list[Any]:
        from stuntsim.report.html import Section

        return [Section("Toy flight", html=f"<p>range {result.range_m:.1f} m</p>")]


KIND: StuntKind[ToyScenario, ToyPlan, ToyResult] = StuntKind(
    name="toy",
    model=ToyScenario,
    build=build_plan,
    simulate=simulate,
    presenter=ToyPresenter(),
    montecarlo=MONTECARLO,
)

EXAMPLE = """kind = "toy"
name = "toy ramp"
speed_m_s = 20.0
angle_deg = 20.0
zone_near_m = 20.0
zone_far_m = 32.0
max_touchdown_speed_m_s = 7.5

[uncertainty]
speed_sigma_m_s = 1.0
angle_sigma_deg = 2.0
"""
