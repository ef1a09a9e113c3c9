"""Run every benchmark in turn (``make bench``). Figures are printed, never asserted; the
measured ones are kept in docs/performance.md with the machine and the date."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST = ("bench_startup.py", "bench_throughput.py")  # then every other bench_*.py, by name


def benches() -> list[Path]:
    """Every ``bench_*.py`` here: the start-up and throughput ones first, the rest by name
    (a kind's benchmark, such as the car's, is picked up when its file exists)."""
    found = sorted(HERE.glob("bench_*.py"))
    return sorted(
        found,
        key=lambda p: (p.name not in FIRST, FIRST.index(p.name) if p.name in FIRST else 0, p.name),
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    done: list[tuple[str, int, float]] = []
    for bench in benches():
        print(flush=True)
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, str(bench)], check=False)
        done.append((bench.name, res.returncode, time.perf_counter() - t0))
    print("\n== benchmarks run ==")
    for name, rc, wall in done:
        print(f"{name:<28} {'ok' if rc == 0 else f'FAILED (exit {rc})':<18} {wall:7.1f} s")
    return 1 if any(rc for _, rc, _ in done) else 0


if __name__ == "__main__":
    sys.exit(main())
