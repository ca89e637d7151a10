"""Explorer speed, measured on the real app in tmux: key press to updated screen.

Run: ``python benchmarks/bench_tui.py [--keys 60]`` (needs tmux). For each key the script
notes the time, sends the key with ``tmux send-keys`` and polls ``capture-pane`` until the
screen's step counter shows the new step. The same loop against a bare Textual app
(benchmarks/bare_app.py) measures the round trip that is not the app's (tmux, polling,
the terminal): compare the two. Medians and p95 over all keys; shared machines are noisy.

Scenarios (120x40, four optimizers): latency with a 300-step path on screen, latency at
step 10,000, auto-run rate at 30 steps/s, start-up to first frame vs the bare app.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

SESSION = "optiscope-bench"
#: Holds the tmux server up between launches: when the last session ends the server exits,
#: and a new-session racing that exit fails ("server exited unexpectedly").
KEEPALIVE = "optiscope-bench-keepalive"
HERE = Path(__file__).resolve().parent
STEP_RE = re.compile(r"\bt (\d+)\b")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def start(command: str, width: int, height: int) -> float:
    tmux("kill-session", "-t", SESSION)
    t0 = time.perf_counter()
    tmux("new-session", "-d", "-s", SESSION, "-x", str(width), "-y", str(height), command)
    return t0


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def current_step(text: str) -> int | None:
    for line in reversed(text.splitlines()):
        match = STEP_RE.search(line)
        if match:
            return int(match.group(1))
    return None


def wait_for(predicate, timeout: float = 20.0) -> float:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    text = ""
    while time.perf_counter() < deadline:
        text = screen()
        if predicate(text):
            return time.perf_counter()
        time.sleep(0.001)
    raise TimeoutError(f"the screen did not change in time; it shows:\n{text}")


def key_latencies(keys: int, key: str = "n") -> list[float]:
    out = []
    for _ in range(keys):
        before = current_step(screen())
        assert before is not None, screen()
        t0 = time.perf_counter()
        tmux("send-keys", "-t", SESSION, key)
        t1 = wait_for(lambda s, b=before: current_step(s) not in (None, b))
        out.append((t1 - t0) * 1000)
        time.sleep(0.02)
    return out


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"  {name:<44} median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms"


#: Launches that drew nothing within the timeout (seen about once in 40 launches of the
#: *bare* app too, so a tmux or terminal hiccup, not optiscope); retried and reported.
stalled: list[str] = []


def launch_ms(command: str, ready: str) -> float:
    for _attempt in range(3):
        t0 = start(command, 120, 40)
        try:
            return (wait_for(lambda s: ready in s, timeout=10.0) - t0) * 1000
        except TimeoutError:
            stalled.append(command)
    raise TimeoutError(f"three launches in a row drew nothing: {command}")


def startups(commands: list[str], ready: str, runs: int) -> list[float]:
    """Median time to the first frame of each command, launched in turn.

    Alternating the launches (after one unmeasured warm-up each, which caches bytecode as a
    second launch finds it) lets both medians see the same machine load.
    """
    for command in commands:
        launch_ms(command, ready)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, command in enumerate(commands):
            times[i].append(launch_ms(command, ready))
    tmux("kill-session", "-t", SESSION)
    return [statistics.median(t) for t in times]


def main() -> None:
    if shutil.which("tmux") is None:
        sys.exit("tmux is needed for this benchmark")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--startups", type=int, default=5)
    args = parser.parse_args()
    tmux("new-session", "-d", "-s", KEEPALIVE, "sleep 3600")
    try:
        measure(args.keys, args.startups)
    finally:
        tmux("kill-session", "-t", SESSION)
        tmux("kill-session", "-t", KEEPALIVE)


def measure(keys: int, launches: int) -> None:
    py = sys.executable
    # Some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every launch recompile the
    # package's modules (~130 ms here); a user's installation caches them after the first run.
    env = "env -u PYTHONDONTWRITEBYTECODE"
    app = f"{env} {py} -m optiscope.tui.cli.main"
    bare = f"{env} {py} {HERE / 'bare_app.py'}"

    print(f"start-up to first frame at 120x40 (median of {launches})")
    bare_ms, app_ms = startups([bare, app], "t 0", launches)
    print(
        f"  bare Textual app {bare_ms:6.0f} ms   optiscope {app_ms:6.0f} ms   "
        f"ratio {app_ms / bare_ms:4.2f}"
    )
    if stalled:
        names = ", ".join("optiscope" if c == app else "bare" for c in stalled)
        print(f"  ({len(stalled)} launch(es) drew nothing in 10 s and were retried: {names})")

    print(f"key press to updated screen at 120x40 ({keys} presses of n)")
    start(bare, 120, 40)
    wait_for(lambda s: "t 0" in s)
    print(summary("bare Textual app (round-trip floor)", key_latencies(keys)))

    start(f"{app} --surface rosenbrock --steps 300", 120, 40)
    wait_for(lambda s: current_step(s) == 0)
    tmux("send-keys", "-t", SESSION, "g")
    time.sleep(0.3)
    tmux("send-keys", "-t", SESSION, "300", "Enter")  # typing replaces the selected text
    wait_for(lambda s: current_step(s) == 300)
    print(summary("optiscope, 4 optimizers, 300-step paths", key_latencies(keys)))
    print(summary("optiscope, stepping back (p)", key_latencies(keys // 2, "p")))

    tmux("send-keys", "-t", SESSION, "g")
    time.sleep(0.3)
    tmux("send-keys", "-t", SESSION, "10000", "Enter")
    wait_for(lambda s: current_step(s) == 10000, timeout=60)
    print(summary("optiscope at step 10,000", key_latencies(keys)))

    tmux("send-keys", "-t", SESSION, "r")
    wait_for(lambda s: current_step(s) == 0)
    # speed 10 -> 30 steps/s: two presses of ]
    tmux("send-keys", "-t", SESSION, "]", "]", "space")
    time.sleep(0.5)
    s0, t0 = current_step(screen()), time.perf_counter()
    time.sleep(4.0)
    s1, t1 = current_step(screen()), time.perf_counter()
    tmux("send-keys", "-t", SESSION, "space")
    paused_at = time.perf_counter()
    wait_for(lambda s: "paused" in s)
    settle = (time.perf_counter() - paused_at) * 1000
    assert s0 is not None and s1 is not None
    print(
        f"auto-run at 30 steps/s: {(s1 - s0) / (t1 - t0):5.1f} steps/s measured; "
        f"pause shown {settle:4.0f} ms after the key (no backlog)"
    )
    tmux("kill-session", "-t", SESSION)


if __name__ == "__main__":
    main()
