"""CLI start-up: ``optiscope run --steps 10`` against ``python -c "import numpy, rich"``.

Both are started as fresh processes, interleaved, in one run, and the medians compared:
the target (issue 17) is a ratio of at most 1.5, i.e. the command adds at most half of
what its two unavoidable imports cost. Also timed: ``optiscope --version`` and
``optiscope list surfaces`` (parsing only), to show where the time goes.

    python benchmarks/bench_cli.py [--repeats 21]

Bytecode caching is switched on for the timed processes (``PYTHONDONTWRITEBYTECODE`` is
removed) and every command runs once untimed first, as after ``pip install``, which
compiles the package; otherwise optiscope's own sources would be compiled on every start
while NumPy's come precompiled.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

BASELINE = [sys.executable, "-c", "import numpy, rich"]
COMMANDS = {
    "optiscope run --steps 10": ["run", "--steps", "10"],
    "optiscope run --steps 10 --format csv": ["run", "--steps", "10", "--format", "csv"],
    "optiscope list surfaces": ["list", "surfaces"],
    "optiscope --version": ["--version"],
}


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    repeats = parser.parse_args().repeats
    entry = [sys.executable, "-m", "optiscope"]
    times: dict[str, list[float]] = {"baseline": [], **{k: [] for k in COMMANDS}}
    for args in COMMANDS.values():  # writes the bytecode caches
        wall([*entry, *args])
    for _ in range(repeats):  # interleaved, so load on the machine hits every command alike
        times["baseline"].append(wall(BASELINE))
        for name, args in COMMANDS.items():
            times[name].append(wall([*entry, *args]))
    base = statistics.median(times["baseline"])
    print(f'python -c "import numpy, rich": {base * 1e3:6.0f} ms (median of {repeats})')
    for name in COMMANDS:
        t = statistics.median(times[name])
        print(f"{name:<40} {t * 1e3:6.0f} ms  {t / base:4.2f}x the baseline")


if __name__ == "__main__":
    main()
