"""The jump's part of the Monte Carlo (the generic driver is stuntsim/uncertainty/).

``sample`` draws the ``[uncertainty]`` inputs of one seed block (jump/uncertainty.py) with the
driver's generator; ``simulate_batch`` flies them (jump/simulate.py) and returns the checks and
the per-sample columns; ``summarize`` computes the landing statistics from the gathered columns.

Statistics (docs/montecarlo.md gives the formulas and sources):

- the mean landing point (mean point of impact, MPI) and the 2x2 sample covariance S;
- CEP50 / CEP90: the 50 % and 90 % quantiles of the radial distance from the MPI (empirical,
  numpy's default linear interpolation, Hyndman & Fan 1996 definition 7);
- the 95 % ellipse: the contour d^2 = chi2_2(0.95) = -2 ln 0.05 = 5.991 of the Mahalanobis
  distance of the normal with covariance S; semi-axes sqrt(5.991 lambda_i), azimuth of the major
  axis (rad clockwise from north, 0..pi); its empirical coverage checks the normal approximation;
- P(in LZ): the fraction landing within the landing-zone radius, with the exact Clopper-Pearson
  (1934) 95 % interval;
- p_target_reachable: the fraction of samples whose target lies in the disc reachable from
  their opening point in their own wind (centre: opening point + wind drift under canopy,
  radius (u0/w0) x height; jump/spot.py), with its interval; and the same statistics of the
  opening points, beside the nominal reachable radius;
- quantiles of the deployment altitude and of the freefall time over the samples that deploy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stuntsim.jump.simulate import JumpSamples, nominal, simulate_batch
from stuntsim.jump.uncertainty import UncertaintySection, sample, validate

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from stuntsim.jump.plan import JumpPlan
    from stuntsim.kinds import BatchOutcome

CHI2_2_95 = -2.0 * math.log(0.05)  # 5.991: chi-square quantile, 2 degrees of freedom, 0.95
PLOT_SAMPLES = 2_000  # landing points kept for the dispersion plot (the first ones)


def _cp(k: int, n: int) -> list[float]:
    from stuntsim.uncertainty.stats import clopper_pearson

    return [float(v) for v in clopper_pearson(k, n)]


def _qs(x: NDArray[Any]) -> dict[str, Any]:
    from stuntsim.uncertainty.stats import quantile_summary

    return quantile_summary(np.asarray(x, dtype=np.float64))


def dispersion(east: NDArray[Any], north: NDArray[Any]) -> dict[str, Any]:
    """Mean point, covariance, CEP50/90 about it and the 95 % ellipse of finite points."""
    ok = np.isfinite(east) & np.isfinite(north)
    x = np.asarray(east, dtype=np.float64)[ok]
    y = np.asarray(north, dtype=np.float64)[ok]
    n = int(x.size)
    if n < 2:
        return {"n": n}
    mx, my = float(np.mean(x)), float(np.mean(y))
    dx, dy = x - mx, y - my
    cov = np.array([[dx @ dx, dx @ dy], [dx @ dy, dy @ dy]]) / (n - 1)
    r = np.hypot(dx, dy)
    cep50, cep90 = (float(v) for v in np.quantile(r, [0.5, 0.9]))
    lam, vec = np.linalg.eigh(cov)
    lam = np.maximum(lam, 0.0)
    major = vec[:, 1]
    azimuth = math.atan2(major[0], major[1]) % math.pi
    coverage: float | None = None  # None: a degenerate (line or point) spread
    if lam[0] > 0.0:
        inv = np.linalg.inv(cov)
        d2 = inv[0, 0] * dx * dx + 2.0 * inv[0, 1] * dx * dy + inv[1, 1] * dy * dy
        coverage = float(np.count_nonzero(d2 <= CHI2_2_95)) / n
    sx, sy = math.sqrt(cov[0, 0]), math.sqrt(cov[1, 1])
    return {
        "n": n,
        "mean_east_m": mx,
        "mean_north_m": my,
        "covariance_m2": cov.tolist(),
        "cep50_m": cep50,
        "cep90_m": cep90,
        "cep_about": "mean point",
        "ellipse95": {
            "semi_major_m": math.sqrt(CHI2_2_95 * lam[1]),
            "semi_minor_m": math.sqrt(CHI2_2_95 * lam[0]),
            "azimuth_rad": azimuth,
            "chi2_factor": CHI2_2_95,
            "coverage": coverage,
            "sigma_east_m": sx,
            "sigma_north_m": sy,
            "correlation": float(cov[0, 1] / (sx * sy)) if sx > 0 and sy > 0 else 0.0,
        },
    }


class JumpMonteCarlo:
    """The jump's :class:`stuntsim.kinds.MonteCarlo`."""

    def uncertainty(self, model: Any) -> UncertaintySection | None:
        unc = getattr(model, "uncertainty", None)
        return unc if unc is not None and unc.keys() else None

    def validate(self, plan: JumpPlan, unc: UncertaintySection, path: Path | str) -> None:
        """Checks of the table that need the plan (ScenarioError naming the key)."""
        validate(unc, plan, path)

    def provenance(self, plan: JumpPlan, path: Path) -> dict[str, str]:
        """The winds file and its SHA-256 (the run's other input)."""
        import hashlib

        from stuntsim.scenario.world import winds_file_path

        f = winds_file_path(plan.scenario.atmosphere, path)
        if f is None:
            return {}
        return {
            "winds_file": str(f),
            "winds_file_sha256": hashlib.sha256(f.read_bytes()).hexdigest(),
        }

    def sample(
        self, plan: JumpPlan, uncertainty: Any, rng: np.random.Generator, n: int
    ) -> JumpSamples:
        return sample(plan, uncertainty, rng, n)

    def nominal(self, plan: JumpPlan, n: int) -> JumpSamples:
        return nominal(plan, n)

    def simulate_batch(self, plan: JumpPlan, samples: Any) -> BatchOutcome:
        return simulate_batch(plan, samples)

    def summarize(self, plan: JumpPlan, columns: Mapping[str, NDArray[Any]]) -> dict[str, Any]:
        """The landing statistics (module docstring), SI, JSON-ready."""
        le = np.asarray(columns["landing_east_m"], dtype=np.float64)
        ln = np.asarray(columns["landing_north_m"], dtype=np.float64)
        n = int(le.size)
        land = dispersion(le, ln)
        lz = plan.limits.lz_radius_m
        out: dict[str, Any] = {"landing": land, "lz_radius_m": lz}
        if lz is not None:
            k = int(np.count_nonzero(np.hypot(le, ln) <= lz))
            out["p_in_lz"] = k / n
            out["p_in_lz_ci"] = _cp(k, n)
        reach = np.asarray(columns["target_reachable"])
        k = int(np.count_nonzero(reach))
        out["p_target_reachable"] = k / n
        out["p_target_reachable_ci"] = _cp(k, n)
        opening = dispersion(
            np.asarray(columns["open_east_m"], dtype=np.float64),
            np.asarray(columns["open_north_m"], dtype=np.float64),
        )
        radius = _qs(columns["reachable_radius_m"])
        opening["reachable_radius_m"] = radius
        opening["centre_to_target_m"] = _qs(columns["reachable_centre_to_target_m"])
        out["opening"] = opening
        out["deploy_altitude_m"] = _qs(columns["deploy_altitude_m"])
        out["freefall_time_s"] = _qs(columns["freefall_time_s"])
        out["open_altitude_m"] = _qs(columns["open_altitude_m"])
        m = min(n, PLOT_SAMPLES)
        out["plot"] = {
            "landing_east_m": le[:m].tolist(),
            "landing_north_m": ln[:m].tolist(),
        }
        return out


MONTECARLO = JumpMonteCarlo()
