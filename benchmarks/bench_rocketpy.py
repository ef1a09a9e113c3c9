"""stuntsim against RocketPy on the same point-mass problem (run by ``make bench``).

The problem: a 90 kg point mass with the USPA belly drag area (CdA from 120 mph at sea level,
jump/jumper.py) dropped at rest in the air from 4 000 m MSL over a sea-level site, through the
sport example's wind profile (three layers, 12-28 kt), a canopy opening at 1 000 m and
descending at 5 m/s (sea level) with no forward speed (stuntsim's ``drift`` steering; RocketPy's
parachutes have no glide). Both codes get the same atmosphere (stuntsim's USSA 1976 table
handed to RocketPy as pressure and temperature profiles), the same winds (sampled every 10 m),
the same gravity law g0 (r0 / (r0 + z))^2 and the same drag areas.

Physics differences that remain, and how the set-up treats them:

- **Drag direction.** RocketPy's 3-DOF model (``Flight.u_dot_generalized_3dof``) applies drag
  along the body axis of the point mass, -1/2 rho V^2 A Cd e_body, not along the air-relative
  velocity. With the default ``weathercock_coeff = 0`` the axis never turns, so a body dropped
  nose-down only feels vertical drag and keeps the horizontal velocity of the air it left: it
  does not follow the wind as it falls through the shear. A large ``weathercock_coeff`` turns the
  axis into the relative wind at that rate per radian of misalignment; this script uses 50 /s
  (the axis settles within tens of ms), which makes the drag act along v_rel as in stuntsim, and
  also reports the default for comparison.
- **Canopy.** RocketPy's parachute phase (``u_dot_parachute``) is a dynamic point mass with
  drag area cd_s along v_rel from the trigger on (no inflation), an added air mass and Coriolis
  acceleration. stuntsim's canopy is kinematic (descent w0 sqrt(rho0/rho), moving with the
  wind) after an opening whose drag area grows over ``opening_time``; here 0.05 s, and cd_s is
  the drag area that holds the weight at 5 m/s at sea level, 2 m g0 / (rho0 w0^2), so both
  descend alike. The added mass is made negligible (parachute radius and height 1 cm): it does
  not change the steady descent, only how quickly the canopy takes up the wind. Coriolis
  (latitude 0 here) stays in RocketPy: 2 Omega v ~ 1e-3 m/s^2.
- **Deployment.** RocketPy samples the trigger at ``sampling_rate`` (its default, 100 Hz: the
  opening comes up to 0.01 s late, 0.5 m lower at 50 m/s; 1 000 Hz moves the landing by 0.2 m
  and makes RocketPy 15 times slower); stuntsim locates the crossing of 1 000 m exactly.
- **Integrator.** RocketPy: LSODA at its default rtol 1e-6, one Python right-hand side call per
  evaluation and one flight at a time. stuntsim: fixed-step RK4 over a numpy batch
  (jump/kernel.py).

Prints both landing points, their difference, and the throughput ratio (timings are measured,
never asserted).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

MASS = 90.0  # kg
Z_EXIT = 4000.0  # m MSL
Z_OPEN = 1000.0  # m MSL (site at sea level)
W0 = 5.0  # m/s canopy descent at sea level
WINDS = [
    ("3000 ft", "240 deg", "12 kt"),
    ("9000 ft", "250 deg", "22 kt"),
    ("12000 ft", "260 deg", "28 kt"),
]


def stuntsim_problem():
    from stuntsim.jump.plan import build_plan
    from stuntsim.jump.scenario import JumpScenario

    doc = {
        "kind": "jump",
        "winds": [{"altitude": a, "from": f, "speed": s} for a, f, s in WINDS],
        "jumper": {"mass": f"{MASS} kg", "position": "belly"},
        "canopy": {"forward_speed": "0 m/s", "descent_rate": f"{W0} m/s", "steering": "drift"},
        "jump": {
            "exit_altitude": f"{Z_EXIT} m",
            "open_altitude": f"{Z_OPEN} m",
            "platform": "balloon",
        },
    }
    plan = build_plan(JumpScenario.model_validate(doc), Path("bench.toml"))
    return plan


def stuntsim_batch(plan, n: int):
    batch = plan.batch(n)
    return replace(batch, opening_time=np.full(n, 0.05))


def rocketpy_flight(plan, weathercock: float):
    import rocketpy as rp

    from stuntsim.jump.jumper import RHO0
    from stuntsim.units import G0
    from stuntsim.world.atmosphere import R_EARTH

    atm, wind = plan.air.atmosphere, plan.air.wind
    env = rp.Environment(
        gravity=lambda h: G0 * (R_EARTH / (R_EARTH + h)) ** 2,
        latitude=0.0,
        longitude=0.0,
        elevation=0.0,
        max_expected_height=Z_EXIT + 1000.0,
    )
    z = np.arange(-100.0, Z_EXIT + 1000.0, 10.0)
    we, wn = wind.at(z)
    env.set_atmospheric_model(
        type="custom_atmosphere",
        pressure=np.column_stack([z, atm.pressure(z)]).tolist(),
        temperature=np.column_stack([z, atm.temperature(z)]).tolist(),
        wind_u=np.column_stack([z, we]).tolist(),
        wind_v=np.column_stack([z, wn]).tolist(),
    )
    radius = 0.5
    area = math.pi * radius**2
    cda = float(plan.drag.cda[0])
    motor = rp.EmptyMotor()  # no thrust, no mass: the body is the rocket's dry mass
    rocket = rp.PointMassRocket(
        radius=radius,
        mass=MASS,
        center_of_mass_without_motor=0.0,
        power_off_drag=cda / area,
        power_on_drag=cda / area,
        weathercock_coeff=weathercock,
    )
    rocket.add_motor(motor, position=0.0)
    cds = 2.0 * MASS * G0 / (RHO0 * W0**2)
    rocket.add_parachute(
        "main", cd_s=cds, trigger=Z_OPEN, sampling_rate=100, lag=0, radius=0.01, height=0.01
    )
    we0, wn0 = (float(v) for v in wind.at(Z_EXIT))
    # nose down: quaternion of a half turn about the body x axis
    u0 = [0.0, 0.0, 0.0, Z_EXIT, we0, wn0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    t0 = time.perf_counter()
    fl = rp.Flight(
        rocket,
        env,
        rail_length=1.0,
        initial_solution=u0,
        terminate_on_apogee=False,
        max_time=3000.0,
        simulation_mode="3 DOF",
    )
    dt = time.perf_counter() - t0
    return (float(fl.x_impact), float(fl.y_impact), float(fl.t_final)), dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100_000, help="stuntsim batch size")
    ap.add_argument("--rocketpy-runs", type=int, default=10)
    args = ap.parse_args()
    try:
        import rocketpy  # noqa: F401
    except ImportError:
        print("bench_rocketpy: RocketPy is not installed (pip install 'stuntsim[bench]'); skipped")
        return
    import warnings

    from stuntsim.jump.kernel import simulate_batch

    warnings.filterwarnings("ignore")
    plan = stuntsim_problem()
    one = simulate_batch(stuntsim_batch(plan, 1))
    ours = (float(one.land_pos[0, 0]), float(one.land_pos[0, 1]), float(one.land_t[0]))
    batch = stuntsim_batch(plan, args.n)
    simulate_batch(stuntsim_batch(plan, 100))  # warm the air table and caches
    t0 = time.perf_counter()
    simulate_batch(batch)
    t_ours = time.perf_counter() - t0
    ours_rate = args.n / t_ours

    rp_times = []
    land = None
    for _ in range(args.rocketpy_runs):
        land, dt = rocketpy_flight(plan, weathercock=50.0)
        rp_times.append(dt)
    land0, _ = rocketpy_flight(plan, weathercock=0.0)
    rp_rate = 1.0 / float(np.median(rp_times))
    print("== stuntsim vs RocketPy, one point-mass jump (4 000 m -> canopy at 1 000 m) ==")
    for label, (e, n, t) in (
        ("stuntsim landing", ours),
        ("RocketPy (weathercock 50/s)", land),
        ("RocketPy (default, 0/s)", land0),
    ):
        print(f"{label:28s}: E {e:8.1f} m  N {n:8.1f} m  t {t:6.1f} s")
    diff = math.hypot(ours[0] - land[0], ours[1] - land[1])
    diff0 = math.hypot(ours[0] - land0[0], ours[1] - land0[1])
    print(f"{'landing difference':28s}: {diff:.1f} m (fair set-up), {diff0:.1f} m (default axis)")
    runs = len(rp_times)
    print(f"{'RocketPy':28s}: {rp_rate:8.2f} jumps/s (median of {runs} flights, one core)")
    print(f"{'stuntsim kernel':28s}: {ours_rate:10,.0f} jumps/s (N = {args.n:,}, one core)")
    print(f"{'throughput ratio':28s}: {ours_rate / rp_rate:10,.0f} x per core")
    cores = os.cpu_count() or 1
    print(f"  (the Monte Carlo uses all {cores} cores: see bench_throughput.py)")


if __name__ == "__main__":
    main()
