"""Explorer speed, measured on the real app in tmux, against the budgets of the explorer.

Run: ``python benchmarks/bench_tui.py [--keys 60]`` (needs tmux). For each key the script
notes the time, sends the key with ``tmux send-keys`` and polls ``capture-pane`` until the
screen shows the key's effect. The same loop against a bare Textual app
(benchmarks/bare_app.py) measures the round trip that is not the app's (tmux, polling,
the terminal): budgets are ratios to it, measured in the same run, and for keys
interleaved (the bare app stays open beside optiscope and gets a key before each of
optiscope's), so a drift in the machine's load moves both. Medians and p95 over all keys;
shared machines are noisy.

Scenarios (120x40, four optimizers, sparklines on):
- start-up to first frame vs the bare app (budget ≤ 1.5×);
- key → screen with 300-step paths (budget ≤ 1.3× the bare round trip), the same with
  the vectors at the cursor drawn (V), and at step
  50,000 (budget ≤ 1.5× stepping at step 300); every jump is typed as one burst (g, the
  digits, Enter), as over SSH;
- at step 50,000: feedback after a start nudge (W) and after an applied learning rate
  (budget ≤ 50 ms), and keys answered while the runs are recomputed;
- auto-run at 30 steps/s; quit (budget ≤ 150 ms, from q to the process's end).
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
#: The bare app, open beside optiscope while keys are timed: each key to optiscope follows
#: one to the bare app, so both see the same machine (a shared machine's load drifts by
#: ±20% between runs a minute apart, which a floor measured once cannot see).
FLOOR = "bare-floor-bench"
#: (Names share no prefix: tmux takes a missing session's name as a prefix of another's.)
#: Holds the tmux server up between launches: when the last session ends the server exits,
#: and a new-session racing that exit fails ("server exited unexpectedly").
KEEPALIVE = "keepalive-bench"
HERE = Path(__file__).resolve().parent
STEP_RE = re.compile(r"\bt (\d+)\b")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def start(command: str, width: int, height: int) -> float:
    tmux("kill-session", "-t", SESSION)
    t0 = time.perf_counter()
    tmux("new-session", "-d", "-s", SESSION, "-x", str(width), "-y", str(height), command)
    return t0


def screen(session: str = SESSION) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def current_step(text: str) -> int | None:
    for line in reversed(text.splitlines()):
        match = STEP_RE.search(line)
        if match:
            return int(match.group(1))
    return None


def wait_for(predicate, timeout: float = 20.0, session: str = SESSION) -> float:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    text = ""
    while time.perf_counter() < deadline:
        text = screen(session)
        if predicate(text):
            return time.perf_counter()
        time.sleep(0.001)
    raise TimeoutError(f"the screen did not change in time; it shows:\n{text}")


def key_latency(key: str = "n", session: str = SESSION) -> float:
    """Milliseconds from sending ``key`` until the step shown changes."""
    before = current_step(screen(session))
    assert before is not None, screen(session)
    t0 = time.perf_counter()
    tmux("send-keys", "-t", session, key)
    t1 = wait_for(lambda s, b=before: current_step(s) not in (None, b), session=session)
    time.sleep(0.02)
    return (t1 - t0) * 1000


def key_latencies(keys: int, key: str = "n") -> list[float]:
    return [key_latency(key) for _ in range(keys)]


def paired_latencies(keys: int, key: str = "n") -> tuple[list[float], list[float]]:
    """(bare app, optiscope): the bare app's n, then optiscope's ``key``, ``keys`` times."""
    floor, app = [], []
    for _ in range(keys):
        floor.append(key_latency("n", FLOOR))
        app.append(key_latency(key))
    return floor, app


def open_floor(bare: str) -> None:
    tmux("kill-session", "-t", FLOOR)
    tmux("new-session", "-d", "-s", FLOOR, "-x", "120", "-y", "40", bare)
    wait_for(lambda s: "t 0" in s, session=FLOOR)


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
        tmux("kill-session", "-t", FLOOR)
        tmux("kill-session", "-t", KEEPALIVE)


def jump(step: int, timeout: float = 120.0) -> None:
    """g, the digits and Enter in one burst, as a fast typist or an SSH link sends them."""
    tmux("send-keys", "-t", SESSION, "g", *str(step), "Enter")
    wait_for(lambda s: current_step(s) == step and "computing" not in s, timeout=timeout)


def feedback_ms(keys: list[str], shown: str) -> float:
    """Time from sending ``keys`` until ``shown`` appears on the screen."""
    t0 = time.perf_counter()
    tmux("send-keys", "-t", SESSION, *keys)
    return (wait_for(lambda s: shown in s) - t0) * 1000


def quit_ms(command: str) -> float:
    """From q to the end of the process: the app runs as the pane's process (exec), and its
    /proc entry is polled every 0.5 ms, so neither a shell nor a screen capture is timed."""
    tmux("kill-session", "-t", SESSION)
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", f"exec {command}")
    wait_for(lambda s: "t 0" in s)
    pid = int(tmux("list-panes", "-t", SESSION, "-F", "#{pane_pid}").split()[0])
    time.sleep(0.5)
    t0 = time.perf_counter()
    tmux("send-keys", "-t", SESSION, "q")
    proc = Path(f"/proc/{pid}")
    deadline = t0 + 10.0
    while proc.exists() and _alive(proc) and time.perf_counter() < deadline:
        time.sleep(0.0005)
    return (time.perf_counter() - t0) * 1000


def _alive(proc: Path) -> bool:
    """A process that has exited but not been reaped yet (a zombie) has ended."""
    try:
        return (proc / "stat").read_text().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return False


def measure(keys: int, launches: int) -> None:
    py = sys.executable
    # Some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every launch recompile the
    # package's modules (~130 ms here); a user's installation caches them after the first run.
    env = "env -u PYTHONDONTWRITEBYTECODE"
    app = f"{env} {py} -m optiscope"
    bare = f"{env} {py} {HERE / 'bare_app.py'}"

    print(f"start-up to first frame at 120x40 (median of {launches})")
    bare_ms, app_ms = startups([bare, app], "t 0", launches)
    print(
        f"  bare Textual app {bare_ms:6.0f} ms   optiscope {app_ms:6.0f} ms   "
        f"ratio {app_ms / bare_ms:4.2f}   (budget 1.5)"
    )
    if stalled:
        names = ", ".join("optiscope" if c == app else "bare" for c in stalled)
        print(f"  ({len(stalled)} launch(es) drew nothing in 10 s and were retried: {names})")

    print(
        f"key press to updated screen at 120x40 ({keys} presses of n, each after one to the "
        "bare app open beside it)"
    )
    open_floor(bare)
    start(f"{app} --surface rosenbrock --steps 300", 120, 40)
    wait_for(lambda s: current_step(s) == 0)
    jump(300)
    floor, at_300 = paired_latencies(keys)
    print(summary("bare Textual app (round-trip floor)", floor))
    print(summary("optiscope, 4 optimizers, 300-step paths", at_300))
    ratio = statistics.median(at_300) / statistics.median(floor)
    print(f"  ratio to the bare round trip {ratio:4.2f}   (budget 1.3)")
    print(summary("optiscope, stepping back (p)", key_latencies(keys // 2, "p")))
    tmux("send-keys", "-t", SESSION, "V")  # the focused run's step drawn as arrows
    time.sleep(0.5)
    floor_v, vectors = paired_latencies(keys)
    print(summary("bare Textual app, beside it", floor_v))
    print(summary("optiscope, vectors at the cursor on (V)", vectors))
    ratio = statistics.median(vectors) / statistics.median(floor_v)
    print(f"  ratio to the bare round trip {ratio:4.2f}   (budget 1.3)")
    tmux("kill-session", "-t", FLOOR)
    tmux("send-keys", "-t", SESSION, "V")
    time.sleep(0.3)

    began = time.perf_counter()
    jump(50_000, timeout=300)
    print(f"  jump to step 50,000 (computed in a worker): {time.perf_counter() - began:5.1f} s")
    at_50k = key_latencies(keys)
    print(summary("optiscope at step 50,000", at_50k))
    ratio = statistics.median(at_50k) / statistics.median(at_300)
    print(f"  ratio to stepping at step 300 {ratio:4.2f}   (budget 1.5)")

    print("edits at step 50,000 (budget: feedback within 50 ms)")
    nudge = feedback_ms(["W"], "computing")
    print(f"  start nudge W: 'computing…' on screen after {nudge:5.1f} ms")
    busy = []
    for _ in range(6):  # keys answered while the runs are recomputed
        before = screen()
        t0 = time.perf_counter()
        tmux("send-keys", "-t", SESSION, "o")
        t1 = wait_for(lambda s, b=before: s != b and "computing" in s)
        busy.append((t1 - t0) * 1000)
        time.sleep(0.05)
    print(summary("  focus key (o) while recomputing", busy))
    wait_for(lambda s: "computing" not in s, timeout=300)
    tmux("send-keys", "-t", SESSION, "f")
    time.sleep(0.5)
    # The form applies a value on Enter: type it, wait until it shows, then time the Enter.
    # (GD's learning rate on this surface is 0.0005 already: typing it would change nothing.)
    tmux("send-keys", "-t", SESSION, "BSpace", "0", ".", "0", "0", "0", "4")
    wait_for(lambda s: "0.0004" in s)
    time.sleep(0.2)
    applied = feedback_ms(["Enter"], "computing")
    print(f"  learning rate typed, then Enter: 'computing…' after {applied:5.1f} ms")
    wait_for(lambda s: "computing" not in s, timeout=300)
    tmux("send-keys", "-t", SESSION, "Escape")
    time.sleep(0.3)  # a terminal reads Escape and a key right after it as Alt+key

    jump(10)
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

    bare_quit = statistics.median(quit_ms(bare) for _ in range(3))
    app_quit = statistics.median(quit_ms(app) for _ in range(3))
    print(
        f"quit (q to the end of the process, median of 3): bare app {bare_quit:4.0f} ms   "
        f"optiscope {app_quit:4.0f} ms   (budget 150 ms)"
    )
    tmux("kill-session", "-t", SESSION)


if __name__ == "__main__":
    main()
