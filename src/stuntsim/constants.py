"""Physical constants, one home for the whole package, each with its source.

Kernels import from here; no module defines its own copy. Values are SI.
"""

from __future__ import annotations

# Standard gravity, m/s^2: 3rd CGPM (1901); the value of the U.S. Standard Atmosphere 1976
# (NOAA-S/T 76-1562, Table 2) and of ISO 2533. Also g0' for geopotential metres.
G0 = 9.80665

# Specific gas constant of dry air, J/(kg K): ICAO Doc 7488/3 (1993), Manual of the ICAO
# Standard Atmosphere (the USSA 1976 value 8314.32/28.9644 = 287.0531 differs by 7e-7).
R_AIR = 287.05287

# Ratio of specific heats of dry air: USSA 1976 (gamma = 1.40).
GAMMA_AIR = 1.40

# Sea-level standard state: USSA 1976 / ISA (ICAO Doc 7488/3).
T0 = 288.15  # K
P0 = 101_325.0  # Pa
RHO0 = P0 / (R_AIR * T0)  # 1.2250 kg/m^3

# Troposphere lapse rate, K/m (USSA 1976 layer 0).
LAPSE_TROPOSPHERE = 0.0065

# Earth radius for the inverse-square gravity of USSA 1976, m (NOAA-S/T 76-1562, r0).
R_EARTH_USSA = 6_356_766.0

# Exact unit definitions (NIST SP 811, appendix B).
FT = 0.3048  # m
KT = 1852.0 / 3600.0  # m/s
MPH = 0.44704  # m/s
LB = 0.45359237  # kg
LBF = LB * G0  # N
