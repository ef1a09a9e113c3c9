"""Vehicle parameters and presets, every figure with its source (estimates marked).

The model (docs/car.md): a sprung body (heave, pitch, roll) on four corners with springs,
dampers, bump and rebound stops and anti-roll bars; four unsprung wheels with a vertical tyre
spring; planar motion of the whole car; a rear-wheel-drive driveline.

Presets:

- ``BMW_E28_M5``: the film's car type. Wheelbase, length, width, height, mass range, engine
  output and final drive from BMW's published data for the M5 (E28); the yaw-inertia rule
  I_z = m a b checked on CommonRoad's BMW 320i set (ratio 0.996); everything else is an
  estimate, marked ``estimate`` in :data:`BMW_E28_M5_SOURCES`.
- ``BMW_320i_E21``: commonroad-vehicle-models parameter set 2 (BMW 320i, 1981; Althoff &
  Würsching, "CommonRoad: Vehicle Models", 2020, Tab. 6 and parameters_vehicle2.yaml), numbers
  copied by hand. That set has no engine or gearbox: those figures are estimates.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from stuntsim.car.drivetrain import RPM, Clutch, Engine, Gearbox, LimitedSlipDiff
from stuntsim.car.tyre import COMMONROAD_TYRE, PAC2002_LOAD_SENSITIVE, TyreParams
from stuntsim.constants import G0

# Standard gravity (stuntsim.constants). CommonRoad's vehicle models use 9.81 m/s^2, 0.03 % more;
# the cross-checks against them (tests/test_car_commonroad.py) allow for it.
G = G0


@dataclass(frozen=True)
class BodyPoint:
    """A point of the body's lower outline that can strike the ground (body axes, at rest).

    ``x`` forward of the whole-car CG, ``y`` to the left, ``z`` its height above level ground
    with the car at rest on its wheels (all m).
    """

    name: str
    x: float
    y: float
    z: float


@dataclass(frozen=True)
class Vehicle:
    """All parameters of the car model, SI units. Per-wheel figures unless named per axle."""

    name: str
    mass: float  # kg, total (sprung + 4 unsprung), with driver
    wheelbase: float  # m
    cg_to_front: float  # m, a: CG to front axle (b = wheelbase - a)
    cg_height: float  # m, h: CG height above the ground at rest
    track_front: float  # m
    track_rear: float  # m
    yaw_inertia: float  # kg m^2, whole car
    pitch_inertia: float  # kg m^2, sprung mass
    roll_inertia: float  # kg m^2, sprung mass
    unsprung_front: float  # kg per wheel
    unsprung_rear: float  # kg per wheel
    spring_front: float  # N/m, wheel rate
    spring_rear: float
    damper_front: float  # N s/m, at the wheel
    damper_rear: float
    anti_roll_front: float  # N m/rad, roll stiffness of the front bar
    anti_roll_rear: float
    bump_travel: float  # m, compression from static to the bump stop
    rebound_travel: float  # m, extension from static to full droop
    bump_stop_rate: float  # N/m, stiffness of the bump and rebound stops
    tyre_stiffness: float  # N/m, vertical
    tyre_damping: float  # N s/m, vertical
    tyre_bottoming: float  # m, tyre deflection at which the rim pinches the tyre
    wheel_radius: float  # m, rolling radius
    wheel_inertia: float  # kg m^2, wheel + tyre + brake disc about the axle
    length: float  # m, body outline
    width: float  # m, body outline (without mirrors)
    front_overhang: float  # m, front axle to front bumper
    max_steer: float  # rad, road-wheel angle at full lock (single-track equivalent)
    brake_front: float  # N m per wheel at full pedal
    brake_rear: float
    handbrake: float  # N m per rear wheel at full lever
    drag_area: float  # m^2, C_d A
    rolling_resistance: float  # rolling-resistance coefficient f_r
    tyre: TyreParams
    tyre_rear: TyreParams
    engine: Engine
    clutch: Clutch
    gearbox: Gearbox
    diff: LimitedSlipDiff
    ackermann: float = 1.0  # fraction of Ackermann steering geometry (0 = parallel steer)
    # body-ground contact (stuntsim.car.dynamics): the lower outline, a stiff spring-damper at
    # each point and Coulomb friction of the body sliding on the ground
    body_points: tuple[BodyPoint, ...] = ()
    body_stiffness: float = 2.0e6  # N/m per point
    body_damping: float = 3.0e4  # N s/m per point
    body_friction: float = 0.4  # Coulomb coefficient, steel / plastic on stone
    body_radius: float = 0.05  # m, edge radius of the outline rolling over a step nosing
    sources: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    # --- derived -----------------------------------------------------------------------
    @property
    def cg_to_rear(self) -> float:
        return self.wheelbase - self.cg_to_front

    @property
    def sprung_mass(self) -> float:
        return self.mass - 2.0 * (self.unsprung_front + self.unsprung_rear)

    @property
    def rear_overhang(self) -> float:
        return self.length - self.front_overhang - self.wheelbase

    @property
    def static_stability_factor(self) -> float:
        """SSF = T / (2 h) (NHTSA rollover resistance rating, 49 CFR 575 / Fed. Reg. 68 (2003))."""
        return 0.5 * (self.track_front + self.track_rear) / (2.0 * self.cg_height)

    def static_loads(self, g: float = G) -> np.ndarray:
        """Static wheel loads F_z (FL, FR, RL, RR), N."""
        f = self.mass * g * self.cg_to_rear / self.wheelbase / 2.0
        r = self.mass * g * self.cg_to_front / self.wheelbase / 2.0
        return np.array([f, f, r, r])

    def outline(self) -> np.ndarray:
        """Body outline corners in body axes (x forward, y left) about the CG, (4, 2)."""
        xf = self.cg_to_front + self.front_overhang
        xr = xf - self.length
        w = 0.5 * self.width
        return np.array([[xf, w], [xf, -w], [xr, -w], [xr, w]])

    def with_overrides(self, **values: Any) -> Vehicle:
        """A copy with some parameters replaced (keys are field names)."""
        names = {f.name for f in fields(self)}
        unknown = set(values) - names
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        src = dict(self.sources)
        for k in values:
            src[k] = "scenario override"
        return replace(self, **values, sources=src)


# --------------------------------------------------------------------------------------------
# BMW M5 (E28), 1986, Euro specification
# --------------------------------------------------------------------------------------------
_E28_WHEELBASE = 2.624  # BMW published data, M5 (E28)
_E28_MASS = 1500.0  # published figures 1430-1550 kg (sources differ); mid-range with driver
_E28_A = 0.49 * _E28_WHEELBASE  # estimate: 51/49 front/rear static split (unconfirmed)
_E28_B = _E28_WHEELBASE - _E28_A
_E28_UNSPRUNG_F = 40.0  # estimate
_E28_UNSPRUNG_R = 45.0  # estimate (semi-trailing arm rear with drive shafts)
_E28_SPRUNG = _E28_MASS - 2 * (_E28_UNSPRUNG_F + _E28_UNSPRUNG_R)


def _wheel_rate(sprung_corner_mass: float, freq_hz: float) -> float:
    """k = m (2 pi f)^2: wheel rate for a ride frequency (Gillespie 1992, §5, ride rate)."""
    return sprung_corner_mass * (2.0 * np.pi * freq_hz) ** 2


def _damping(rate: float, sprung_corner_mass: float, zeta: float) -> float:
    return 2.0 * zeta * np.sqrt(rate * sprung_corner_mass)


_E28_SPRUNG_F = _E28_SPRUNG * _E28_B / _E28_WHEELBASE / 2.0
_E28_SPRUNG_R = _E28_SPRUNG * _E28_A / _E28_WHEELBASE / 2.0
_E28_KF = _wheel_rate(_E28_SPRUNG_F, 1.35)  # estimate: 1.35 Hz front ride frequency
_E28_KR = _wheel_rate(_E28_SPRUNG_R, 1.45)  # estimate: 1.45 Hz rear (usual flat-ride practice)


def _saloon_body_points(
    a: float, b: float, length: float, front_overhang: float
) -> tuple[BodyPoint, ...]:
    """A 1980s saloon's lower outline from its axle positions and length (heights: the
    E28's estimates, about 0.13-0.14 m ground clearance; all estimates)."""
    xf = a + front_overhang
    xr = -(length - front_overhang - a)
    return (
        BodyPoint("air dam", xf - 0.08, 0.0, 0.20),
        BodyPoint("front bumper left", xf - 0.02, 0.65, 0.26),
        BodyPoint("front bumper right", xf - 0.02, -0.65, 0.26),
        BodyPoint("sump", a - 0.10, 0.0, 0.14),
        BodyPoint("sill front left", 0.8 * a, 0.75, 0.20),
        BodyPoint("sill front right", 0.8 * a, -0.75, 0.20),
        BodyPoint("sill rear left", -0.75 * b, 0.75, 0.21),
        BodyPoint("sill rear right", -0.75 * b, -0.75, 0.21),
        BodyPoint("rear axle carrier", -b, 0.0, 0.15),
        BodyPoint("rear bumper left", xr + 0.03, 0.62, 0.32),
        BodyPoint("rear bumper right", xr + 0.03, -0.62, 0.32),
    )


def _e28_body_points() -> tuple[BodyPoint, ...]:
    """The E28's lower outline (all heights estimates: about 0.13 m ground clearance at the sump
    and the axle carriers, air dam and bumper lower edges from photographs; unconfirmed)."""
    xf = _E28_A + 0.85  # front bumper: CG to front axle + front overhang (estimate)
    xr = -(_E28_B + (4.620 - 0.85 - _E28_WHEELBASE))  # rear bumper
    return (
        BodyPoint("air dam", xf - 0.08, 0.0, 0.20),
        BodyPoint("front bumper left", xf - 0.02, 0.70, 0.26),
        BodyPoint("front bumper right", xf - 0.02, -0.70, 0.26),
        BodyPoint("sump", _E28_A - 0.10, 0.0, 0.14),
        BodyPoint("sill front left", 0.90, 0.80, 0.20),
        BodyPoint("sill front right", 0.90, -0.80, 0.20),
        BodyPoint("sill rear left", -1.00, 0.80, 0.21),
        BodyPoint("sill rear right", -1.00, -0.80, 0.21),
        BodyPoint("rear axle carrier", -_E28_B, 0.0, 0.15),
        BodyPoint("rear bumper left", xr + 0.03, 0.65, 0.32),
        BodyPoint("rear bumper right", xr + 0.03, -0.65, 0.32),
    )


M88_3_ENGINE = Engine(
    # Full-throttle torque of the M88/3 3.5 l six of the Euro E28 M5 (286 PS; the S38B35, 256 hp,
    # was the North American engine; BMW M GmbH's published M88/3 figures): 286 PS (210 kW) at
    # 6500 rpm (309 N m) and about 340 N m at 4500 rpm; the rest of the curve is an estimate
    # shaped like a typical naturally aspirated six.
    speed=tuple(
        x * RPM for x in (600, 1000, 2000, 3000, 4000, 4500, 5000, 5500, 6000, 6500, 6900, 7200)
    ),
    torque=(180.0, 220.0, 265.0, 300.0, 330.0, 340.0, 336.0, 328.0, 320.0, 309.0, 290.0, 270.0),
    inertia=0.20,  # estimate: crank, 7.5 kg flywheel and clutch
    idle_speed=900.0 * RPM,  # estimate
    cut_speed=7000.0 * RPM,  # estimate (M88/3 red line about 6900 rpm)
)

BMW_E28_M5 = Vehicle(
    name="BMW M5 (E28), 1986",
    mass=_E28_MASS,
    wheelbase=_E28_WHEELBASE,
    cg_to_front=_E28_A,
    cg_height=0.52,  # estimate (typical saloon; unconfirmed)
    track_front=1.430,  # estimate (E28 data vary 1430-1470 mm)
    track_rear=1.470,  # estimate
    yaw_inertia=_E28_MASS * _E28_A * _E28_B,  # I_z ~ m a b: 0.996 of CommonRoad's BMW 320i I_z
    pitch_inertia=0.87 * _E28_MASS * _E28_A * _E28_B,  # estimate: CommonRoad set 2 ratio I_y/I_z
    roll_inertia=0.116 * _E28_MASS * _E28_A * _E28_B,  # estimate: CommonRoad set 2 ratio I_x/I_z
    unsprung_front=_E28_UNSPRUNG_F,
    unsprung_rear=_E28_UNSPRUNG_R,
    spring_front=_E28_KF,
    spring_rear=_E28_KR,
    damper_front=_damping(_E28_KF, _E28_SPRUNG_F, 0.35),  # estimate: 35 % critical
    damper_rear=_damping(_E28_KR, _E28_SPRUNG_R, 0.35),
    anti_roll_front=25_000.0,  # estimate, N m/rad
    anti_roll_rear=8_000.0,  # estimate
    bump_travel=0.07,  # estimate
    rebound_travel=0.10,  # estimate
    bump_stop_rate=250_000.0,  # estimate (rubber bump stop, progressive in reality)
    tyre_stiffness=200_000.0,  # estimate (CommonRoad set 2: 158 kN/m; Adams example 210 kN/m)
    # estimate: 15 % of critical for the wheel on its tyre, 2 (0.15) sqrt(k_t m_u) (rubber
    # hysteresis). With much less, a lifted inner wheel hopping at the friction limit feeds a
    # roll/wheel-hop oscillation, as the lateral force follows the load without tyre lag.
    tyre_damping=2.0 * 0.15 * np.sqrt(200_000.0 * 0.5 * (_E28_UNSPRUNG_F + _E28_UNSPRUNG_R)),
    tyre_bottoming=0.08,  # estimate: about 2/3 of the 121 mm sidewall of a 220/55 tyre
    wheel_radius=0.31,  # estimate: 220/55 VR 390 TRX is 632 mm unloaded, less about 6 mm
    wheel_inertia=1.1,  # estimate
    length=4.620,  # BMW published data
    width=1.699,  # BMW published data
    front_overhang=0.85,  # estimate
    max_steer=np.radians(32.0),  # estimate from the turning circle (about 11 m)
    brake_front=2200.0,  # estimate, enough to lock the wheels
    brake_rear=1200.0,  # estimate
    handbrake=1200.0,  # estimate for a stock drum-in-disc handbrake (a reinforced one: more)
    drag_area=0.38 * 2.0,  # estimate: Cd 0.38 x 2.0 m^2
    rolling_resistance=0.012,  # estimate (passenger tyres on stone)
    tyre=PAC2002_LOAD_SENSITIVE,
    tyre_rear=PAC2002_LOAD_SENSITIVE,
    engine=M88_3_ENGINE,
    clutch=Clutch(capacity=480.0),  # estimate: about 1.4 x peak engine torque
    gearbox=Gearbox(
        ratios=(3.51, 2.08, 1.35, 1.00, 0.81),  # Getrag 280 (BMW data); ratios: estimate
        reverse=3.71,  # estimate
        final_drive=3.73,  # BMW data (Euro; US 3.91)
    ),
    diff=LimitedSlipDiff(locking=0.25, preload=50.0),  # limited-slip per §7; 25 %: estimate
    body_points=_e28_body_points(),
)

BMW_DATA = "BMW AG's published specifications for the M5 (E28)"
BMW_E28_M5_SOURCES: dict[str, str] = {
    "wheelbase": BMW_DATA,
    "length": BMW_DATA,
    "width": BMW_DATA,
    "mass": (
        "published figures 1430-1550 kg (BMW data and period road tests differ); "
        "1500 kg with driver (estimate within the range)"
    ),
    "engine": (
        "M88/3 (Euro E28 M5): 286 PS at 6500 rpm, about 340 N m at 4500 rpm (BMW's published "
        "figures); curve shape estimate"
    ),
    "body_points": (
        "estimate: lower outline heights from the E28's published 4620 mm length and a ground "
        "clearance of about 0.13 m (period road tests; unconfirmed)"
    ),
    "body_stiffness": "estimate: local crush stiffness of a bumper / sill on stone",
    "body_damping": "estimate: about half of critical for a quarter of the car on that stiffness",
    "body_friction": "estimate: steel / plastic sliding on stone (typical 0.3-0.5)",
    "gearbox": "Getrag 280 five-speed (BMW data); ratios estimate",
    "final_drive": "BMW data: 3.73 (Euro), 3.91 (US)",
    "diff": "limited-slip (BMW data); 25 % locking value estimate",
    "yaw_inertia": (
        "I_z = m a b (commonroad-vehicle-models parameter set 2, BMW 320i: I_z / (m a b) = 0.996)"
    ),
    "tyre": "no data for period TRX tyres: Adams PAC2002 235/60R16 example as a stand-in",
    "ackermann": "estimate: full Ackermann geometry (real cars have 50-100 %)",
}
for _f in fields(Vehicle):
    if _f.name not in ("name", "sources"):
        BMW_E28_M5_SOURCES.setdefault(_f.name, "estimate")
BMW_E28_M5 = replace(BMW_E28_M5, sources=BMW_E28_M5_SOURCES)


# --------------------------------------------------------------------------------------------
# BMW 320i (E21), 1981: commonroad-vehicle-models parameter set 2 (parameters_vehicle2.yaml)
# --------------------------------------------------------------------------------------------
_CR2_M = 1093.2952334674046  # MASS
_CR2_M_UF = 63.7921826056784  # UMASSF, per axle
_CR2_M_UR = 63.7921826056784  # UMASSR, per axle
_CR2_A = 1.1561957064  # LENA
_CR2_B = 1.4227170936  # LENB
_CR2_SPRUNG = _CR2_M - _CR2_M_UF - _CR2_M_UR

M10_ENGINE = Engine(
    # BMW M10 2.0 l with fuel injection, 125 PS at 5700 rpm, 170 N m at 4350 rpm (period
    # brochure figures as widely reproduced; estimate). Curve shape estimate.
    speed=tuple(x * RPM for x in (600, 1000, 2000, 3000, 4000, 4350, 5000, 5700, 6200, 6500)),
    torque=(110.0, 130.0, 150.0, 162.0, 169.0, 170.0, 166.0, 154.0, 140.0, 125.0),
    inertia=0.15,  # estimate
    idle_speed=850.0 * RPM,  # estimate
    cut_speed=6400.0 * RPM,  # estimate
)

BMW_320i_E21 = Vehicle(
    name="BMW 320i (E21), 1981 (CommonRoad vehicle 2)",
    mass=_CR2_M,  # MASS
    wheelbase=_CR2_A + _CR2_B,  # LENA + LENB
    cg_to_front=_CR2_A,  # LENA
    cg_height=0.5748689544000001,  # HCG
    track_front=1.38684,  # TRWF
    track_rear=1.36398,  # TRWB
    yaw_inertia=1791.5995300122856,  # IZZ
    pitch_inertia=1565.8178787125541,  # IYS
    roll_inertia=207.26524557936952,  # IXS
    unsprung_front=_CR2_M_UF / 2.0,  # UMASSF is per axle
    unsprung_rear=_CR2_M_UR / 2.0,
    spring_front=24453.137879749014,  # KSF
    spring_rear=19635.504745231297,  # KSR
    damper_front=1786.2441002440723,  # KSDF
    damper_rear=1649.0833034887382,  # KSDR
    # KTSF/KTSR (-6915 / -2644 N m/rad) are "auxiliary torsion roll stiffness, normally
    # negative" of the multi-body model, not anti-roll bars: no bars here.
    anti_roll_front=0.0,
    anti_roll_rear=0.0,
    bump_travel=0.07,  # estimate
    rebound_travel=0.10,  # estimate
    bump_stop_rate=250_000.0,  # estimate
    tyre_stiffness=158294.1398119115,  # KZT
    tyre_damping=2.0 * 0.15 * np.sqrt(158294.1398119115 * _CR2_M_UF / 2.0),  # estimate, as E28
    tyre_bottoming=0.08,  # estimate
    wheel_radius=0.344,  # R_w
    wheel_inertia=1.7,  # I_y_w
    length=4.508,  # l
    width=1.61,  # w
    front_overhang=0.75,  # estimate
    max_steer=1.066,  # steering.max (CommonRoad's constraint; large for a real 320i)
    brake_front=1600.0,  # estimate
    brake_rear=800.0,  # estimate
    handbrake=800.0,  # estimate
    drag_area=0.39 * 1.86,  # estimate
    rolling_resistance=0.012,  # estimate
    tyre=COMMONROAD_TYRE,
    tyre_rear=COMMONROAD_TYRE,
    engine=M10_ENGINE,
    clutch=Clutch(capacity=240.0),  # estimate
    gearbox=Gearbox(ratios=(3.68, 2.00, 1.33, 1.00, 0.81), reverse=3.47, final_drive=3.64),
    diff=LimitedSlipDiff(locking=0.0, preload=0.0),  # open differential (estimate)
    body_points=_saloon_body_points(_CR2_A, _CR2_B, 4.508, 0.75),  # estimate, as the E28's
)
_E21_SOURCES = {
    f.name: "commonroad-vehicle-models parameters_vehicle2.yaml"
    for f in fields(Vehicle)
    if f.name
    in (
        "mass",
        "wheelbase",
        "cg_to_front",
        "cg_height",
        "track_front",
        "track_rear",
        "yaw_inertia",
        "pitch_inertia",
        "roll_inertia",
        "unsprung_front",
        "unsprung_rear",
        "spring_front",
        "spring_rear",
        "damper_front",
        "damper_rear",
        "tyre_stiffness",
        "wheel_radius",
        "wheel_inertia",
        "length",
        "width",
        "max_steer",
        "tyre",
        "tyre_rear",
    )
}
for _f in fields(Vehicle):
    if _f.name not in ("name", "sources"):
        _E21_SOURCES.setdefault(_f.name, "estimate (not in CommonRoad set 2)")
BMW_320i_E21 = replace(BMW_320i_E21, sources=_E21_SOURCES)

PRESETS: dict[str, Vehicle] = {"BMW_E28_M5": BMW_E28_M5, "BMW_320i_E21": BMW_320i_E21}
