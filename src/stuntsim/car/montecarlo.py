"""The car's part of the Monte Carlo (the generic driver is stuntsim/uncertainty/).

``[uncertainty]`` (car/scenario.py, docs/montecarlo.md) gives 1-sigma errors of the driver
(keyframe timing, reaction to each trigger, entry speed) and of the car and ground (surface
friction, tyre grip, cornering stiffness, mass, CG height). :meth:`CarMonteCarlo.sample` draws
them for one seed block; every input has its own random stream (spawned from the block's seed
sequence by a fixed key), so a sample's inputs depend only on (seed, sample index).

:meth:`CarMonteCarlo.summarize` reports where the cars ended up: the final CG positions and
headings of the GO samples and of the failed ones, and where the body struck the ground.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from stuntsim.car.samples import CarSamples, nominal
from stuntsim.car.simulate import simulate_batch as _simulate_batch
from stuntsim.checks import verdict_codes

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from stuntsim.car.plan import CarPlan
    from stuntsim.car.scenario import UncertaintySection
    from stuntsim.kinds import BatchOutcome

# one stream per input, keyed by a fixed number (never reorder: results depend on the keys)
STREAMS = {
    "timing": 1,
    "trigger": 2,
    "speed": 3,
    "surface_friction": 4,
    "tyre_grip": 5,
    "cornering_stiffness": 6,
    "mass": 7,
    "cg_height": 8,
}
MIN_SCALE = 0.1
POINTS_KEPT = 2000  # ending points kept for the report's plot (the first ones)


def _stream(rng: np.random.Generator, key: str) -> np.random.Generator:
    seq = rng.bit_generator.seed_seq
    assert isinstance(seq, np.random.SeedSequence)
    child = np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, 1000 + STREAMS[key]))
    return np.random.default_rng(child)


def keyframe_sigmas(plan: CarPlan, unc: UncertaintySection) -> np.ndarray:
    """(K,) 1-sigma timing jitter of each keyframe: 0 for the timed keyframes at t = 0 (the
    initial inputs), ``timing_by_tag[tag]`` for tagged ones, else ``timing``; triggered
    keyframes get ``timing`` too (on top of the trigger's reaction delay)."""
    out = np.zeros(len(plan.timeline.keyframes))
    for i, k in enumerate(plan.timeline.keyframes):
        if k.group == 0 and k.t == 0.0:
            continue
        out[i] = unc.timing_by_tag.get(k.tag or "", unc.timing)
    return out


def keep_order(plan: CarPlan, times: np.ndarray) -> np.ndarray:
    """Times (N, K) made non-decreasing along each channel's keyframes within each trigger
    group, and >= 0 (a jittered keyframe never jumps over the one before it)."""
    from stuntsim.car.driver import CHANNELS

    out = np.maximum(times, 0.0)
    kfs = plan.timeline.keyframes
    for g in range(plan.timeline.n_groups):
        for c in CHANNELS:
            idx = [i for i, k in enumerate(kfs) if k.group == g and k.get(c) is not None]
            if len(idx) > 1:
                out[:, idx] = np.maximum.accumulate(out[:, idx], axis=1)
    return out


class CarMonteCarlo:
    """The car's MonteCarlo (stuntsim.kinds.MonteCarlo)."""

    seed_block = 64  # the car kernel is slow: small blocks spread a short run over the workers

    def uncertainty(self, model: Any) -> UncertaintySection | None:
        return getattr(model, "uncertainty", None)

    def validate(self, plan: CarPlan, uncertainty: UncertaintySection, path: Any) -> None:
        """Cross-field rules of ``[uncertainty]``: every tag of ``timing_by_tag`` is a tag of
        a keyframe (ScenarioError naming the field otherwise)."""
        from stuntsim.errors import ScenarioError

        tags = plan.timeline.tags()
        for tag in uncertainty.timing_by_tag:
            if tag not in tags:
                raise ScenarioError(
                    path,
                    f"uncertainty.timing_by_tag.{tag}",
                    "no keyframe has this tag" + (f" (tags: {', '.join(tags)})" if tags else ""),
                )

    def nominal(self, plan: CarPlan, n: int) -> CarSamples:
        return nominal(plan, n)

    def sample(
        self,
        plan: CarPlan,
        uncertainty: UncertaintySection | None,
        rng: np.random.Generator,
        n: int,
    ) -> CarSamples:
        """n perturbed samples of the plan (normal errors, 1-sigma from ``[uncertainty]``)."""
        base = nominal(plan, n)
        unc = uncertainty
        if unc is None:
            return base
        K = base.key_time_s.shape[1]
        times = base.key_time_s + _stream(rng, "timing").standard_normal((n, K)) * keyframe_sigmas(
            plan, unc
        )
        groups = np.array([k.group for k in plan.timeline.keyframes], dtype=int)
        n_trig = len(plan.timeline.triggers)
        delay = np.abs(_stream(rng, "trigger").standard_normal((n, max(n_trig, 1)))) * unc.trigger
        for g in range(1, n_trig + 1):
            times[:, groups == g] += delay[:, g - 1 : g]
        times = keep_order(plan, times)
        sign = 1.0 if plan.start.speed >= 0 else -1.0
        speed = base.speed_m_s + sign * unc.speed * _stream(rng, "speed").standard_normal(n)

        def scale(key: str, sigma: float) -> np.ndarray:
            return np.maximum(1.0 + sigma * _stream(rng, key).standard_normal(n), MIN_SCALE)

        mu = scale("surface_friction", unc.surface_friction) * scale("tyre_grip", unc.tyre_grip)
        corner = scale("cornering_stiffness", unc.cornering_stiffness)
        veh = plan.vehicle
        mass = veh.mass + unc.mass * _stream(rng, "mass").standard_normal(n)
        mass = np.maximum(mass, 0.5 * veh.mass)
        cgh = veh.cg_height + unc.cg_height * _stream(rng, "cg_height").standard_normal(n)
        cgh = np.clip(cgh, 0.6 * veh.wheel_radius, 2.0 * veh.cg_height)
        return CarSamples(
            speed_m_s=speed,
            start_east_m=base.start_east_m,
            start_north_m=base.start_north_m,
            key_time_s=times,
            key_value=base.key_value,
            trigger_value=base.trigger_value,
            mu_scale=mu,
            cornering_scale=corner,
            mass_kg=mass,
            cg_height_m=cgh,
        )

    def simulate_batch(self, plan: CarPlan, samples: CarSamples) -> BatchOutcome:
        """The batched simulation, with each sample's own verdict code as a column (so that
        :meth:`summarize` can say where the failed samples went)."""
        from stuntsim.kinds import BatchOutcome

        out = _simulate_batch(plan, samples, parallel=False)  # the driver runs a process per core
        cols = dict(out.columns)
        cols["verdict_code"] = verdict_codes(out.checks)
        return BatchOutcome(checks=out.checks, columns=cols)

    def summarize(self, plan: CarPlan, columns: Mapping[str, NDArray[Any]]) -> dict[str, Any]:
        """Where the cars ended up (SI): GO and failed samples apart, and the body strikes."""
        code = np.asarray(columns["verdict_code"])
        east = np.asarray(columns["final_east_m"], dtype=float)
        north = np.asarray(columns["final_north_m"], dtype=float)
        heading = np.asarray(columns["final_heading_rad"], dtype=float)
        out: dict[str, Any] = {"n": int(code.size)}
        for name, mask in (("go", code == 0), ("caution", code == 1), ("no_go", code == 2)):
            out[f"end_{name}"] = _where(east[mask], north[mask], heading[mask])
        strike_n = np.asarray(columns["body_strike_north_m"], dtype=float)
        strike_e = np.asarray(columns["body_strike_east_m"], dtype=float)
        hit = np.isfinite(strike_n)
        out["body_strike_fraction"] = float(np.mean(hit)) if code.size else 0.0
        out["body_strike"] = _where(strike_e[hit], strike_n[hit], None)
        edge = getattr(plan.ground, "edge_north", None)
        if edge is not None:
            out["edge_north_m"] = float(edge)
        k = min(POINTS_KEPT, code.size)
        out["points"] = {
            "east_m": east[:k].tolist(),
            "north_m": north[:k].tolist(),
            "verdict_code": code[:k].astype(int).tolist(),
        }
        return out


def _where(east: NDArray[Any], north: NDArray[Any], heading: NDArray[Any] | None) -> dict[str, Any]:
    if east.size == 0:
        return {"n": 0}
    q = (0.05, 0.5, 0.95)
    d: dict[str, Any] = {
        "n": int(east.size),
        "east_m": {
            f"p{round(p * 100):02d}": float(v) for p, v in zip(q, np.quantile(east, q), strict=True)
        },
        "north_m": {
            f"p{round(p * 100):02d}": float(v)
            for p, v in zip(q, np.quantile(north, q), strict=True)
        },
    }
    if heading is not None:
        # circular mean of the headings
        d["mean_heading_rad"] = float(
            np.mod(np.arctan2(np.mean(np.sin(heading)), np.mean(np.cos(heading))), 2.0 * np.pi)
        )
    return d


MONTECARLO = CarMonteCarlo()
