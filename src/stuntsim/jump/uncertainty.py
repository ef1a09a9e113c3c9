"""The ``[uncertainty]`` section of a jump scenario and the sampler of Monte Carlo inputs.

Every key names one random input and gives its distribution as a **deviation from the nominal
value** of the plan (so the nominal plan is the centre of every distribution):

- normal: ``{ sigma = ..., mean = ... }`` (``mean`` optional, default 0: a known bias);
- uniform: ``{ low = ..., high = ... }``;
- a choice among values: ``{ choice = [...], weights = [...] }`` (``weights`` optional, equal by
  default; they are normalised).

Amounts carry units (``"2 s"``, ``"100 ft"``, ``"15 deg"``, ``"0.5 m/s"``) or are percentages of
the nominal value (``"5 %"``) where the key allows it. What each key means physically, and what
it changes in the kernel (jump/dynamics.py), is in the docstring of its field below and in
docs/montecarlo.md.

Reproducibility. The generic driver (stuntsim/uncertainty/) cuts a run into seed blocks and calls
:func:`sample` once per block with that block's own numpy Generator. From it this module draws
one root and gives every key its own stream, ``SeedSequence([root, key id])``, so a sample's
inputs depend only on (seed, block, key): not on the chunking, the workers or the backend; and
adding or removing another key leaves them unchanged (common random numbers when comparing two
scenarios).

The pilot. With ``steering = "target"`` the canopy pilot steers on the FORECAST (the scenario's
winds: jump/kernel.py's pursuit law predicts the drift still to come from the unperturbed
profile) while the sample flies through its own perturbed wind; the pilot's own landing error
(``pilot_landing_error``, default :data:`PILOT_LANDING_SIGMA_M`) is added at touchdown.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field, model_validator

from stuntsim.errors import ScenarioError
from stuntsim.scenario.fields import StrictModel
from stuntsim.units import UnitParseError, parse_quantity

if TYPE_CHECKING:
    from stuntsim.jump.plan import JumpPlan
    from stuntsim.jump.simulate import JumpSamples

SEED_BLOCK = 4096
"""Samples per block of the seed stream: the fixed granularity of random-number generation,
independent of how a run is chunked for execution (chunks are whole numbers of blocks)."""

SIGMA_SPAN = 5.0
"""A normal deviation is checked to keep the quantity physical over mean +- 5 sigma (3 in 10
million samples fall beyond, on one side); beyond that the sampler clips at the physical floor."""

# Stable ids of the keys in the seed stream: never renumber (append new keys at the end).
KEY_IDS: dict[str, int] = {
    "wind_speed": 1,
    "wind_direction": 2,
    "wind_speed_layer": 3,
    "wind_direction_layer": 4,
    "exit_delay": 5,
    "exit_position": 6,
    "open_altitude": 7,
    "freefall_time": 8,
    "drag_area": 9,
    "position": 10,
    "mass": 11,
    "opening_time": 12,
    "canopy_forward_speed": 13,
    "canopy_descent_rate": 14,
    "pilot_landing_error": 15,
}

PILOT_LANDING_SIGMA_M = 15.0
"""Default standard deviation (m, east and north each) of the pilot's landing error about the
point the canopy's flight path reaches, when ``[uncertainty]`` gives no ``pilot_landing_error``.
An estimate (CEP50 = 1.18 sigma = 18 m): the order of a competent canopy pilot's accuracy on a
marked target; no published distribution was found. Set it for the jumper (``{ sigma = "5 m"
}`` for an accuracy competitor, larger for a student or a heavily loaded military jumper)."""


# =============================================================================================
# Amounts: absolute quantities or percentages of the nominal value
# =============================================================================================


def _amount_parser(kind: str, relative: str) -> Any:
    """``relative``: "no" (quantity only), "yes" (fraction only), "either"."""

    def parse(value: Any) -> tuple[float, bool]:
        if isinstance(value, bool):
            raise ValueError(f"expected an amount, got {value!r}")
        is_pct = isinstance(value, str) and value.strip().endswith(("%", "percent"))
        try:
            if relative == "yes" or (relative == "either" and is_pct):
                return parse_quantity(value, "fraction"), True
            if relative == "no" and is_pct:
                raise ValueError(f"{value!r}: give an absolute amount with its unit here")
            return parse_quantity(value, kind), False
        except UnitParseError as exc:
            raise ValueError(str(exc)) from None

    parse.__name__ = f"parse_{kind}_amount"
    return parse


def _amount(kind: str, relative: str) -> Any:
    return Annotated[tuple[float, bool], BeforeValidator(_amount_parser(kind, relative))]


class _DistBase(StrictModel):
    """Shared checks: exactly one family; consistent units; ordered bounds; weights."""

    weights: list[float] | None = None
    if TYPE_CHECKING:  # the fields each distribution model adds (see _dist)
        sigma: Any  # tuple[float, bool] | None: (amount, is_percentage)
        mean: Any
        low: Any
        high: Any
        choice: Any  # list[tuple[float, bool]] | None

    @model_validator(mode="after")
    def _family(self) -> Any:
        fams = [
            getattr(self, "sigma", None) is not None,
            getattr(self, "low", None) is not None or getattr(self, "high", None) is not None,
            getattr(self, "choice", None) is not None,
        ]
        if sum(fams) != 1:
            raise ValueError(
                "give one distribution: { sigma = ... } (normal), { low = ..., high = ... } "
                "(uniform) or { choice = [...] }"
            )
        if getattr(self, "mean", None) is not None and getattr(self, "sigma", None) is None:
            raise ValueError("mean goes with sigma (a normal distribution)")
        if fams[1] and (self.low is None or self.high is None):
            raise ValueError("a uniform distribution needs both low and high")
        if self.weights is not None and not fams[2]:
            raise ValueError("weights go with choice")
        amounts = [a for a in self.amounts() if a is not None]
        if len({rel for _, rel in amounts}) > 1:
            raise ValueError("mix of percentages and absolute amounts: use one or the other")
        if fams[0] and self.sigma[0] < 0.0:
            raise ValueError("sigma must be >= 0")
        if fams[1] and self.low[0] > self.high[0]:
            raise ValueError("low must not exceed high")
        if fams[2]:
            k = len(self.choice)
            if k < 1:
                raise ValueError("choice needs at least one value")
            if self.weights is not None:
                w = self.weights
                if len(w) != k:
                    raise ValueError(f"{len(w)} weights for {k} choices")
                if any(not math.isfinite(x) or x < 0 for x in w) or sum(w) <= 0:
                    raise ValueError("weights must be >= 0 with a positive sum")
        return self

    def amounts(self) -> list[tuple[float, bool] | None]:
        out = [getattr(self, k, None) for k in ("sigma", "mean", "low", "high")]
        return out + list(getattr(self, "choice", None) or [])

    @property
    def relative(self) -> bool:
        return any(a[1] for a in self.amounts() if a is not None)

    def span(self) -> tuple[float, float]:
        """Range of deviations to check against physical limits (normal: mean +- 5 sigma)."""
        if self.sigma is not None:
            m = self.mean[0] if self.mean is not None else 0.0
            return m - SIGMA_SPAN * self.sigma[0], m + SIGMA_SPAN * self.sigma[0]
        if self.low is not None:
            return self.low[0], self.high[0]
        vals = [c[0] for c in self.choice]
        return min(vals), max(vals)

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        """Deviations of this distribution, as plain numbers (SI or fractions)."""
        if self.sigma is not None:
            m = self.mean[0] if self.mean is not None else 0.0
            return m + self.sigma[0] * rng.standard_normal(shape)
        if self.low is not None:
            return self.low[0] + (self.high[0] - self.low[0]) * rng.random(shape)
        vals = np.array([c[0] for c in self.choice])
        return vals[_choice_index(rng, len(vals), self.weights, shape)]


def _choice_index(rng: np.random.Generator, k: int, weights: Any, shape: Any) -> np.ndarray:
    if weights is None:
        return rng.integers(0, k, size=shape)
    p = np.asarray(weights, dtype=float)
    return rng.choice(k, size=shape, p=p / p.sum())


def _dist(kind: str, relative: str, name: str, choice: bool = True) -> type[_DistBase]:
    amount = _amount(kind, relative)
    fields: dict[str, Any] = {
        "sigma": (amount | None, None),
        "mean": (amount | None, None),
        "low": (amount | None, None),
        "high": (amount | None, None),
    }
    if choice:
        fields["choice"] = (list[amount] | None, None)  # type: ignore[valid-type]
    from pydantic import create_model

    return create_model(name, __base__=_DistBase, **fields)


WindSpeedDist = _dist("fraction", "yes", "WindSpeedDist")
AngleDist = _dist("angle", "no", "AngleDist")
TimeDist = _dist("time", "no", "TimeDist")
LengthDist = _dist("length", "no", "LengthDist")
PositionErrorDist = _dist("length", "no", "PositionErrorDist", choice=False)
AreaDist = _dist("area", "either", "AreaDist")
MassDist = _dist("mass", "either", "MassDist")
TimeOrPctDist = _dist("time", "either", "TimeOrPctDist")
SpeedDist = _dist("speed", "either", "SpeedDist")

BodyPosition = Literal["belly", "head_down", "sit", "track", "halo_belly"]


class PositionChoice(StrictModel):
    choice: list[BodyPosition] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Any:
        if self.weights is not None:
            if len(self.weights) != len(self.choice):
                raise ValueError(f"{len(self.weights)} weights for {len(self.choice)} choices")
            if any(not math.isfinite(x) or x < 0 for x in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be >= 0 with a positive sum")
        return self


# =============================================================================================
# The section
# =============================================================================================


class UncertaintySection(StrictModel):
    """What varies from one simulated jump to the next (docs/montecarlo.md).

    Each field is optional; an absent key keeps the nominal value in every sample.
    """

    wind_speed: WindSpeedDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Forecast error of the wind speed as one factor on the whole profile: every level's "
            "wind vector is multiplied by (1 + x), x a fraction ('20 %'). Models a bulletin "
            "that is too strong or too weak at every height together (errors of one forecast "
            "are strongly correlated in height). Factors below zero are clipped to 0 (calm)."
        ),
    )
    wind_direction: AngleDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Forecast error of the wind direction as one offset for the whole profile: every "
            "level's wind vector is turned clockwise (the wind veers) by the deviation."
        ),
    )
    wind_speed_layer: WindSpeedDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Independent speed factor (1 + x_k) for each level k of the wind profile (each "
            "[[winds]] entry or each level of the winds file), on top of wind_speed: the part "
            "of the forecast error that differs from level to level. Between levels the "
            "perturbed vectors are interpolated like the profile itself. The navigating "
            "canopy pilot ('target' steering) does not know these level errors."
        ),
    )
    wind_direction_layer: AngleDist | None = Field(  # type: ignore[valid-type]
        None,
        description="Independent direction offset for each level of the profile (see above).",
    )
    exit_delay: TimeDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Exit timing error (s): a late exit (positive) moves the exit point along the jump "
            "run by the delay times the aircraft's ground velocity (true airspeed along the "
            "heading plus the sample's wind at the exit altitude); early exits are negative. "
            "Covers the green light given late, the stick's exit order, hesitation."
        ),
    )
    exit_position: PositionErrorDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Navigation error of the exit point: independent east and north offsets with this "
            "distribution each (sigma: a circular normal error; low/high: a square)."
        ),
    )
    open_altitude: LengthDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Deployment altitude error: the jumper pulls higher or lower than planned (altimeter "
            "error, reaction time, an AAD-style backup firing). Plans that deploy by "
            "freefall_time use the freefall_time key instead."
        ),
    )
    freefall_time: TimeDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Error of the deployment time after exit, for plans that deploy by freefall_time "
            "(HAHO count or timer). Negative times are clipped to 0 (deploy at exit)."
        ),
    )
    drag_area: AreaDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Jumper freefall drag area error (body size and posture, loose equipment): CdA is "
            "multiplied by (1 + x) for a percentage or increased by x for an area (a Cd(Mach) "
            "table is scaled by the same factor). Sets the fall rate as 1/sqrt(CdA)."
        ),
    )
    position: PositionChoice | None = Field(
        None,
        description=(
            "Body position drawn per sample among presets of jump/jumper.py (drag area and L/D "
            "of that preset; drag_area's error applies on top). Needs jumper.position."
        ),
    )
    mass: MassDist | None = Field(  # type: ignore[valid-type]
        None, description="All-up mass error (jumper, rig, oxygen, load): kg or percent."
    )
    opening_time: TimeOrPctDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Canopy opening time error (packing, airspeed at deployment): a faster opening "
            "raises the opening shock, a slower one loses more height."
        ),
    )
    canopy_forward_speed: SpeedDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Canopy forward airspeed error (canopy model and wing loading, trim, brakes): "
            "speed or percent of the sea-level value; floored at 0."
        ),
    )
    canopy_descent_rate: SpeedDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "Canopy descent-rate error (wing loading, canopy age): speed or percent of the "
            "sea-level value; floored at 0.5 m/s."
        ),
    )
    pilot_landing_error: PositionErrorDist | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "The canopy pilot's landing error: independent east and north offsets of the "
            "touchdown point (flare, last corrections, judgement). Absent: a normal error of "
            "15 m each way (an estimate); { sigma = '0 m' } turns it off."
        ),
    )

    def keys(self) -> list[str]:
        return [k for k in KEY_IDS if getattr(self, k) is not None]


# physical floors the sampler clips at (and the 5-sigma validation checks against)
FLOORS = {
    "cda_scale": 0.05,
    "mass": 1.0,  # kg
    "opening_time": 0.2,  # s, the schema's lower bound
    "canopy_u0": 0.0,
    "canopy_w0": 0.5,  # m/s, the schema's lower bound
}


def validate(unc: UncertaintySection, plan: JumpPlan, path: Path | str) -> None:
    """Checks that need the plan; ScenarioError naming ``uncertainty.<key>``."""

    def err(key: str, msg: str) -> ScenarioError:
        return ScenarioError(path, f"uncertainty.{key}", msg)

    by_time = plan.open_altitude is None
    if unc.open_altitude is not None and by_time:
        raise err("open_altitude", "this plan deploys by freefall_time: use freefall_time")
    if unc.freefall_time is not None and not by_time:
        raise err("freefall_time", "this plan deploys by open_altitude: use open_altitude")
    if unc.position is not None and plan.scenario.jumper.position is None:
        raise err("position", "a body-position choice needs jumper.position in the plan")
    if unc.drag_area is not None and plan.stages and unc.drag_area.relative is False:
        raise err("drag_area", "with a sequence of positions give the drag-area error in %")
    if (unc.wind_speed_layer or unc.wind_direction_layer) and plan.air.wind.is_calm:
        key = "wind_speed_layer" if unc.wind_speed_layer else "wind_direction_layer"
        raise err(key, "the wind profile is calm: there are no levels to perturb")
    cda0 = float(plan.drag.cda[0])
    nominal = {
        "drag_area": ("cda_scale", 1.0, cda0),
        "mass": ("mass", plan.mass, plan.mass),
        "opening_time": ("opening_time", plan.canopy.opening_time, plan.canopy.opening_time),
        "canopy_forward_speed": ("canopy_u0", plan.canopy.forward_speed, None),
        "canopy_descent_rate": ("canopy_w0", plan.canopy.descent_rate, None),
    }
    for key, (floor_key, value0, unit_base) in nominal.items():
        d = getattr(unc, key)
        if d is None:
            continue
        lo, _ = d.span()
        if d.relative:
            low_value = value0 * (1.0 + lo)
        elif key == "drag_area":
            low_value = 1.0 + lo / unit_base
        else:
            low_value = value0 + lo
        floor = FLOORS[floor_key]
        if low_value < floor - 1e-12:
            what = "mean - 5 sigma" if d.sigma is not None else "the lowest value"
            raise err(key, f"{what} gives a non-physical value; narrow the distribution")
    for key in ("wind_speed", "wind_speed_layer"):
        d = getattr(unc, key)
        if d is not None and d.span()[0] < -1.0 - 1e-12 and d.sigma is None:
            raise err(key, "a factor below -100 % reverses the wind; narrow the distribution")


# =============================================================================================
# Sampling
# =============================================================================================


def key_rng(root: tuple[int, int], key: str) -> np.random.Generator:
    """The generator of one key in one seed block (module docstring)."""
    ss = np.random.SeedSequence([int(root[0]), int(root[1]), KEY_IDS[key]])
    return np.random.Generator(np.random.PCG64(ss))


def draws(
    unc: UncertaintySection, rng: np.random.Generator, n: int, n_levels: int
) -> dict[str, np.ndarray]:
    """Raw deviations of every key for n samples of one seed block."""
    r = rng.integers(0, 2**63 - 1, size=2, dtype=np.int64)
    root = (int(r[0]), int(r[1]))
    out: dict[str, np.ndarray] = {}
    for key in unc.keys():
        d = getattr(unc, key)
        if key in ("wind_speed_layer", "wind_direction_layer"):
            shape: tuple[int, ...] = (n, n_levels)
        elif key in ("exit_position", "pilot_landing_error"):
            shape = (n, 2)
        else:
            shape = (n,)
        g = key_rng(root, key)
        if key == "position":
            out[key] = _choice_index(g, len(d.choice), d.weights, shape)
        else:
            out[key] = d.draw(g, shape)
    if "pilot_landing_error" not in out:
        g = key_rng(root, "pilot_landing_error")
        out["pilot_landing_error"] = PILOT_LANDING_SIGMA_M * g.standard_normal((n, 2))
    return out


def _apply(d: Any, dev: np.ndarray, value0: float) -> np.ndarray:
    return value0 * (1.0 + dev) if d.relative else value0 + dev


def sample(
    plan: JumpPlan, unc: UncertaintySection, rng: np.random.Generator, n: int
) -> JumpSamples:
    """n perturbed jumps of one seed block, drawn with that block's generator ``rng``."""
    from stuntsim.jump.jumper import BODY_POSITIONS
    from stuntsim.jump.plan import nominal_batch, with_exit_state
    from stuntsim.jump.simulate import JumpSamples

    n_levels = len(plan.air.wind.altitude)
    dv = draws(unc, rng, n, n_levels)
    inputs: dict[str, np.ndarray] = {}
    over: dict[str, Any] = {}
    ones = np.ones(n)
    if "wind_speed" in dv:
        over["wind_scale"] = np.maximum(1.0 + dv["wind_speed"], 0.0)
    if "wind_direction" in dv:
        over["wind_rotation"] = dv["wind_direction"].copy()
    if "wind_speed_layer" in dv:
        over["wind_layer_scale"] = np.maximum(1.0 + dv["wind_speed_layer"], 0.0)
    if "wind_direction_layer" in dv:
        over["wind_layer_rotation"] = dv["wind_direction_layer"].copy()
    cda0 = float(plan.drag.cda[0])
    scale = ones.copy()
    if "position" in dv:
        assert unc.position is not None and plan.scenario.jumper.position is not None
        names = unc.position.choice
        nominal = BODY_POSITIONS[plan.scenario.jumper.position]
        ratio = np.array([BODY_POSITIONS[nm].drag_area() / nominal.drag_area() for nm in names])
        lift = np.array([BODY_POSITIONS[nm].glide_ratio for nm in names])
        gr = plan.scenario.jumper.glide_ratio
        if gr is not None:  # an explicit glide ratio overrides every preset's
            lift = np.full(len(names), float(gr))
        k = dv["position"]
        scale = scale * ratio[k]
        over["lift_ratio"] = lift[k]
        inputs["position"] = np.asarray(names, dtype=object)[k]
    if "drag_area" in dv:
        d = unc.drag_area
        assert d is not None
        scale = scale * ((1.0 + dv["drag_area"]) if d.relative else (1.0 + dv["drag_area"] / cda0))
    if "position" in dv or "drag_area" in dv:
        over["cda_scale"] = np.maximum(scale, FLOORS["cda_scale"])
    if "mass" in dv:
        over["mass"] = np.maximum(_apply(unc.mass, dv["mass"], plan.mass), FLOORS["mass"])
    if "opening_time" in dv:
        t_open = _apply(unc.opening_time, dv["opening_time"], plan.canopy.opening_time)
        over["opening_time"] = np.maximum(t_open, FLOORS["opening_time"])
    if "canopy_forward_speed" in dv:
        u0 = _apply(unc.canopy_forward_speed, dv["canopy_forward_speed"], plan.canopy.forward_speed)
        over["canopy_u0"] = np.maximum(u0, FLOORS["canopy_u0"])
    if "canopy_descent_rate" in dv:
        w0 = _apply(unc.canopy_descent_rate, dv["canopy_descent_rate"], plan.canopy.descent_rate)
        over["canopy_w0"] = np.maximum(w0, FLOORS["canopy_w0"])
    if "open_altitude" in dv:
        over["deploy_altitude"] = plan.open_altitude + dv["open_altitude"]
    if "freefall_time" in dv:
        over["deploy_after"] = np.maximum(plan.freefall_time + dv["freefall_time"], 0.0)
    batch = nominal_batch(plan, n, **over)
    east = np.full(n, plan.exit_east)
    north = np.full(n, plan.exit_north)
    if "exit_position" in dv:
        east = east + dv["exit_position"][:, 0]
        north = north + dv["exit_position"][:, 1]
    if "exit_delay" in dv:
        # ground velocity of the aircraft in this sample's wind (with_exit_state's exit velocity)
        vg = with_exit_state(batch, plan, east, north).y0[:, 3:5]
        east = east + dv["exit_delay"] * vg[:, 0]
        north = north + dv["exit_delay"] * vg[:, 1]
        inputs["exit_delay_s"] = dv["exit_delay"]
    batch = with_exit_state(batch, plan, east, north)
    inputs.update(
        {
            "exit_east_m": east,
            "exit_north_m": north,
            "wind_scale": batch.wind_scale,
            "wind_rotation_deg": np.degrees(batch.wind_rotation),
            "mass_kg": batch.mass,
            "cda_scale": batch.cda_scale,
            "deploy_altitude_m": np.where(
                np.isfinite(batch.deploy_altitude), batch.deploy_altitude, np.nan
            ),
            "deploy_after_s": np.where(np.isfinite(batch.deploy_after), batch.deploy_after, np.nan),
            "opening_time_s": batch.opening_time,
            "canopy_forward_speed_m_s": batch.canopy_u0,
            "canopy_descent_rate_m_s": batch.canopy_w0,
        }
    )
    if batch.lift_ratio is not None:
        inputs["lift_ratio"] = batch.lift_ratio
    pe, pn = dv["pilot_landing_error"][:, 0], dv["pilot_landing_error"][:, 1]
    inputs["pilot_error_east_m"] = pe
    inputs["pilot_error_north_m"] = pn
    for key, col in (
        ("wind_layer_scale", "wind_scale_level"),
        ("wind_layer_rotation", "wind_rotation_deg_level"),
    ):
        arr = getattr(batch, key)
        if arr is not None:
            vals = np.degrees(arr) if "rotation" in key else arr
            for j in range(arr.shape[1]):
                inputs[f"{col}_{j}"] = vals[:, j]
    return JumpSamples(batch, pe.copy(), pn.copy(), inputs)
