"""Monte Carlo landing dispersion: chunked, reproducible runs of the batched jump kernel.

A run of ``n`` samples is cut into chunks of whole seed blocks (jump/uncertainty.py,
``SEED_BLOCK`` samples each). Each chunk samples its inputs from its blocks' SeedSequence
children, runs :func:`stuntsim.jump.kernel.simulate_batch` (the same kernel as ``stuntsim run``),
and returns a few compact columns per sample plus integer counts. The driver puts the columns in
sample order and computes the statistics from them, so the result is the same, bit for bit,
whatever the chunk size, the number of workers or the backend (on one platform: numpy's
transcendental functions may differ in the last bit between CPU types).

Memory: the kernel's working set is one chunk (O(chunk size), about 1 kB per sample); the driver
keeps 16 bytes per sample (landing offsets, deployment altitude, freefall time as float32), 160 MB
for 10^7 samples, so that the quantiles (CEP, distributions) are exact order statistics.

Statistics (docs/montecarlo.md gives the formulas and sources):

- mean landing point (mean point of impact, MPI) and the 2x2 sample covariance S;
- CEP50 / CEP90: the 50 % and 90 % quantiles of the radial distance from the MPI (empirical,
  numpy's default linear interpolation between order statistics, Hyndman & Fan type 7);
- the 95 % ellipse: the contour d^2 = chi2_2(0.95) = -2 ln 0.05 = 5.991 of the Mahalanobis
  distance of the normal with covariance S, semi-axes sqrt(5.991 lambda_i) of the eigenvalues of
  S, orientation the azimuth of the major axis (degrees clockwise from north, 0-180); its
  empirical coverage is reported as a check of the normal approximation;
- P(in LZ): the fraction landing within the landing-zone radius of the target, with the exact
  (Clopper-Pearson 1934) 95 % confidence interval; the same interval for each check's failure
  rate;
- quantiles of the deployment altitude and of the freefall time over the samples that deploy.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stuntsim.jump.uncertainty import SEED_BLOCK

if TYPE_CHECKING:
    from stuntsim.jump.plan import JumpPlan
    from stuntsim.jump.uncertainty import UncertaintySection

CHI2_2_95 = -2.0 * math.log(0.05)  # 5.991: chi-square quantile, 2 degrees of freedom, 0.95
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
CONFIDENCE = 0.95
HIST_BINS = 40
PLOT_SAMPLES = 20_000  # landing points kept for the dispersion plot (the first ones)
PER_SAMPLE_CHECKS = ("ground_impact", "opening_altitude", "opening_shock", "landing_accuracy")


@dataclass(frozen=True)
class CheckLimits:
    """Limits of the per-sample checks, taken from the nominal run's checks (which
    jump/physiology.py computed from the scenario's licence and [limits])."""

    min_open_agl_m: float | None
    opening_shock_g: float | None
    lz_radius_m: float | None


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to compute any chunk (sent once per worker)."""

    plan: JumpPlan
    uncertainty: UncertaintySection
    seed: int
    exit_east: float
    exit_north: float
    origin_east: float  # the nominal landing point: origin of the float32 offsets
    origin_north: float
    limits: CheckLimits
    full: bool = False  # also return every sample's inputs and outcomes (Parquet)


@dataclass
class ChunkResult:
    start: int
    stop: int
    d_east: np.ndarray  # float32, landing east minus origin
    d_north: np.ndarray
    deploy_alt: np.ndarray  # float32 MSL, NaN when the jumper never deploys
    freefall_t: np.ndarray  # float32
    counts: dict[str, int]
    table: dict[str, np.ndarray] | None = None
    seconds: float = 0.0


def chunk_ranges(n: int, chunk_size: int) -> list[tuple[int, int]]:
    """[start, stop) ranges of ``chunk_size`` samples, rounded up to whole seed blocks."""
    size = max(SEED_BLOCK, -(-int(chunk_size) // SEED_BLOCK) * SEED_BLOCK)
    return [(a, min(n, a + size)) for a in range(0, n, size)]


def default_chunk_size(n: int, workers: int) -> int:
    """About four chunks per worker, 1 to 16 seed blocks each (results do not depend on it)."""
    per = -(-n // max(1, 4 * workers))
    blocks = min(16, max(1, -(-per // SEED_BLOCK)))
    return blocks * SEED_BLOCK


def run_chunk(job: Job, start: int, stop: int) -> ChunkResult:
    """Sample, simulate and reduce samples [start, stop)."""
    from stuntsim.jump.kernel import simulate_batch
    from stuntsim.jump.physiology import EDGE_TOL_M
    from stuntsim.jump.uncertainty import sample_batch

    t0 = time.perf_counter()
    plan = job.plan
    batch, inputs = sample_batch(
        plan, job.uncertainty, job.seed, start, stop, job.exit_east, job.exit_north
    )
    o = simulate_batch(batch)
    ground = plan.site.elevation
    le, ln = o.land_pos[:, 0], o.land_pos[:, 1]
    impact = o.impact_freefall | o.impact_opening
    deployed = ~o.impact_freefall
    deploy_alt = np.where(deployed, o.deploy_pos[:, 2], np.nan)
    freefall = o.deploy_t - o.exit_t
    miss = np.hypot(le - batch.target_east, ln - batch.target_north)
    lim = job.limits
    fails: dict[str, np.ndarray] = {"ground_impact": impact}
    if lim.min_open_agl_m is not None:
        # physiology.check_opening_altitude: AGL at deployment >= limit - EDGE_TOL_M; an
        # impact before deployment is a failure (it never deploys)
        agl = o.deploy_pos[:, 2] - ground
        fails["opening_altitude"] = o.impact_freefall | ~(agl >= lim.min_open_agl_m - EDGE_TOL_M)
    if lim.opening_shock_g is not None:
        # physiology.check_opening_shock: peak <= limit; no opening load (never opens) fails
        fails["opening_shock"] = ~(o.peak_g <= lim.opening_shock_g)
    if lim.lz_radius_m is not None:
        fails["landing_accuracy"] = ~(miss <= lim.lz_radius_m)
    counts = {f"fail_{k}": int(np.count_nonzero(v)) for k, v in fails.items()}
    if lim.lz_radius_m is not None:
        counts["in_lz"] = int(np.count_nonzero(miss <= lim.lz_radius_m))
    counts["deployed"] = int(np.count_nonzero(deployed))
    table = None
    if job.full:
        table = {"sample": np.arange(start, stop, dtype=np.int64)}
        table.update(inputs)
        table.update(
            {
                "deploy_t_s": o.deploy_t,
                "deploy_east_m": o.deploy_pos[:, 0],
                "deploy_north_m": o.deploy_pos[:, 1],
                "deploy_altitude_msl_m": o.deploy_pos[:, 2],
                "freefall_time_s": freefall,
                "open_t_s": o.open_t,
                "open_altitude_msl_m": o.open_pos[:, 2],
                "landing_t_s": o.land_t,
                "landing_east_m": le,
                "landing_north_m": ln,
                "miss_distance_m": miss,
                "max_speed_m_s": o.max_speed,
                "max_mach": o.max_mach,
                "peak_opening_g": o.peak_g,
                "impact_freefall": o.impact_freefall,
                "impact_opening": o.impact_opening,
            }
        )
        for k, v in fails.items():
            table[f"fail_{k}"] = v
    return ChunkResult(
        start=start,
        stop=stop,
        d_east=(le - job.origin_east).astype(np.float32),
        d_north=(ln - job.origin_north).astype(np.float32),
        deploy_alt=deploy_alt.astype(np.float32),
        freefall_t=np.where(deployed, freefall, np.nan).astype(np.float32),
        counts=counts,
        table=table,
        seconds=time.perf_counter() - t0,
    )


# =============================================================================================
# Statistics
# =============================================================================================


def clopper_pearson(k: int, n: int, level: float = CONFIDENCE) -> tuple[float, float]:
    """Exact binomial confidence interval (Clopper & Pearson, Biometrika 26:404, 1934):
    lower = B(a/2; k, n-k+1), upper = B(1-a/2; k+1, n-k), B the beta quantile."""
    from scipy.stats import beta

    a = 1.0 - level
    lo = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def _quantile_summary(x: np.ndarray) -> dict[str, Any]:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {"n": 0}
    q = np.quantile(x, QUANTILES)
    lo, hi = float(np.min(x)), float(np.max(x))
    counts, edges = np.histogram(x, bins=HIST_BINS, range=(lo, hi if hi > lo else lo + 1.0))
    return {
        "n": int(x.size),
        "mean": float(np.mean(x, dtype=np.float64)),
        "std": float(np.std(x, dtype=np.float64)),
        "min": float(np.min(x)),
        "max": float(np.max(x)),
        "quantiles": {
            f"p{round(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q, strict=True)
        },
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }


_SLICE = 1 << 20  # fixed slices for the second-moment sums (independent of the chunking)


@dataclass
class Dispersion:
    """The statistics of a run (plain data; report/montecarlo.py presents it)."""

    n: int
    seed: int
    mean_east_m: float
    mean_north_m: float
    cov: np.ndarray
    cep50_m: float
    cep90_m: float
    ellipse95: dict[str, float]
    p_in_lz: float | None
    p_in_lz_ci: tuple[float, float] | None
    lz_radius_m: float | None
    deploy_altitude: dict[str, Any]
    freefall_time: dict[str, Any]
    checks: dict[str, dict[str, Any]]
    plot_east: np.ndarray
    plot_north: np.ndarray
    run: dict[str, Any] = field(default_factory=dict)


def dispersion(
    job: Job,
    n: int,
    d_east: np.ndarray,
    d_north: np.ndarray,
    deploy_alt: np.ndarray,
    freefall_t: np.ndarray,
    counts: dict[str, int],
    nominal_checks: Iterable[Any] = (),
) -> Dispersion:
    """Statistics from the per-sample columns (in sample order) and the summed counts."""
    ox, oy = job.origin_east, job.origin_north
    mx = float(np.mean(d_east, dtype=np.float64))
    my = float(np.mean(d_north, dtype=np.float64))
    sxx = syy = sxy = 0.0
    r = np.empty(n, dtype=np.float32)  # radial distances from the MPI
    for a in range(0, n, _SLICE):
        dx = d_east[a : a + _SLICE].astype(np.float64) - mx
        dy = d_north[a : a + _SLICE].astype(np.float64) - my
        sxx += float(dx @ dx)
        syy += float(dy @ dy)
        sxy += float(dx @ dy)
        r[a : a + _SLICE] = np.hypot(dx, dy)
    dof = max(n - 1, 1)
    cov = np.array([[sxx, sxy], [sxy, syy]]) / dof
    cep50, cep90 = (float(v) for v in np.quantile(r, [0.5, 0.9]))
    del r
    lam, vec = np.linalg.eigh(cov)  # ascending
    lam = np.maximum(lam, 0.0)
    major = vec[:, 1]
    azimuth = math.degrees(math.atan2(major[0], major[1])) % 180.0  # from north, clockwise
    inside = 0
    if lam[0] > 0.0:
        inv = np.linalg.inv(cov)
        for a in range(0, n, _SLICE):
            dx = d_east[a : a + _SLICE].astype(np.float64) - mx
            dy = d_north[a : a + _SLICE].astype(np.float64) - my
            d2 = inv[0, 0] * dx * dx + 2.0 * inv[0, 1] * dx * dy + inv[1, 1] * dy * dy
            inside += int(np.count_nonzero(d2 <= CHI2_2_95))
    ellipse = {
        "semi_major_m": math.sqrt(CHI2_2_95 * lam[1]),
        "semi_minor_m": math.sqrt(CHI2_2_95 * lam[0]),
        "azimuth_deg": azimuth,
        "chi2_factor": CHI2_2_95,
        "coverage": inside / n if lam[0] > 0.0 else float("nan"),
        "sigma_east_m": math.sqrt(cov[0, 0]),
        "sigma_north_m": math.sqrt(cov[1, 1]),
        "correlation": float(cov[0, 1] / math.sqrt(cov[0, 0] * cov[1, 1]))
        if cov[0, 0] > 0 and cov[1, 1] > 0
        else 0.0,
    }
    lz = job.limits.lz_radius_m
    p_in = ci = None
    if lz is not None:
        k = counts["in_lz"]
        p_in = k / n
        ci = clopper_pearson(k, n)
    checks = per_sample_checks(job, n, counts, nominal_checks)
    m = min(n, PLOT_SAMPLES)
    return Dispersion(
        n=n,
        seed=job.seed,
        mean_east_m=ox + mx,
        mean_north_m=oy + my,
        cov=cov,
        cep50_m=cep50,
        cep90_m=cep90,
        ellipse95=ellipse,
        p_in_lz=p_in,
        p_in_lz_ci=ci,
        lz_radius_m=lz,
        deploy_altitude=_quantile_summary(deploy_alt),
        freefall_time=_quantile_summary(freefall_t),
        checks=checks,
        plot_east=ox + d_east[:m].astype(np.float64),
        plot_north=oy + d_north[:m].astype(np.float64),
    )


def per_sample_checks(
    job: Job, n: int, counts: dict[str, int], nominal_checks: Iterable[Any]
) -> dict[str, dict[str, Any]]:
    """Failure rate per check id: per sample for the checks that vary with the random inputs,
    the nominal run's verdict for the others (exit altitude, oxygen and licence do not vary)."""
    nominal = {c.id: c for c in nominal_checks}
    lim = job.limits
    limit_of = {
        "ground_impact": (None, "m/s"),
        "opening_altitude": (lim.min_open_agl_m, "m"),
        "opening_shock": (lim.opening_shock_g, "g"),
        "landing_accuracy": (lim.lz_radius_m, "m"),
    }
    out: dict[str, dict[str, Any]] = {}
    for cid in PER_SAMPLE_CHECKS:
        key = f"fail_{cid}"
        if key not in counts:
            continue
        k = counts[key]
        c = nominal.get(cid)
        lo, hi = clopper_pearson(k, n)
        out[cid] = {
            "per_sample": True,
            "failures": k,
            "rate": k / n,
            "rate_ci": [lo, hi],
            "limit": limit_of[cid][0],
            "unit": limit_of[cid][1],
            "severity": c.severity if c is not None else "fail",
            "source": c.source if c is not None else "stuntsim kinematics",
        }
    for cid, c in nominal.items():
        if cid in out:
            continue
        out[cid] = {
            "per_sample": False,
            "failures": 0 if c.ok else n,
            "rate": 0.0 if c.ok else 1.0,
            "rate_ci": None,
            "limit": c.limit,
            "unit": c.unit,
            "severity": c.severity,
            "source": c.source,
            "note": "from the nominal run: does not depend on the random inputs modelled",
        }
    return out


# =============================================================================================
# Driver
# =============================================================================================


def limits_from_checks(checks: Iterable[Any], plan: JumpPlan) -> CheckLimits:
    by_id = {c.id: c for c in checks}

    def lim(cid: str) -> float | None:
        c = by_id.get(cid)
        return None if c is None or c.limit is None else float(c.limit)

    lz = lim("landing_accuracy")
    return CheckLimits(
        min_open_agl_m=lim("opening_altitude"),
        opening_shock_g=lim("opening_shock"),
        lz_radius_m=lz if lz is not None else plan.lz_radius,
    )


def run_montecarlo(
    job: Job,
    n: int,
    backend: Any,
    chunk_size: int | None = None,
    nominal_checks: Iterable[Any] = (),
    on_chunk: Callable[[ChunkResult], None] | None = None,
    on_table: Callable[[dict[str, np.ndarray]], None] | None = None,
) -> Dispersion:
    """Run ``n`` samples on ``backend`` (sim/backends.py) and compute the dispersion.

    ``on_chunk`` is called after each chunk (progress); ``on_table`` receives every sample's
    record, chunk by chunk in sample order, when ``job.full``."""
    if n < 2:
        raise ValueError("a Monte Carlo run needs at least 2 samples")
    size = chunk_size or default_chunk_size(n, backend.workers)
    ranges = chunk_ranges(n, size)
    d_east = np.empty(n, dtype=np.float32)
    d_north = np.empty(n, dtype=np.float32)
    deploy_alt = np.empty(n, dtype=np.float32)
    freefall_t = np.empty(n, dtype=np.float32)
    counts: dict[str, int] = {}
    t0 = time.perf_counter()
    busy = 0.0
    for res in backend.imap(job, ranges):
        sl = slice(res.start, res.stop)
        d_east[sl] = res.d_east
        d_north[sl] = res.d_north
        deploy_alt[sl] = res.deploy_alt
        freefall_t[sl] = res.freefall_t
        for k, v in res.counts.items():
            counts[k] = counts.get(k, 0) + v
        busy += res.seconds
        if on_table is not None and res.table is not None:
            on_table(res.table)
        if on_chunk is not None:
            on_chunk(res)
    wall = time.perf_counter() - t0
    disp = dispersion(job, n, d_east, d_north, deploy_alt, freefall_t, counts, nominal_checks)
    disp.run = {
        "backend": backend.name,
        "workers": backend.workers,
        "chunk_size": ranges[0][1] - ranges[0][0],
        "chunks": len(ranges),
        "seed_block": SEED_BLOCK,
        "wall_s": wall,
        "jumps_per_s": n / wall if wall > 0 else None,
        "worker_busy_s": busy,
    }
    return disp
