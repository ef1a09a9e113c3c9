"""Rig vibration: the rotors' excitation frequencies against the rig's natural frequency.

A rotor with N blades turning at Omega passes vibratory loads to the airframe mainly at 1/rev
(any blade-to-blade dissimilarity) and at N/rev (blade passage: the N-per-rev harmonics of the
blade root loads that add up at the hub); the tail rotor adds its own 1/rev and N_t/rev
(Leishman 2006, ch. 5 and 9; Johnson, Rotorcraft Aeromechanics, 2013, ch. 16). A rig whose
natural frequency f_n is close to one of them resonates: the separation

    s = min_k |f_n - f_k| / f_k

should stay above a margin (15 % by default, an estimate; a common design goal is 10-20 %).
"""

from __future__ import annotations


def excitations(
    rotor_rpm: float, blades: int, tail_rpm: float, tail_blades: int
) -> list[tuple[str, float]]:
    """(label, Hz) of the main-rotor 1/rev and N/rev and the tail rotor's 1/rev and N/rev."""
    f1 = rotor_rpm / 60.0
    out = [("main rotor 1/rev", f1), (f"main rotor {blades}/rev (blade passage)", blades * f1)]
    if tail_rpm > 0.0:
        t1 = tail_rpm / 60.0
        out += [("tail rotor 1/rev", t1), (f"tail rotor {tail_blades}/rev", tail_blades * t1)]
    return out


def separation(f_n: float, freqs: list[tuple[str, float]]) -> tuple[float, str, float]:
    """(smallest relative separation, the nearest excitation's label, its frequency)."""
    best = min(freqs, key=lambda lf: abs(f_n - lf[1]) / lf[1])
    return abs(f_n - best[1]) / best[1], best[0], best[1]
