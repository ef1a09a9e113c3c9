"""The optimising planner of ``stuntsim car-plan``: the plan a stunt driver can follow.

**The question it answers.** Given the parameters the scenario's ``[planner.free]`` marks free
(entry speed, start distance from the top nosing, the turn-in cone, the steering amplitude, the
countersteer cue, when the clutch comes up after the last-10-degree cue), with bounds: which
values make a plan that passes every fail check of ``stuntsim run`` with the widest margin, for
the nominal plan *and* for copies with the driver's timing and speed scattered; how far may each
value be missed before the plan fails (its tolerance band); and what the car does just outside
each band (which check fails, where the car goes: the zone to keep crew out of).

**One definition of feasible.** A plan is feasible when every check of severity "fail" returned
by :func:`stuntsim.car.simulate.simulate_batch` passes: the same check functions as ``run``
(:func:`stuntsim.car.optimise.evaluation_from_checks`); the planner has no checks of its own.

**How.** A candidate is a vector of the free parameters; :func:`candidate_samples` turns P
candidates x S jitter rows into one :class:`~stuntsim.car.samples.CarSamples` batch (start
north, entry speed, keyframe steering values, trigger thresholds, keyframe times), simulated in
one call. The jitter rows come from the car's Monte Carlo (``[uncertainty]``) when the scenario
has one, else from the planner's timing and speed scatter (:func:`draw_jitter`); the same rows
serve every candidate (common random numbers). :mod:`stuntsim.car.optimise` maximises the worst
margin with differential evolution and finds the bands by bisection.

How a parameter maps onto the plan (keyframe tags in ``[[driver]]``):

- ``entry_speed``: the start speed's magnitude (its sign, reversing, is kept);
- ``start_distance``: the CG's distance from the top nosing at t = 0;
- ``turn_in``: the threshold of the ``north >= ...`` trigger of the keyframes tagged
  ``"turn-in"``, as a distance from the top nosing: the cone where the driver lifts and
  declutches;
- ``steer``: the steering value of the keyframes tagged ``"lock"`` (sign kept);
- ``countersteer``: the angle of the ``abs_yaw >= ...`` trigger of the keyframes tagged
  ``"countersteer"``;
- ``clutch_up``: the time after the last-10-degree cue of the keyframes tagged
  ``"clutch-up"`` (first gear, the clutch coming up and any blip move together).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from stuntsim.car.driver import CHANNELS
from stuntsim.car.optimise import Evaluation
from stuntsim.car.plan import CarPlan

TAG_TURN_IN = "turn-in"  # keyframes of the turn-in (lift, clutch down): their trigger is a cone
TAG_LOCK = "lock"  # keyframes that put the steering on: their steer value is the amplitude
TAG_COUNTER = "countersteer"  # keyframes of the countersteer: their trigger is a yaw angle
TAG_CLUTCH_UP = "clutch-up"  # keyframes of first gear and the clutch coming up, after the cue

FREE_KEYS = ("entry_speed", "start_distance", "turn_in", "steer", "countersteer", "clutch_up")
FREE_LABELS = {
    "entry_speed": "entry speed",
    "start_distance": "start (CG from the top nosing)",
    "turn_in": "turn-in cone (lift, clutch down)",
    "steer": "steering amplitude",
    "countersteer": "countersteer cue (rotation)",
    "clutch_up": "clutch-up delay (after its cue)",
    "ramp_height": "ramp height",
}
FREE_UNITS = {
    "entry_speed": "speed",
    "start_distance": "distance",
    "turn_in": "distance",
    "steer": "angle",
    "countersteer": "angle",
    "clutch_up": "time",
    "ramp_height": "distance",
}


@dataclass(frozen=True)
class FreeParam:
    """One free plan parameter, SI, and where it goes in a batch of samples."""

    key: str  # one of FREE_KEYS
    lo: float
    hi: float
    start: float  # the plan's own value
    keyframes: tuple[int, ...] = ()  # steer: keyframes it sets (with sign); clutch_up: moves
    signs: tuple[float, ...] = ()
    condition: int | None = None  # turn_in / countersteer: index into samples.trigger_value
    cond_sign: float = 1.0

    @property
    def label(self) -> str:
        return FREE_LABELS[self.key]


@dataclass(frozen=True)
class PlannerSpec:
    free: tuple[FreeParam, ...]
    jitter_samples: int = 4
    timing_jitter: float = 0.05  # s, one-sigma reaction scatter on each cue (estimate)
    speed_jitter: float = 0.5  # m/s, one-sigma entry-speed scatter (estimate)
    population: int = 6
    generations: int = 8
    seed: int = 1
    step: float | None = None
    band_steps: int = 5
    robustness_samples: int = 32
    jitter_source: str = "none (the nominal plan only)"
    # the plan rebuilt with another ramp height (the ground is the plan's, not a sample's)
    rebuild: Callable[[float], CarPlan] | None = field(default=None, compare=False, repr=False)


def _edge(plan: CarPlan) -> float:
    """North coordinate of the top nosing (the first step edge); NaN on flat ground."""
    edge = getattr(plan.ground, "edge_north", None)
    return float("nan") if edge is None else edge


def build_planner(model: Any, plan: CarPlan, path: Any) -> PlannerSpec:
    """The planner's spec from the scenario's ``[planner]`` section; ScenarioError on a free
    parameter the plan cannot express (no stairs, no tagged keyframe, no cue on a trigger)."""
    from stuntsim.car.samples import trigger_conditions
    from stuntsim.errors import ScenarioError

    if getattr(model, "search", None) is not None:
        raise ScenarioError(
            path,
            "search",
            "the [search] grid was replaced by [planner] with [planner.free] ranges "
            "(docs/car.md, Planner)",
        )
    sec = getattr(model, "planner", None)
    if sec is None:
        raise ScenarioError(
            path, "planner", "car-plan needs a [planner] section with [planner.free] ranges"
        )
    edge = _edge(plan)
    conds = trigger_conditions(plan)
    kfs = plan.timeline.keyframes
    free: list[FreeParam] = []

    def tagged_condition(tag: str, variables: tuple[str, ...], field: str) -> tuple[int, float]:
        groups = {k.group for k in kfs if k.tag == tag and k.group > 0}
        for m, (g, var, _op, _v) in enumerate(conds):
            if g in groups and var in variables:
                return m, 1.0
        raise ScenarioError(
            path,
            field,
            f"needs [[driver]] keyframes with tag = {tag!r} hanging on a trigger on "
            f'{" or ".join(variables)} (e.g. after = "{variables[0]} >= ...")',
        )

    for key in FREE_KEYS:
        rng = getattr(sec.free, key)
        if rng is None:
            continue
        field = f"planner.free.{key}"
        lo, hi = float(rng[0]), float(rng[1])
        if key == "entry_speed":
            lo, hi = abs(lo), abs(hi)
        if not hi > lo:
            raise ScenarioError(path, field, "give [low, high] with low < high")
        if key in ("start_distance", "turn_in") and not np.isfinite(edge):
            raise ScenarioError(path, field, "distances from the top nosing need [stairs]")
        if key == "entry_speed":
            free.append(FreeParam(key, lo, hi, abs(plan.start.speed)))
        elif key == "start_distance":
            free.append(FreeParam(key, lo, hi, edge - plan.start.north))
        elif key == "turn_in":
            m, _ = tagged_condition(TAG_TURN_IN, ("north",), field)
            free.append(FreeParam(key, lo, hi, edge - conds[m][3], condition=m))
        elif key == "countersteer":
            m, _ = tagged_condition(TAG_COUNTER, ("abs_yaw", "yaw"), field)
            v = conds[m][3]
            sign = -1.0 if v < 0 else 1.0
            free.append(FreeParam(key, lo, hi, abs(v), condition=m, cond_sign=sign))
        elif key == "clutch_up":
            idx = tuple(i for i, k in enumerate(kfs) if k.tag == TAG_CLUTCH_UP and k.group > 0)
            if not idx:
                raise ScenarioError(
                    path,
                    field,
                    f"needs [[driver]] keyframes with tag = {TAG_CLUTCH_UP!r} after the cue "
                    "(gear = 1 and the clutch coming up)",
                )
            free.append(FreeParam(key, lo, hi, float(kfs[idx[0]].t), keyframes=idx))
        elif key == "steer":
            idx = tuple(i for i, k in enumerate(kfs) if k.tag == TAG_LOCK and k.get("steer"))
            if not idx:
                raise ScenarioError(
                    path, field, f"needs [[driver]] keyframes with tag = {TAG_LOCK!r} and a steer"
                )
            vals = [float(kfs[i].get("steer") or 0.0) for i in idx]
            if hi > plan.vehicle.max_steer + 1e-9:
                raise ScenarioError(
                    path,
                    field,
                    f"beyond full lock ({np.degrees(plan.vehicle.max_steer):.0f} deg for this car)",
                )
            free.append(
                FreeParam(
                    key,
                    lo,
                    hi,
                    abs(vals[0]),
                    keyframes=idx,
                    signs=tuple(float(np.sign(v)) for v in vals),
                )
            )
    rebuild = None
    rng_h = getattr(sec.free, "ramp_height", None)
    if rng_h is not None:
        field_h = "planner.free.ramp_height"
        found = _find_ramp(model)
        if found is None:
            raise ScenarioError(
                path, field_h, "needs a ramp in the ground (a section with a ramp height)"
            )
        lo, hi = float(rng_h[0]), float(rng_h[1])
        if not hi > lo:
            raise ScenarioError(path, field_h, "give [low, high] with low < high")
        where, current = found

        def rebuild(h: float, where: tuple[Any, ...] = where) -> CarPlan:
            from stuntsim.car.plan import build_plan

            return build_plan(_with_value(model, where, h), path)

        free.append(FreeParam("ramp_height", lo, hi, current))
    if not free:
        raise ScenarioError(path, "planner.free", "mark at least one plan parameter free")
    return PlannerSpec(
        free=tuple(free),
        jitter_samples=sec.jitter_samples,
        timing_jitter=sec.timing_jitter,
        speed_jitter=sec.speed_jitter,
        population=sec.population,
        generations=sec.generations,
        seed=sec.seed,
        step=sec.step,
        band_steps=sec.band_steps,
        robustness_samples=sec.robustness_samples,
        rebuild=rebuild,
    )


RAMP_SNAP = 0.01  # m: ramp heights are built to the centimetre (and grouped so in a batch)


def _find_ramp(model: Any, depth: int = 0) -> tuple[tuple[Any, ...], float] | None:
    """The path (attribute names, list indices) to the first ramp's ``height`` in the scenario
    model, and its value: a section whose name says ramp or kicker and that has a height."""
    from pydantic import BaseModel

    if depth > 3 or not isinstance(model, BaseModel):
        return None
    for name in type(model).model_fields:
        v = getattr(model, name)
        items = list(enumerate(v)) if isinstance(v, list) else [(None, v)]
        for i, item in items:
            if not isinstance(item, BaseModel):
                continue
            here: tuple[Any, ...] = (name,) if i is None else (name, i)
            label = (name + type(item).__name__).lower()
            h = getattr(item, "height", None)
            if ("ramp" in label or "kicker" in label) and isinstance(h, float | int):
                return (*here, "height"), float(h)
            deeper = _find_ramp(item, depth + 1)
            if deeper is not None:
                return (*here, *deeper[0]), deeper[1]
    return None


def _with_value(model: Any, where: tuple[Any, ...], value: float) -> Any:
    """A copy of the pydantic ``model`` with the field at ``where`` set to ``value``."""
    key, rest = where[0], where[1:]
    if isinstance(key, int):
        items = list(model)
        items[key] = _with_value(items[key], rest, value) if rest else value
        return items
    if not rest:
        return model.model_copy(update={key: value})
    return model.model_copy(update={key: _with_value(getattr(model, key), rest, value)})


# --- candidates -> samples -------------------------------------------------------------------


@dataclass(frozen=True)
class Jitter:
    """S perturbations applied on top of every candidate (row 0: none, the nominal plan).

    Additive: entry speed, keyframe times, trigger thresholds; the vehicle columns (friction,
    mass, ...) are taken as drawn.
    """

    speed: np.ndarray  # (S,) m/s, added to the magnitude
    key_time: np.ndarray  # (S, K) s
    trigger_value: np.ndarray  # (S, M)
    vehicle: dict[str, np.ndarray]  # name -> (S,) values
    source: str = "planner defaults"

    def __len__(self) -> int:
        return int(self.speed.shape[0])


def draw_jitter(plan: CarPlan, spec: PlannerSpec, n: int, seed: int, model: Any = None) -> Jitter:
    """Row 0 unperturbed, rows 1..n-1 drawn.

    From the car's Monte Carlo (``[uncertainty]`` of the scenario, the same draws ``stuntsim mc``
    makes) when the scenario has one; otherwise the planner's defaults: one reaction delay per
    cue (each trigger group and each tag of timed keyframes, Normal(0, timing_jitter)) and an
    entry-speed error Normal(0, speed_jitter) (estimates of a rehearsed driver).
    """
    from stuntsim.car.samples import nominal

    base = nominal(plan, 1)
    K = base.key_time_s.shape[1]
    M = base.trigger_value.shape[1]
    speed = np.zeros(n)
    key_time = np.zeros((n, K))
    trig = np.zeros((n, M))
    vehicle: dict[str, np.ndarray] = {}
    if n <= 1:
        return Jitter(speed, key_time, trig, vehicle)
    rng = np.random.default_rng(seed)
    drawn = _mc_draws(plan, model, rng, n - 1)
    if drawn is not None:
        sgn = 1.0 if plan.start.speed >= 0 else -1.0
        speed[1:] = sgn * (drawn.speed_m_s - base.speed_m_s)
        key_time[1:] = np.nan_to_num(drawn.key_time_s - base.key_time_s)
        trig[1:] = np.nan_to_num(drawn.trigger_value - base.trigger_value)
        for name in ("mu_scale", "cornering_scale", "mass_kg", "cg_height_m"):
            col = np.concatenate([getattr(base, name), getattr(drawn, name)])
            vehicle[name] = col
        return Jitter(speed, key_time, trig, vehicle, "[uncertainty] (the car's Monte Carlo draws)")
    kfs = plan.timeline.keyframes
    cues: dict[tuple[int, str | None], list[int]] = {}
    for i, k in enumerate(kfs):
        if k.group == 0 and k.t <= 0.0:
            continue  # the start itself
        cues.setdefault((k.group, k.tag if k.group == 0 else None), []).append(i)
    for idx in cues.values():
        key_time[1:, idx] = rng.normal(0.0, spec.timing_jitter, (n - 1, 1))
    speed[1:] = rng.normal(0.0, spec.speed_jitter, n - 1)
    source = (
        f"planner scatter: {spec.timing_jitter:.2f} s per cue, {spec.speed_jitter:.1f} m/s "
        "(estimates)"
    )
    return Jitter(speed, key_time, trig, vehicle, source)


def _mc_draws(plan: CarPlan, model: Any, rng: np.random.Generator, n: int) -> Any | None:
    """n samples from the car's Monte Carlo, or None without [uncertainty] (or without it)."""
    if model is None or getattr(model, "uncertainty", None) is None:
        return None
    try:
        from stuntsim.kinds import get_kind

        mc = get_kind("car").montecarlo
        unc = mc.uncertainty(model)
        if unc is None:
            return None
        return mc.sample(plan, unc, rng, n)
    except (ImportError, AttributeError, NotImplementedError):
        return None


def candidate_samples(plan: CarPlan, spec: PlannerSpec, X: np.ndarray, jitter: Jitter) -> Any:
    """CarSamples for P candidates x S jitter rows, row p * S + s."""
    from stuntsim.car.samples import nominal

    X = np.atleast_2d(np.asarray(X, dtype=float))
    P, S = X.shape[0], len(jitter)
    smp = nominal(plan, P * S)
    sgn = 1.0 if plan.start.speed >= 0 else -1.0
    speed = np.full(P * S, abs(plan.start.speed))
    north = smp.start_north_m.copy()
    key_value = smp.key_value.copy()
    key_time = smp.key_time_s.copy()
    trig = smp.trigger_value.copy()
    i_steer = CHANNELS.index("steer")
    edge = _edge(plan)
    for d, fp in enumerate(spec.free):
        col = np.repeat(X[:, d], S)
        if fp.key == "entry_speed":
            speed = col
        elif fp.key == "start_distance":
            north = edge - col
        elif fp.key == "turn_in":
            trig[:, fp.condition] = edge - col
        elif fp.key == "countersteer":
            trig[:, fp.condition] = fp.cond_sign * col
        elif fp.key == "steer":
            for k, sg in zip(fp.keyframes, fp.signs, strict=True):
                key_value[:, k, i_steer] = sg * col
        elif fp.key == "clutch_up":
            for k in fp.keyframes:
                key_time[:, k] += col - fp.start
    tile = np.tile
    speed = np.maximum(speed + tile(jitter.speed, P), 0.1)
    over: dict[str, np.ndarray] = {
        "speed_m_s": sgn * speed,
        "start_north_m": north,
        "key_time_s": key_time + tile(jitter.key_time, (P, 1)),
        "key_value": key_value,
        "trigger_value": trig + tile(jitter.trigger_value, (P, 1)),
    }
    for name, col in jitter.vehicle.items():
        over[name] = tile(col, P)
    return replace(smp, **over)


def plan_at(plan: CarPlan, spec: PlannerSpec, x: np.ndarray) -> CarPlan:
    """The plan with the free parameters set to ``x`` (what a driver would rehearse): start,
    speed, steering values and trigger thresholds rewritten, everything else as in the file."""
    from stuntsim.car.driver import Condition, Trigger

    for d, fp in enumerate(spec.free):
        if fp.key == "ramp_height" and spec.rebuild is not None:
            plan = _keep_run(spec.rebuild(_snap(float(x[d]))), plan)
    edge = _edge(plan)
    start = plan.start
    kfs = list(plan.timeline.keyframes)
    conds = [list(t.conditions) for t in plan.timeline.triggers]
    flat = [(g, c) for g, t in enumerate(conds) for c in range(len(t))]
    for d, fp in enumerate(spec.free):
        v = float(x[d])
        if fp.key == "entry_speed":
            start = replace(start, speed=(1.0 if plan.start.speed >= 0 else -1.0) * v)
        elif fp.key == "start_distance":
            start = replace(start, north=edge - v)
        elif fp.key in ("turn_in", "countersteer"):
            assert fp.condition is not None
            g, c = flat[fp.condition]
            val = edge - v if fp.key == "turn_in" else fp.cond_sign * v
            conds[g][c] = Condition(conds[g][c].variable, conds[g][c].op, val)
        elif fp.key == "steer":
            for k, sg in zip(fp.keyframes, fp.signs, strict=True):
                vals = tuple((ch, sg * v if ch == "steer" else val) for ch, val in kfs[k].values)
                kfs[k] = replace(kfs[k], values=vals)
        elif fp.key == "clutch_up":
            for k in fp.keyframes:
                kfs[k] = replace(kfs[k], t=kfs[k].t + v - fp.start)
    triggers = tuple(Trigger(tuple(cs), _trigger_text(cs)) for cs in conds)
    timeline = replace(plan.timeline, keyframes=tuple(kfs), triggers=triggers)
    return replace(plan, start=start, timeline=timeline)


def _trigger_text(conds: list[Any]) -> str:
    from stuntsim.car.driver import TRIGGER_VARIABLES

    parts = []
    for c in conds:
        kind = TRIGGER_VARIABLES[c.variable][0]
        v = float(c.value)
        if kind == "angle":
            txt = f"{np.degrees(v):.1f} deg"
        elif kind == "length":
            txt = f"{v:.2f} m"
        elif kind == "speed":
            txt = f"{v:.2f} m/s"
        elif kind == "time":
            txt = f"{v:.3f} s"
        elif kind == "frequency":
            txt = f"{np.degrees(v):.1f} deg/s"
        else:
            txt = f"{v:g}"
        parts.append(f"{c.variable} {c.op} {txt}")
    return " and ".join(parts)


# --- evaluation on the batched simulator -----------------------------------------------------


def car_evaluator(
    plan: CarPlan, spec: PlannerSpec, jitter: Jitter
) -> Callable[[np.ndarray], Evaluation]:
    """X (P, D) -> Evaluation over the S jitter rows, one simulate_batch call."""
    from stuntsim.car.optimise import evaluation_from_checks
    from stuntsim.car.simulate import simulate_batch

    run_plan = plan if spec.step is None else replace(plan, dt=spec.step)
    d_ramp = next((d for d, fp in enumerate(spec.free) if fp.key == "ramp_height"), None)
    plans: dict[float, CarPlan] = {}

    def plan_for(h: float) -> CarPlan:
        if h not in plans:
            assert spec.rebuild is not None
            plans[h] = _keep_run(spec.rebuild(h), run_plan)
        return plans[h]

    def evaluate(X: np.ndarray) -> Evaluation:
        X = np.atleast_2d(X)
        S = len(jitter)
        if d_ramp is None or spec.rebuild is None:
            out = simulate_batch(run_plan, candidate_samples(run_plan, spec, X, jitter))
            return evaluation_from_checks(out.checks, X.shape[0], S)
        # one batch per distinct ramp height (to the centimetre): the ground is the plan's
        heights = _snap(X[:, d_ramp])
        parts: list[tuple[np.ndarray, Evaluation]] = []
        for h in np.unique(heights):
            rows = np.nonzero(heights == h)[0]
            p = plan_for(float(h))
            out = simulate_batch(p, candidate_samples(p, spec, X[rows], jitter))
            parts.append((rows, evaluation_from_checks(out.checks, len(rows), S)))
        ids = parts[0][1].check_ids
        margin = np.empty((X.shape[0], S))
        feasible = np.empty((X.shape[0], S), dtype=bool)
        binding = np.empty((X.shape[0], S), dtype=np.int64)
        for rows, ev in parts:
            margin[rows], feasible[rows] = ev.margin, ev.feasible
            binding[rows] = [[ids.index(ev.check_ids[k]) for k in r] for r in ev.binding]
        return Evaluation(margin, feasible, binding, ids)

    return evaluate


def _snap(h: Any) -> Any:
    return np.round(np.asarray(h, dtype=float) / RAMP_SNAP) * RAMP_SNAP


def _keep_run(new: CarPlan, old: CarPlan) -> CarPlan:
    """``new`` (rebuilt with another ground) with ``old``'s start, driver and step."""
    return replace(new, start=old.start, timeline=old.timeline, dt=old.dt)


# --- the plan a driver uses ------------------------------------------------------------------


@dataclass
class Outside:
    """What happens just outside one end of a tolerance band."""

    value: float  # the parameter value tried (SI)
    failing: list[Any]  # the Check records that fail there (fail severity first)
    zone: dict[str, float] | None  # east/north extent of the car's outline over the run, m
    end: dict[str, float] | None  # where the car's CG ends, m


@dataclass
class BandReport:
    param: FreeParam
    band: Any  # optimise.Band
    below: Outside | None
    above: Outside | None


@dataclass
class PlanOutcome:
    """The planner's answer."""

    spec: PlannerSpec
    x: np.ndarray  # best parameters (SI), in spec.free order
    objective: float  # worst margin over checks and jitter rows
    feasible: bool  # the nominal best plan passes every fail check
    result: Any  # the full run of the best plan (kind.simulate)
    plan: CarPlan
    bands: list[BandReport]
    robustness: dict[str, Any]
    binding: dict[str, int]  # check id -> how often it was the binding one over the search
    n_evaluated: int
    generations: int
    cues: list[dict[str, Any]]
    extras: dict[str, Any] = field(default_factory=dict)


def _footprint(plan: CarPlan, result: Any) -> tuple[dict[str, float], dict[str, float]] | None:
    x = getattr(result, "x", None)
    if x is None:
        return None
    corners = plan.vehicle.outline()
    psi = x[:, 2]
    s, c = np.sin(psi)[:, None], np.cos(psi)[:, None]
    east = x[:, 0:1] - corners[:, 0] * s - corners[:, 1] * c
    north = x[:, 1:2] + corners[:, 0] * c - corners[:, 1] * s
    zone = {
        "east_min_m": float(east.min()),
        "east_max_m": float(east.max()),
        "north_min_m": float(north.min()),
        "north_max_m": float(north.max()),
    }
    return zone, {"east_m": float(x[-1, 0]), "north_m": float(x[-1, 1])}


def _outside(plan: CarPlan, spec: PlannerSpec, x: np.ndarray, d: int, value: float) -> Outside:
    from stuntsim.kinds import get_kind

    xv = x.copy()
    xv[d] = value
    p = plan_at(plan, spec, xv)
    res = get_kind("car").simulate(p)
    failing = sorted(
        (c for c in res.checks if not c.ok), key=lambda c: (c.severity != "fail", c.id)
    )
    fp = _footprint(p, res)
    return Outside(value, failing, fp[0] if fp else None, fp[1] if fp else None)


def _cues(plan: CarPlan, spec: PlannerSpec, x: np.ndarray, result: Any) -> list[dict[str, Any]]:
    """The driver's cues of the best plan, from its run: where (m from the top nosing) or when
    each action happens, read off the simulated inputs and state."""
    edge = _edge(plan)
    out: list[dict[str, Any]] = []
    t = getattr(result, "t", None)
    xs = getattr(result, "x", None)
    inputs = getattr(result, "inputs", None)
    by_key = {fp.key: float(x[d]) for d, fp in enumerate(spec.free)}
    if np.isfinite(edge):
        out.append(
            {
                "action": "start: CG level with the start cone, reversing in R",
                "param": "start_distance",
                "distance_m": float(edge - plan.start.north),
                "speed_m_s": abs(plan.start.speed),
            }
        )
    if t is None or xs is None or inputs is None:
        return out
    steer = inputs[:, CHANNELS.index("steer")]
    # the turn-in cone: where the CG passes the north threshold of the turn-in trigger
    groups = {k.group for k in plan.timeline.keyframes if k.tag == TAG_TURN_IN and k.group > 0}
    north_at = [
        float(c.value)
        for g, trig in enumerate(plan.timeline.triggers, start=1)
        if g in groups
        for c in trig.conditions
        if c.variable == "north"
    ]
    i_lift = np.nonzero(xs[:, 1] >= north_at[0])[0] if north_at else np.array([], dtype=int)
    if len(i_lift) and np.isfinite(edge):
        i = int(i_lift[0])
        out.append(
            {
                "action": "turn-in cone: lift off, clutch down",
                "param": "turn_in",
                "distance_m": float(edge - xs[i, 1]),
                "t_s": float(t[i]),
                "speed_m_s": float(np.hypot(xs[i, 3], xs[i, 4])),
            }
        )
    amp = by_key.get("steer", float(np.max(np.abs(steer))))
    i_lock = np.nonzero(np.abs(steer) >= 0.95 * amp)[0]
    if len(i_lock) and np.isfinite(edge):
        i = int(i_lock[0])
        out.append(
            {
                "action": f"full lock ({np.degrees(amp):.0f} deg road wheel)",
                "param": "steer",
                "distance_m": float(edge - xs[i, 1]),
                "t_s": float(t[i]),
            }
        )
    yaw = xs[:, 2] - xs[0, 2]
    if "countersteer" in by_key:
        cue = by_key["countersteer"]
        i_c = np.nonzero(np.abs(yaw) >= cue)[0]
        out.append(
            {
                "action": f"countersteer at {np.degrees(cue):.0f} deg of rotation",
                "param": "countersteer",
                "t_s": float(t[int(i_c[0])]) if len(i_c) else None,
                "distance_m": float(edge - xs[int(i_c[0]), 1])
                if len(i_c) and np.isfinite(edge)
                else None,
            }
        )
    # the timing a stunt coordinator compares plans by: when the rotation is done against when
    # the front axle reaches the top nosing, and how long the driven wheels are off
    turn = abs(float(getattr(result, "turn_rad", np.pi) or np.pi))
    done = np.nonzero(np.abs(yaw) >= turn - np.radians(2.0))[0]
    a = plan.vehicle.cg_to_front
    front = xs[:, 1] + a * np.cos(xs[:, 2])
    over = np.nonzero(front >= edge)[0] if np.isfinite(edge) else np.array([], dtype=int)
    if len(done) and len(over):
        t_done, t_over = float(t[int(done[0])]), float(t[int(over[0])])
        out.append(
            {
                "action": "rotation done (within 2 deg of the turn) before the front axle "
                "reaches the top nosing",
                "t_s": t_done,
                "lead_s": t_over - t_done,
                "front_axle_at_nosing_s": t_over,
            }
        )
    sw = next((c for c in result.checks if c.id == "shift_window"), None)
    if sw is not None and sw.at:
        a = sw.at
        cue_s = a.get("cue_s")
        entry: dict[str, Any] = {
            "action": "on the last-10-degree cue: out of reverse, into first (clutch down)",
            "param": "clutch_up",
            "t_s": cue_s,
            "shift_s": a.get("shift_s"),
        }
        if "clutch_up_from_s" in a and cue_s is not None:
            entry["clutch_up_after_cue_s"] = [
                a["clutch_up_from_s"] - cue_s,
                a["clutch_up_to_s"] - cue_s,
            ]
        if "unloaded_from_s" in a:
            entry["driven_wheels_off_s"] = [a["unloaded_from_s"], a["unloaded_to_s"]]
        i_c = np.nonzero(t >= (cue_s or 0.0))[0]
        if len(i_c) and np.isfinite(edge):
            entry["distance_m"] = float(edge - xs[int(i_c[0]), 1])
        out.append(entry)
    # a clutch-up on a cue of its own (the drop: a north threshold past the nosing)
    up_groups = {k.group for k in plan.timeline.keyframes if k.tag == TAG_CLUTCH_UP}
    drop_at = [
        float(c.value)
        for g, trig in enumerate(plan.timeline.triggers, start=1)
        if g in up_groups
        for c in trig.conditions
        if c.variable == "north"
    ]
    if drop_at and np.isfinite(edge):
        i_d = np.nonzero(xs[:, 1] >= drop_at[0])[0]
        delay = by_key.get("clutch_up")
        out.append(
            {
                "action": "the drop (rear wheels off the top nosing): first gear, clutch up"
                + (f" {delay:.2f} s later" if delay is not None else ""),
                "param": "clutch_up",
                "distance_m": float(edge - drop_at[0]),
                "t_s": float(t[int(i_d[0])]) if len(i_d) else None,
            }
        )
        for c in out:
            if "clutch_up_after_cue_s" in c:
                c.pop("param", None)  # the band belongs to the drop's row
    return out


def robustness(
    plan: CarPlan, spec: PlannerSpec, x: np.ndarray, model: Any, seed: int
) -> dict[str, Any]:
    """P(every fail check passes) of the best plan under fresh jitter draws, with its
    Clopper-Pearson 95 % interval (the same draws as the Monte Carlo when [uncertainty] is
    given)."""
    from stuntsim.uncertainty.stats import clopper_pearson

    n = spec.robustness_samples
    if n <= 0:
        return {"n": 0}
    jit = draw_jitter(plan, spec, n + 1, seed, model)
    ev = car_evaluator(plan, spec, jit)(np.asarray(x)[None, :])
    ok = ev.feasible[0, 1:]
    k = int(ok.sum())
    lo, hi = clopper_pearson(k, n)
    fails: dict[str, int] = {}
    for s in np.nonzero(~ok)[0]:
        cid = ev.check_ids[int(ev.binding[0, s + 1])]
        fails[cid] = fails.get(cid, 0) + 1
    return {"n": n, "passed": k, "p_go": k / n, "p_go_ci": [lo, hi], "binding": fails}


def plan_search(
    plan: CarPlan,
    spec: PlannerSpec,
    model: Any = None,
    progress: Callable[[str], None] | None = None,
) -> PlanOutcome:
    """Optimise the free parameters, then the bands, the zones outside them and the
    robustness of the answer."""
    from stuntsim.car.optimise import Param, bands, optimise
    from stuntsim.kinds import get_kind

    say = progress or (lambda _m: None)
    jitter = draw_jitter(plan, spec, 1 + spec.jitter_samples, spec.seed, model)
    if spec.jitter_samples:
        spec = replace(spec, jitter_source=jitter.source)
    evaluate = car_evaluator(plan, spec, jitter)
    params = [Param(fp.key, fp.lo, fp.hi, fp.start) for fp in spec.free]
    say(f"optimising {len(params)} parameters x {len(jitter)} jitter rows")
    opt = optimise(
        evaluate, params, popsize=spec.population, maxiter=spec.generations, seed=spec.seed
    )
    best_plan = plan_at(plan, spec, opt.x)
    result = get_kind("car").simulate(best_plan)
    feasible = all(c.ok for c in result.checks if c.severity == "fail")
    band_reports: list[BandReport] = []
    if feasible:
        say("tolerance bands")
        nominal_only = car_evaluator(plan, spec, draw_jitter(plan, spec, 1, spec.seed))

        def feas(X: np.ndarray) -> np.ndarray:
            return nominal_only(X).feasible[:, 0]

        for d, b in enumerate(bands(feas, params, opt.x, steps=spec.band_steps)):
            below = _outside(plan, spec, opt.x, d, b.lo_fail) if b.lo_fail is not None else None
            above = _outside(plan, spec, opt.x, d, b.hi_fail) if b.hi_fail is not None else None
            band_reports.append(BandReport(spec.free[d], b, below, above))
    rob = robustness(plan, spec, opt.x, model, spec.seed + 1) if feasible else {"n": 0}
    return PlanOutcome(
        spec=spec,
        x=opt.x,
        objective=opt.objective,
        feasible=feasible,
        result=result,
        plan=best_plan,
        bands=band_reports,
        robustness=rob,
        binding=opt.binding_counts,
        n_evaluated=opt.n_evaluations,
        generations=opt.generations,
        cues=_cues(best_plan, spec, opt.x, result),
    )
