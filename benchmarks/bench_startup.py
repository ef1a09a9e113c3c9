"""Start-up times (run by ``make bench``; printed, never asserted).

- ``python -c "import stuntsim"``: the package import alone (goal under 0.3 s);
- ``stuntsim run examples/fallout-halo.toml``: a whole single jump from the command line,
  interpreter start to exit, with its FB winds file and release-point solution (goal 1.5 s).

Each is run several times in fresh processes; the median and the best are printed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    exe = Path(sys.executable)
    cli = shutil.which("stuntsim", path=str(exe.parent))
    run = [cli] if cli else [sys.executable, "-m", "stuntsim"]
    print("== start-up ==")
    med, best = timed([sys.executable, "-c", "pass"], args.repeat)
    print(f"python -c pass                      : median {med:.3f} s, best {best:.3f} s")
    med, best = timed([sys.executable, "-c", "import stuntsim"], args.repeat)
    print(f'python -c "import stuntsim"         : median {med:.3f} s, best {best:.3f} s (goal 0.3)')
    med, best = timed([*run, "run", "examples/fallout-halo.toml"], args.repeat)
    print(f"stuntsim run examples/fallout-halo  : median {med:.3f} s, best {best:.3f} s (goal 1.5)")


if __name__ == "__main__":
    main()
