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
BENCHES = [
    ["bench_startup.py"],
    ["bench_throughput.py"],
    ["bench_rocketpy.py"],
    ["bench_memory.py"],
]


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
    failed = 0
    for bench in BENCHES:
        print(flush=True)
        res = subprocess.run([sys.executable, str(HERE / bench[0]), *bench[1:]], check=False)
        failed += res.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
