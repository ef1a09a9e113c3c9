"""Batched two-track car model with vertical dynamics, and its fixed-step integrator.

State (one row per plan, SI units), ISO 8855 body axes x forward, y left, z up::

    0 east  1 north  2 psi (yaw, counter-clockwise from north)  3 u  4 v  5 r
    6 z (sprung CG height)  7 theta (pitch, + nose down)  8 phi (roll, + left side up)
    9 dz  10 dtheta  11 dphi
    12-15 z_w (wheel centre heights: FL FR RL RR)  16-19 their rates
    20-23 omega (wheel spin)  24 omega_e (engine)

Equations (docs/car.md has the full list with sources):

- Planar motion of the whole car (mass m, yaw inertia I_z), Newton-Euler in body axes
  (Gillespie, *Fundamentals of Vehicle Dynamics*, 1992, eqs. 6-1 to 6-3)::

      m (du/dt - v r) = sum F_x,   m (dv/dt + u r) = sum F_y,   I_z dr/dt = sum M_z

  The forces are the tyre forces at the four contact points, the horizontal component of the
  ground normal force (-F_z grad h on the steps) and aerodynamic drag.
- The sprung body pitches and rolls about its CG; the ground forces act at the contact points,
  depth h below it (the roll and pitch centres on the ground, as in CommonRoad's set 2 with
  h_raf = h_rar = 0)::

      m_s d2z/dt2 = sum F_s - m_s g
      I_y d2theta/dt2 = (-sum (x_i - x_s) F_s,i - h sum F_x) cos(theta)
      I_x d2phi/dt2   = ( sum y_i F_s,i        + h sum F_y) cos(phi)

  and the contact points swing with the body: x_c = x_i - h sin(theta), y_c = y_i + h sin(phi),
  with velocity (u - r y_c - h cos(theta) dtheta, v + r x_c + h cos(phi) dphi) (this keeps the
  energy balance exact: CarModel.power_losses).
- Each corner: spring, damper, bump/rebound stops, anti-roll bar between the body corner and
  the wheel; each wheel: m_u d2z_w/dt2 = F_z - F_s - m_u g; the tyre is a vertical spring and
  damper that only pushes: F_z = max(0, k_t d + c_t dd/dt) while the penetration
  d = h_eff + R - z_w > 0, else 0 (the wheel leaves the ground).
- Tyres: :mod:`stuntsim.car.tyre`; driveline and brakes: :mod:`stuntsim.car.drivetrain`.
- Wheels: I_w domega/dt = T_drive - T_brake - R F_x; engine: J_e domega_e/dt = T_e - T_c.

Integrator: semi-implicit (symplectic) Euler for the body and suspension, linearly implicit
(Rosenbrock-Euler / W-method, Hairer & Wanner, *Solving ODEs II*, §IV.7) for the wheel and
engine speeds. Why: the wheel-spin modes are stiff (tyre slip stiffness R^2 K_x / (I_w V) is
about 10^3-10^4 1/s at low speed; the regularised clutch and brake friction are stiffer still),
while the body modes are not (the stiffest, the wheel hop on tyre + bump stop, is about
110 rad/s). Treating the spin block implicitly removes its step limit; symplectic Euler keeps
the suspension oscillators' energy bounded, and the default step of 1 ms resolves the wheel hop
(omega dt = 0.11) and the landing impacts (tyre compression lasts about 1/omega = 10-15 ms).
The scheme is first order; tests/test_car_integrator.py checks it against
scipy.integrate.solve_ivp (LSODA, rtol 1e-10) and that the error halves with the step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stuntsim.car import tyre as mf
from stuntsim.car.driver import CHANNELS, DriverBatch, DriverSamples, Timeline
from stuntsim.car.drivetrain import friction_brake
from stuntsim.car.vehicle import G, Vehicle
from stuntsim.constants import RHO0

NSTATE = 25
RHO_AIR = RHO0  # kg/m^3, sea-level standard density (USSA 1976)
V_LOW = 1.0  # m/s: slip denominators never drop below this (Pacejka 2012 §8.6 "V_low")
V_SLIDE = 0.1  # m/s: the body's Coulomb friction is regularised over this sliding speed
# channel indices
I_STEER, I_HANDBRAKE, I_THROTTLE, I_BRAKE, I_CLUTCH, I_GEAR = range(6)
assert CHANNELS == ("steer", "handbrake", "throttle", "brake", "clutch", "gear")


@dataclass
class Forces:
    """Everything the step and the recorder need from one force evaluation (batch arrays)."""

    acc: np.ndarray  # (B, 10): du dv dr d2z d2theta d2phi d2z_w(4)
    fspin: np.ndarray  # (B, 5): domega(4), domega_e
    jac: dict[str, np.ndarray]  # pieces of the spin Jacobian
    fz: np.ndarray  # (B, 4) tyre vertical loads
    fs: np.ndarray  # (B, 4) suspension forces on the body
    fx: np.ndarray  # (B, 4) tyre longitudinal forces (wheel axes)
    fy: np.ndarray  # (B, 4) tyre lateral forces (wheel axes)
    kappa: np.ndarray
    alpha: np.ndarray
    clutch_torque: np.ndarray  # (B,)
    clutch_slip: np.ndarray  # (B,) rad/s, engine minus gearbox input
    engine_torque: np.ndarray  # (B,)
    ratio: np.ndarray  # (B,) overall ratio G
    ax: np.ndarray  # (B,) horizontal acceleration of the CG, body x (incl. centripetal)
    ay: np.ndarray
    body_force: np.ndarray  # (B,) N, sum of the body-ground normal forces
    body_clear: np.ndarray  # (B,) m, lowest outline point above the ground (< 0: in contact)
    parts: dict[str, Any] = field(default_factory=dict)  # intermediates for power_losses


@dataclass
class CarModel:
    """Constants of the model for one vehicle on one ground (built once per run)."""

    vehicle: Vehicle
    ground: Any  # stairs.Stairs or stairs.FlatGround
    engine_running: bool = True
    aero: bool = True
    # derived
    xw: np.ndarray = field(init=False)
    yw: np.ndarray = field(init=False)
    ms: float = field(init=False)
    mu: np.ndarray = field(init=False)
    fs0: np.ndarray = field(init=False)
    fz0: np.ndarray = field(init=False)
    offset: np.ndarray = field(init=False)
    ks: np.ndarray = field(init=False)
    cs: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        v = self.vehicle
        a, b = v.cg_to_front, v.cg_to_rear
        self.xw = np.array([a, a, -b, -b])
        self.yw = np.array([v.track_front, -v.track_front, v.track_rear, -v.track_rear]) / 2.0
        self.mu = np.array([v.unsprung_front] * 2 + [v.unsprung_rear] * 2)
        self.ms = v.sprung_mass
        L = v.wheelbase
        # the sprung CG sits where the whole-car CG is at (a, b) with the unsprung masses on
        # the axles: x_s = -(2 m_uf a - 2 m_ur b) / m_s; the static axle loads are then
        # exactly m g b / L and m g a / L
        self.xs = -2.0 * (v.unsprung_front * a - v.unsprung_rear * b) / self.ms
        self.xb = self.xw - self.xs  # corner positions relative to the sprung CG
        fsf = self.ms * G * (b + self.xs) / L / 2.0
        fsr = self.ms * G * (a - self.xs) / L / 2.0
        self.fs0 = np.array([fsf, fsf, fsr, fsr])
        self.fz0 = self.fs0 + self.mu * G
        self.ks = np.array([v.spring_front] * 2 + [v.spring_rear] * 2)
        self.cs = np.array([v.damper_front] * 2 + [v.damper_rear] * 2)
        tyre_defl = self.fz0 / v.tyre_stiffness
        # suspension deflection Delta = z_w - z_body_corner + offset is 0 at static equilibrium
        self.offset = v.cg_height - (v.wheel_radius - tyre_defl)
        self.karb = np.array(
            [v.anti_roll_front / v.track_front**2, v.anti_roll_rear / v.track_rear**2]
        )
        self.brake_cap = np.array([v.brake_front] * 2 + [v.brake_rear] * 2)
        self.hb_cap = np.array([0.0, 0.0, v.handbrake, v.handbrake])
        self.gear_table = v.gearbox.table()
        self.same_tyres = v.tyre == v.tyre_rear
        self.tyre_pen0 = tyre_defl
        self.ack = v.ackermann * v.track_front / (2.0 * L)
        # stop damping: 30 % of critical on the unsprung mass (estimate for rubber stops)
        self.c_stop = 2.0 * 0.3 * np.sqrt(v.bump_stop_rate * self.mu)
        # body outline points relative to the sprung CG (body axes; z < 0 below it)
        pts = v.body_points
        self.n_body = len(pts)
        self.bpx = np.array([p.x for p in pts]) - self.xs
        self.bpy = np.array([p.y for p in pts])
        self.bpz = np.array([p.z for p in pts]) - v.cg_height

    # --- state helpers ---------------------------------------------------------------------
    def initial_state(
        self,
        east: np.ndarray,
        north: np.ndarray,
        psi: np.ndarray,
        speed: np.ndarray,
        gear: np.ndarray,
        clutch_pedal: np.ndarray,
    ) -> np.ndarray:
        """Static equilibrium on the ground at the start, rolling straight at ``speed``."""
        east, north, psi, speed, gear, pedal = np.broadcast_arrays(
            *(np.asarray(x, dtype=float) for x in (east, north, psi, speed, gear, clutch_pedal))
        )
        B = east.shape[0]
        v = self.vehicle
        x = np.zeros((B, NSTATE))
        x[:, 0], x[:, 1], x[:, 2], x[:, 3] = east, north, psi, speed
        s, c = np.sin(psi)[:, None], np.cos(psi)[:, None]
        we = east[:, None] - self.xw * s - self.yw * c
        wn = north[:, None] + self.xw * c - self.yw * s
        hg, _ = self.ground.envelope(we, wn, v.wheel_radius)
        zw = hg + v.wheel_radius - self.tyre_pen0
        # body corner heights z_b = z_w + offset; least-squares fit of z, theta, phi
        zb = zw + self.offset
        A = np.stack([np.ones(4), -self.xb, self.yw], axis=1)
        sol, *_ = np.linalg.lstsq(A, zb.T, rcond=None)
        x[:, 6], x[:, 7], x[:, 8] = sol[0], np.arcsin(np.clip(sol[1], -1, 1)), sol[2]
        x[:, 12:16] = zw
        x[:, 20:24] = speed[:, None] / v.wheel_radius
        ratio = self.gear_table[gear.astype(int) + 1]
        w_in = ratio * speed / v.wheel_radius
        engaged = (pedal < 0.5) & (ratio != 0.0)
        x[:, 24] = np.where(engaged, np.maximum(w_in, 0.0), v.engine.idle_speed)
        if not self.engine_running:
            x[:, 24] = np.where(engaged, np.maximum(w_in, 0.0), 0.0)
        return x

    def energy(self, x: np.ndarray) -> np.ndarray:
        """Total mechanical energy (J): kinetic + gravity + springs (suspension, stops, bars,
        tyres). With the engine off it never increases (tests/test_car_energy.py)."""
        v = self.vehicle
        u, vv, r = x[:, 3], x[:, 4], x[:, 5]
        z = x[:, 6]
        zd, thd, phd = x[:, 9], x[:, 10], x[:, 11]
        zw, zwd = x[:, 12:16], x[:, 16:20]
        om, we = x[:, 20:24], x[:, 24]
        ke = 0.5 * v.mass * (u * u + vv * vv) + 0.5 * v.yaw_inertia * r * r
        ke += 0.5 * self.ms * zd * zd + 0.5 * v.pitch_inertia * thd**2
        ke += 0.5 * v.roll_inertia * phd**2
        ke += 0.5 * np.sum(self.mu * zwd * zwd, axis=1)
        ke += 0.5 * v.wheel_inertia * np.sum(om * om, axis=1) + 0.5 * v.engine.inertia * we**2
        pe = self.ms * G * z + np.sum(self.mu * G * zw, axis=1)
        d = self._deflection(x)
        bump = np.maximum(0.0, d - v.bump_travel)
        reb = np.maximum(0.0, -d - v.rebound_travel)
        pe += np.sum(self.fs0 * d + 0.5 * self.ks * d * d, axis=1)
        pe += np.sum(0.5 * v.bump_stop_rate * (bump * bump + reb * reb), axis=1)
        pe += 0.5 * self.karb[0] * (d[:, 0] - d[:, 1]) ** 2
        pe += 0.5 * self.karb[1] * (d[:, 2] - d[:, 3]) ** 2
        pen = self._penetration(x)
        pin = np.maximum(0.0, pen - v.tyre_bottoming)
        pe += np.sum(
            np.where(pen > 0, 0.5 * v.tyre_stiffness * pen * pen, 0.0)
            + 0.5 * 10.0 * v.tyre_stiffness * pin * pin,
            axis=1,
        )
        if self.n_body:
            bc = self.body_contact(x)
            bp = np.maximum(bc["pen"], 0.0)
            pe += np.sum(0.5 * v.body_stiffness * bp * bp, axis=1)
        return ke + pe

    def _deflection(self, x: np.ndarray) -> np.ndarray:
        zb = x[:, 6:7] - self.xb * np.sin(x[:, 7:8]) + self.yw * np.sin(x[:, 8:9])
        return x[:, 12:16] - zb + self.offset

    def contact_offsets(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Body-axis horizontal offsets of the contact points from the CG, (B, 4) each.

        The contact points sit at depth h below the CG, so pitch and roll swing them:
        x_c = x_i - h sin(theta), y_c = y_i + h sin(phi).
        """
        h = self.vehicle.cg_height
        return self.xw - h * np.sin(x[:, 7:8]), self.yw + h * np.sin(x[:, 8:9])

    def wheel_positions(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """East and north of the four contact points, (B, 4) each."""
        s, c = np.sin(x[:, 2:3]), np.cos(x[:, 2:3])
        xc, yc = self.contact_offsets(x)
        return x[:, 0:1] - xc * s - yc * c, x[:, 1:2] + xc * c - yc * s

    def _penetration(self, x: np.ndarray) -> np.ndarray:
        we, wn = self.wheel_positions(x)
        hg, _ = self.ground.envelope(we, wn, self.vehicle.wheel_radius)
        return hg + self.vehicle.wheel_radius - x[:, 12:16]

    # --- body-ground contact --------------------------------------------------------------
    def body_geometry(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Where the body's outline points are, with the exact (large-angle) rotation.

        A point p = (x_p, y_p, z_p) of the body (about the sprung CG) turned by roll phi then
        pitch theta (theta > 0 nose down, phi > 0 left side up)::

            X = cos(theta) x_p + sin(theta) (sin(phi) y_p + cos(phi) z_p)
            Y = cos(phi) y_p - sin(phi) z_p
            Z = -sin(theta) x_p + cos(theta) (sin(phi) y_p + cos(phi) z_p)

        X, Y horizontal in the heading frame, Z up; the point sits at x_s + X ahead of the
        whole car's CG and Z above the sprung CG. Returns (B, P) arrays: X, Y, Z, east, north,
        height and the partial derivatives the velocities and generalised forces need.
        """
        th, ph = x[:, 7:8], x[:, 8:9]
        sth, cth, sph, cph = np.sin(th), np.cos(th), np.sin(ph), np.cos(ph)
        px, py, pz = self.bpx, self.bpy, self.bpz
        w = sph * py + cph * pz
        X = cth * px + sth * w
        Y = cph * py - sph * pz
        Z = -sth * px + cth * w
        s, c = np.sin(x[:, 2:3]), np.cos(x[:, 2:3])
        xa = self.xs + X
        east = x[:, 0:1] - xa * s - Y * c
        north = x[:, 1:2] + xa * c - Y * s
        return {
            "X": X,
            "Y": Y,
            "Z": Z,
            "xa": xa,
            "east": east,
            "north": north,
            "z": x[:, 6:7] + Z,
            "dX_dth": Z,
            "dX_dph": sth * Y,
            "dY_dph": -(sph * py + cph * pz),
            "dZ_dth": -X,
            "dZ_dph": cth * Y,
            "s": s,
            "c": c,
        }

    def body_contact(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Forces of the ground on the body's outline points (B, P each), heading-frame axes.

        Each point is a stiff one-sided spring-damper against the ground (the profile's
        envelope for an edge of radius ``body_radius``, so a sill slides round a step nosing)::

            d = h(east, north) - z_p,   F_n = max(0, k d + c dd/dt)  while d > 0, else 0

        with the normal tilted by the slope like a tyre's (horizontal part -F_n dh/dnorth), and
        Coulomb friction against the sliding velocity, regularised over V_SLIDE::

            F_t = -mu_b F_n v_t / sqrt(|v_t|^2 + V_SLIDE^2)

        (regularised Coulomb friction as in stuntsim.car.drivetrain; it only dissipates).
        """
        veh = self.vehicle
        g = self.body_geometry(x)
        u, v, r = x[:, 3:4], x[:, 4:5], x[:, 5:6]
        thd, phd = x[:, 10:11], x[:, 11:12]
        vx = u - r * g["Y"] + g["dX_dth"] * thd + g["dX_dph"] * phd
        vy = v + r * g["xa"] + g["dY_dph"] * phd
        vz = x[:, 9:10] + g["dZ_dth"] * thd + g["dZ_dph"] * phd
        h, slope = self.ground.envelope(g["east"], g["north"], veh.body_radius)
        pen = h - g["z"]
        v_north = vx * g["c"] - vy * g["s"]
        pen_rate = slope * v_north - vz
        fn = veh.body_stiffness * pen + veh.body_damping * pen_rate
        fn = np.where(pen > 0.0, np.maximum(fn, 0.0), 0.0)
        scale = veh.body_friction * fn / np.sqrt(vx * vx + vy * vy + V_SLIDE * V_SLIDE)
        fx = -scale * vx - fn * slope * g["c"]
        fy = -scale * vy + fn * slope * g["s"]
        return {
            "fn": fn,
            "fx": fx,
            "fy": fy,
            "pen": pen,
            "pen_rate": pen_rate,
            "vx": vx,
            "vy": vy,
            "friction_power": -scale * (vx * vx + vy * vy),
            "clear": -pen,
            **g,
        }

    # --- forces ----------------------------------------------------------------------------
    def forces(self, x: np.ndarray, inp: np.ndarray) -> Forces:
        """All forces and accelerations at state ``x`` (B, 25) with driver inputs ``inp``
        (B, 6: steer, handbrake, throttle, brake, clutch, gear)."""
        veh = self.vehicle
        R = veh.wheel_radius
        h = veh.cg_height
        xw, yw = self.xw, self.yw
        u, v, r = x[:, 3:4], x[:, 4:5], x[:, 5:6]
        th, ph = x[:, 7:8], x[:, 8:9]
        zd, thd, phd = x[:, 9:10], x[:, 10:11], x[:, 11:12]
        zw, zwd = x[:, 12:16], x[:, 16:20]
        om = x[:, 20:24]
        we = x[:, 24]
        s, c = np.sin(x[:, 2:3]), np.cos(x[:, 2:3])

        # ground under each wheel, contact-point velocity (body axes)
        sth, cth, sph, cph = np.sin(th), np.cos(th), np.sin(ph), np.cos(ph)
        xc = xw - h * sth  # contact points: depth h below the CG, swung by pitch and roll
        yc = yw + h * sph
        e_w = x[:, 0:1] - xc * s - yc * c
        n_w = x[:, 1:2] + xc * c - yc * s
        hg, slope = self.ground.envelope(e_w, n_w, R)
        vx = u - r * yc - h * cth * thd
        vy = v + r * xc + h * cph * phd
        v_north = vx * c - vy * s

        # tyre vertical force: one-sided spring-damper, rim pinch beyond tyre_bottoming
        pen = hg + R - zw
        pen_rate = slope * v_north - zwd
        fz = (
            veh.tyre_stiffness * pen
            + 10.0 * veh.tyre_stiffness * np.maximum(0.0, pen - veh.tyre_bottoming)
            + veh.tyre_damping * pen_rate
        )
        fz = np.where(pen > 0.0, np.maximum(fz, 0.0), 0.0)

        # suspension
        xb = self.xb
        zb = x[:, 6:7] - xb * sth + yw * sph
        zbd = zd - xb * cth * thd + yw * cph * phd
        d = zw - zb + self.offset
        dd = zwd - zbd
        # bump and rebound stops: one-sided spring-dampers (rubber: stiff, lossy)
        pb = d - veh.bump_travel
        pr = -d - veh.rebound_travel
        f_bump = np.where(
            pb > 0.0, np.maximum(0.0, veh.bump_stop_rate * pb + self.c_stop * dd), 0.0
        )
        f_reb = np.where(pr > 0.0, np.maximum(0.0, veh.bump_stop_rate * pr - self.c_stop * dd), 0.0)
        fs = self.fs0 + self.ks * d + self.cs * dd + f_bump - f_reb
        arb_f = self.karb[0] * (d[:, 0] - d[:, 1])
        arb_r = self.karb[1] * (d[:, 2] - d[:, 3])
        fs = fs + np.stack([arb_f, -arb_f, arb_r, -arb_r], axis=1)

        # wheel-axis slip velocities (front wheels steered by delta, no Ackermann)
        # steer input = single-track (bicycle) angle; the two front wheels follow Ackermann
        # geometry: tan(delta_L,R) = tan(delta) / (1 -+ A T / (2 L) tan(delta))
        tn = np.tan(inp[:, I_STEER])
        k = self.ack * tn
        dl = np.arctan(tn / (1.0 - k))
        dr = np.arctan(tn / (1.0 + k))
        sd = np.zeros_like(om)
        cd = np.ones_like(om)
        sd[:, 0], sd[:, 1] = np.sin(dl), np.sin(dr)
        cd[:, 0], cd[:, 1] = np.cos(dl), np.cos(dr)
        vcx = vx * cd + vy * sd
        vcy = -vx * sd + vy * cd
        vden = np.maximum(np.abs(vcx), V_LOW)
        kappa = (om * R - vcx) / vden
        alpha = np.arctan(vcy / vden)
        if self.same_tyres:
            fxw, fyw, dfx = mf.forces(kappa, alpha, fz, veh.tyre)
        else:
            f1 = mf.forces(kappa[:, :2], alpha[:, :2], fz[:, :2], veh.tyre)
            f2 = mf.forces(kappa[:, 2:], alpha[:, 2:], fz[:, 2:], veh.tyre_rear)
            fxw, fyw, dfx = (np.concatenate([p, q], axis=1) for p, q in zip(f1, f2, strict=True))
        # body-axis ground forces: tyre forces + horizontal part of the normal force
        fxb = fxw * cd - fyw * sd - fz * slope * c
        fyb = fxw * sd + fyw * cd + fz * slope * s
        fx_sum = fxb.sum(axis=1)
        fy_sum = fyb.sum(axis=1)
        mz = np.sum(xc * fyb - yc * fxb, axis=1)
        if self.aero:
            q = 0.5 * RHO_AIR * veh.drag_area * np.hypot(u[:, 0], v[:, 0])
            dax, day = -q * u[:, 0], -q * v[:, 0]
        else:
            dax = day = 0.0
        # body-ground contact: forces at the outline points (generalised forces F . dp/dq)
        if self.n_body:
            bc = self.body_contact(x)
            bfx, bfy, bfn = bc["fx"], bc["fy"], bc["fn"]
            b_x, b_y = bfx.sum(axis=1), bfy.sum(axis=1)
            b_z = bfn.sum(axis=1)
            b_mz = np.sum(bc["xa"] * bfy - bc["Y"] * bfx, axis=1)
            b_th = np.sum(bfx * bc["dX_dth"] + bfn * bc["dZ_dth"], axis=1)
            b_ph = np.sum(bfx * bc["dX_dph"] + bfy * bc["dY_dph"] + bfn * bc["dZ_dph"], axis=1)
        else:
            bc = {}
            b_x = b_y = b_z = b_mz = b_th = b_ph = np.zeros(x.shape[0])
        m = veh.mass
        ax = (fx_sum + dax + b_x) / m
        ay = (fy_sum + day + b_y) / m
        acc = np.empty((x.shape[0], 10))
        acc[:, 0] = ax + v[:, 0] * r[:, 0]
        acc[:, 1] = ay - u[:, 0] * r[:, 0]
        acc[:, 2] = (mz + b_mz) / veh.yaw_inertia
        acc[:, 3] = (fs.sum(axis=1) + b_z) / self.ms - G
        acc[:, 4] = ((-np.sum(xb * fs, axis=1) - h * fx_sum) * cth[:, 0] + b_th) / veh.pitch_inertia
        acc[:, 5] = ((np.sum(yw * fs, axis=1) + h * fy_sum) * cph[:, 0] + b_ph) / veh.roll_inertia
        acc[:, 6:10] = (fz - fs) / self.mu - G

        # driveline
        gear = inp[:, I_GEAR].astype(int)
        ratio = self.gear_table[gear + 1]
        w_c = 0.5 * (om[:, 2] + om[:, 3])
        slip_c = we - ratio * w_c
        pedal = np.where(ratio != 0.0, inp[:, I_CLUTCH], 1.0)  # neutral: nothing transmitted
        t_c, k_c = veh.clutch.torque(slip_c, pedal)
        t_e = veh.engine.output(we, inp[:, I_THROTTLE], np.asarray(self.engine_running))
        t_in = ratio * t_c
        t_lsd, k_l = veh.diff.friction(om[:, 2], om[:, 3], t_in)
        cap_b = (
            self.brake_cap * inp[:, I_BRAKE : I_BRAKE + 1]
            + self.hb_cap * inp[:, I_HANDBRAKE : I_HANDBRAKE + 1]
            + veh.rolling_resistance * R * fz
        )
        t_b, k_b = friction_brake(om, cap_b)
        drive = np.zeros_like(om)
        drive[:, 2] = 0.5 * t_in - t_lsd
        drive[:, 3] = 0.5 * t_in + t_lsd
        iw = veh.wheel_inertia
        fspin = np.empty((x.shape[0], 5))
        fspin[:, :4] = (drive - t_b - R * fxw) / iw
        fspin[:, 4] = (t_e - t_c) / veh.engine.inertia
        jac = {
            "diag": -(R * R * dfx / vden + k_b) / iw,
            "k_c": k_c,
            "k_l": k_l,
            "ratio": ratio,
        }
        return Forces(
            acc=acc,
            fspin=fspin,
            jac=jac,
            fz=fz,
            fs=fs,
            fx=fxw,
            fy=fyw,
            kappa=kappa,
            alpha=alpha,
            clutch_torque=t_c,
            clutch_slip=slip_c,
            engine_torque=t_e,
            ratio=ratio,
            ax=ax,
            ay=ay,
            body_force=b_z,
            body_clear=np.min(bc["clear"], axis=1) if self.n_body else np.full(x.shape[0], np.inf),
            parts={
                "body": bc,
                "hg": hg,
                "slope": slope,
                "pen": pen,
                "pen_rate": pen_rate,
                "d": d,
                "dd": dd,
                "f_bump": f_bump,
                "f_reb": f_reb,
                "pb": pb,
                "pr": pr,
                "vcx": vcx,
                "vcy": vcy,
                "t_b": t_b,
                "t_lsd": t_lsd,
                "speed": np.hypot(u[:, 0], v[:, 0]),
            },
        )

    def power_losses(self, x: np.ndarray, inp: np.ndarray) -> dict[str, np.ndarray]:
        """Power (W, >= 0 each) dissipated by every lossy element at state ``x``.

        With the engine off, dE/dt = -(sum of these) exactly: tests/test_car_energy.py checks
        that the equations of motion and :meth:`energy` balance.
        """
        veh = self.vehicle
        f = self.forces(x, inp)
        p = f.parts
        R = veh.wheel_radius
        om, we = x[:, 20:24], x[:, 24]
        k_t = veh.tyre_stiffness
        pin = np.maximum(0.0, p["pen"] - veh.tyre_bottoming)
        elastic = np.where(p["pen"] > 0.0, k_t * p["pen"] + 10.0 * k_t * pin, 0.0)
        stop_b = np.where(p["pb"] > 0.0, veh.bump_stop_rate * p["pb"], 0.0)
        stop_r = np.where(p["pr"] > 0.0, veh.bump_stop_rate * p["pr"], 0.0)
        aero = 0.0
        if self.aero:
            aero = 0.5 * RHO_AIR * veh.drag_area * p["speed"] ** 3
        return {
            "tyre_slip": -np.sum(f.fx * (p["vcx"] - om * R) + f.fy * p["vcy"], axis=1),
            "tyre_damping": np.sum((f.fz - elastic) * p["pen_rate"], axis=1),
            "dampers": np.sum(self.cs * p["dd"] ** 2, axis=1),
            "stops": np.sum(
                (p["f_bump"] - stop_b) * p["dd"] - (p["f_reb"] - stop_r) * p["dd"], axis=1
            ),
            "brakes": np.sum(p["t_b"] * om, axis=1),
            "clutch": f.clutch_torque * f.clutch_slip,
            "differential": p["t_lsd"] * (om[:, 2] - om[:, 3]),
            "engine": -f.engine_torque * we,
            "aero": aero + np.zeros(x.shape[0]),
            **self._body_losses(p["body"]),
        }

    def _body_losses(self, bc: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if not bc:
            return {}
        veh = self.vehicle
        elastic = np.where(bc["pen"] > 0.0, veh.body_stiffness * bc["pen"], 0.0)
        return {
            "body_damping": np.sum((bc["fn"] - elastic) * bc["pen_rate"], axis=1),
            "body_friction": -np.sum(bc["friction_power"], axis=1),
        }

    def rates(self, x: np.ndarray) -> np.ndarray:
        """Kinematic rates of the position states (B, 10): east, north, yaw, heave, pitch,
        roll, four wheel heights; from the velocity states."""
        s, c = np.sin(x[:, 2]), np.cos(x[:, 2])
        u, v = x[:, 3], x[:, 4]
        out = np.empty((x.shape[0], 10))
        out[:, 0] = -u * s - v * c  # d east / dt
        out[:, 1] = u * c - v * s  # d north / dt
        out[:, 2] = x[:, 5]
        out[:, 3:6] = x[:, 9:12]
        out[:, 6:10] = x[:, 16:20]
        return out

    def derivative(self, x: np.ndarray, inp: np.ndarray) -> np.ndarray:
        """The continuous right-hand side dx/dt (B, 25) (for solve_ivp and energy checks)."""
        f = self.forces(x, inp)
        dx = np.empty_like(x)
        k = self.rates(x)
        dx[:, 0:3] = k[:, 0:3]
        dx[:, 3:6] = f.acc[:, 0:3]
        dx[:, 6:9] = k[:, 3:6]
        dx[:, 9:12] = f.acc[:, 3:6]
        dx[:, 12:16] = k[:, 6:10]
        dx[:, 16:20] = f.acc[:, 6:10]
        dx[:, 20:25] = f.fspin
        return dx

    # --- one step --------------------------------------------------------------------------
    def step(self, x: np.ndarray, inp: np.ndarray, dt: float) -> tuple[np.ndarray, Forces]:
        """Advance every plan by ``dt``; returns the new state and the forces at the old one."""
        f = self.forces(x, inp)
        xn = x.copy()
        # symplectic Euler: velocities first, then positions with the new velocities
        xn[:, 3:6] += dt * f.acc[:, 0:3]
        xn[:, 9:12] += dt * f.acc[:, 3:6]
        xn[:, 16:20] += dt * f.acc[:, 6:10]
        k = self.rates(xn)
        xn[:, 0:3] += dt * k[:, 0:3]
        xn[:, 6:9] += dt * k[:, 3:6]
        xn[:, 12:16] += dt * k[:, 6:10]
        xn[:, 20:25] += self.spin_increment(f, dt)
        return xn, f

    def spin_increment(self, f: Forces, dt: float) -> np.ndarray:
        """Linearly implicit Euler increment of the wheel and engine speeds.

        Solves (I - dt J) dw = dt f for w = (omega_FL, omega_FR, omega_RL, omega_RR, omega_e),
        J the Jacobian of the stiff terms: tyre slip, brakes, clutch, differential friction.
        """
        veh = self.vehicle
        iw, je = veh.wheel_inertia, veh.engine.inertia
        j = f.jac
        diag = j["diag"]
        out = np.empty_like(f.fspin)
        # front wheels: scalar
        out[:, 0:2] = dt * f.fspin[:, 0:2] / (1.0 - dt * diag[:, 0:2])
        # rear wheels + engine: 3x3 (RL, RR, e)
        g = j["ratio"]
        kc, kl = j["k_c"], j["k_l"]
        B = diag.shape[0]
        A = np.zeros((B, 3, 3))
        cw = g * g * kc / (4.0 * iw)
        A[:, 0, 0] = 1.0 - dt * (diag[:, 2] - cw - kl / iw)
        A[:, 1, 1] = 1.0 - dt * (diag[:, 3] - cw - kl / iw)
        A[:, 0, 1] = -dt * (-cw + kl / iw)
        A[:, 1, 0] = -dt * (-cw + kl / iw)
        A[:, 0, 2] = -dt * (g * kc / (2.0 * iw))
        A[:, 1, 2] = -dt * (g * kc / (2.0 * iw))
        A[:, 2, 0] = -dt * (g * kc / (2.0 * je))
        A[:, 2, 1] = -dt * (g * kc / (2.0 * je))
        A[:, 2, 2] = 1.0 + dt * kc / je
        rhs = dt * f.fspin[:, 2:5, None]
        out[:, 2:5] = np.linalg.solve(A, rhs)[:, :, 0]
        return out


# --- simulation ------------------------------------------------------------------------------


@dataclass
class SimOutput:
    """Recorded time histories, each (B, n) or (B, n, k); plus per-plan scalars."""

    t: np.ndarray  # (n,)
    x: np.ndarray  # (B, n, 25)
    inputs: np.ndarray  # (B, n, 6)
    fz: np.ndarray  # (B, n, 4)
    fs_sum: np.ndarray  # (B, n)
    kappa: np.ndarray  # (B, n, 4)
    alpha: np.ndarray  # (B, n, 4)
    clutch_torque: np.ndarray  # (B, n)
    clutch_slip: np.ndarray  # (B, n)
    ratio: np.ndarray  # (B, n)
    ax: np.ndarray  # (B, n)
    ay: np.ndarray  # (B, n)
    max_vertical_g: np.ndarray  # (B,) peak body vertical specific force over every step
    trigger_times: np.ndarray  # (B, n_triggers), inf where never fired
    dt: float
    record_every: int
    body_force: np.ndarray | None = None  # (B, n) N, sum of the body-ground normal forces
    body_clear: np.ndarray | None = None  # (B, n) m, lowest outline point above the ground
    max_fz: np.ndarray | None = None  # (B, 4) N, peak tyre load of each wheel over every step
    max_axle: np.ndarray | None = None  # (B, 2) N, peak front / rear axle load
    body_peak: np.ndarray | None = None  # (B, 5): peak body force N, t, point, east, north
    hg: np.ndarray | None = None  # (B, n, 4) m, effective ground height under each wheel
    slope: np.ndarray | None = None  # (B, n, 4) its slope d/dnorth
    sprung_mass: np.ndarray | None = None  # (B,) kg, each sample's car
    static_fz: np.ndarray | None = None  # (B, 4) N, each sample's static wheel loads


def trigger_variables(
    model: CarModel, x: np.ndarray, fz: np.ndarray, yaw0: np.ndarray, t: float
) -> dict[str, np.ndarray]:
    yaw = x[:, 2] - yaw0
    return {
        "yaw": yaw,
        "abs_yaw": np.abs(yaw),
        "yaw_rate": x[:, 5],
        "speed": np.hypot(x[:, 3], x[:, 4]),
        "north": x[:, 1],
        "east": x[:, 0],
        "t": np.full(x.shape[0], t),
        "wheels_off": np.sum(fz <= 0.0, axis=1).astype(float),
    }


def simulate(
    model: CarModel,
    timeline: Timeline,
    x0: np.ndarray,
    duration: float,
    dt: float = 1e-3,
    record_every: int = 1,
    offsets: np.ndarray | DriverSamples | None = None,
    stop_north: float | None = None,
) -> SimOutput:
    """Integrate B plans from ``x0`` (B, 25) for ``duration`` seconds with step ``dt``.

    ``offsets`` (B, n_keyframes) shift keyframe times per plan (the planner's search).
    ``stop_north``: stop early once every plan's CG is north of this line.
    """
    B = x0.shape[0]
    n_steps = round(duration / dt)
    n_rec = n_steps // record_every + 1
    drv = DriverBatch(timeline, offsets, B)
    rec = {
        "x": np.empty((B, n_rec, NSTATE)),
        "inputs": np.empty((B, n_rec, 6)),
        "fz": np.empty((B, n_rec, 4)),
        "fs_sum": np.empty((B, n_rec)),
        "kappa": np.empty((B, n_rec, 4)),
        "alpha": np.empty((B, n_rec, 4)),
        "clutch_torque": np.empty((B, n_rec)),
        "clutch_slip": np.empty((B, n_rec)),
        "ratio": np.empty((B, n_rec)),
        "ax": np.empty((B, n_rec)),
        "ay": np.empty((B, n_rec)),
        "body_force": np.empty((B, n_rec)),
        "body_clear": np.empty((B, n_rec)),
        "hg": np.empty((B, n_rec, 4)),
        "slope": np.empty((B, n_rec, 4)),
    }
    x = x0.copy()
    yaw0 = x0[:, 2].copy()
    max_vg = np.full(B, -np.inf)
    max_fz = np.zeros((B, 4))
    max_axle = np.zeros((B, 2))
    body_peak = np.zeros((B, 5))
    body_peak[:, 2] = -1.0
    ms_g = model.ms * G
    n_done = n_rec
    chunk = 250
    timed = drv.timed(np.arange(min(chunk, n_steps + 1)) * dt)
    for n in range(n_steps + 1):
        t = n * dt
        j = n % chunk
        if j == 0 and n:
            timed = drv.timed((n + np.arange(min(chunk, n_steps + 1 - n))) * dt)
        inp = drv.values(t, timed[:, j])
        if n == n_steps:
            f = model.forces(x, inp)
            xn = x
        else:
            xn, f = model.step(x, inp, dt)
        vg = f.fs.sum(axis=1) / ms_g
        np.maximum(max_vg, vg, out=max_vg)
        np.maximum(max_fz, f.fz, out=max_fz)
        np.maximum(max_axle[:, 0], f.fz[:, 0] + f.fz[:, 1], out=max_axle[:, 0])
        np.maximum(max_axle[:, 1], f.fz[:, 2] + f.fz[:, 3], out=max_axle[:, 1])
        if model.n_body:
            bc = f.parts["body"]
            fn = bc["fn"]
            k = np.argmax(fn, axis=1)
            peak = fn[np.arange(B), k]
            new = peak > body_peak[:, 0]
            if new.any():
                rows = np.nonzero(new)[0]
                body_peak[rows, 0] = peak[rows]
                body_peak[rows, 1] = t
                body_peak[rows, 2] = k[rows]
                body_peak[rows, 3] = bc["east"][rows, k[rows]]
                body_peak[rows, 4] = bc["north"][rows, k[rows]]
        if n % record_every == 0:
            i = n // record_every
            rec["x"][:, i] = x
            rec["inputs"][:, i] = inp
            rec["fz"][:, i] = f.fz
            rec["fs_sum"][:, i] = f.fs.sum(axis=1)
            rec["kappa"][:, i] = f.kappa
            rec["alpha"][:, i] = f.alpha
            rec["clutch_torque"][:, i] = f.clutch_torque
            rec["clutch_slip"][:, i] = f.clutch_slip
            rec["ratio"][:, i] = f.ratio
            rec["ax"][:, i] = f.ax
            rec["ay"][:, i] = f.ay
            rec["body_force"][:, i] = f.body_force
            rec["body_clear"][:, i] = f.body_clear
            rec["hg"][:, i] = f.parts["hg"]
            rec["slope"][:, i] = f.parts["slope"]
            if stop_north is not None and np.all(x[:, 1] > stop_north):
                n_done = i + 1
                break
        if n < n_steps and drv.G > 1:
            tv = trigger_variables(model, xn, f.fz, yaw0, t + dt)
            drv.update_triggers(t + dt, tv, drv.values(t + dt))
        x = xn
    t_rec = np.arange(n_done) * dt * record_every
    return SimOutput(
        t=t_rec,
        **{k: v[:, :n_done] for k, v in rec.items()},
        max_vertical_g=max_vg,
        trigger_times=drv.t_fire[:, 1:].copy(),
        dt=dt,
        record_every=record_every,
        max_fz=max_fz,
        max_axle=max_axle,
        body_peak=body_peak,
    )
