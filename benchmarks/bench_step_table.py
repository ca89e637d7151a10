"""Step-table cost per step: a 300-step run against a 10,000-step run (the ratio should be ~1).

Run: ``python benchmarks/bench_step_table.py [--steps 200] [--rounds 3]``; headless, 120x40.
Each step is ``set_cursor(k+1)`` walking down from row 50, so after the first screenful every
step scrolls by one row and formats the row scrolled in. Two figures per trajectory:

- widget: set_cursor + ``render_lines`` over the whole widget (what the compositor calls on a
  full repaint: the worst case for one step, as a scroll re-draws every visible line);
- frame: set_cursor + one ``pilot.pause()``, i.e. through Textual's compositor to the
  headless driver (noisier; includes Textual's own per-frame cost). ``idle`` is a
  ``pilot.pause()`` with nothing to do: the test harness's floor, to subtract.

Prints medians in ms; read the ratio, not the absolute times (the machines are shared).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from textual.app import App, ComposeResult
from textual.geometry import Region

from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory, run
from optiscope.tui.widgets.step_table import StepTable

SURFACE = get_surface("lecture-bowl")
START = (-4.7, -1.3)
FIRST = 50


class Host(App[None]):
    def __init__(self, traj: Trajectory) -> None:
        super().__init__()
        self.traj = traj

    def compose(self) -> ComposeResult:
        yield StepTable(self.traj, SURFACE.coords, self.traj.setup.label)


async def measure(traj: Trajectory, steps: int) -> tuple[float, float, float]:
    """Median ms per step: (widget work, full frame, idle pause)."""
    async with Host(traj).run_test(size=(120, 40)) as pilot:
        table = pilot.app.query_one(StepTable)
        whole = Region(0, 0, table.size.width, table.size.height)
        table.set_cursor(FIRST)
        await pilot.pause()
        widget = []
        for k in range(FIRST, FIRST + steps):
            t0 = time.perf_counter()
            table.set_cursor(k + 1)
            table.render_lines(whole)
            widget.append(time.perf_counter() - t0)
        table.set_cursor(FIRST)
        table.scroll_to(y=0, animate=False)
        await pilot.pause()
        frame = []
        for k in range(FIRST, FIRST + steps):
            t0 = time.perf_counter()
            table.set_cursor(k + 1)
            await pilot.pause()
            frame.append(time.perf_counter() - t0)
        idle = []
        for _ in range(steps):
            t0 = time.perf_counter()
            await pilot.pause()
            idle.append(time.perf_counter() - t0)
    return _ms(widget), _ms(frame), _ms(idle)


def _ms(times: list[float]) -> float:
    return 1e3 * statistics.median(times)


async def main(steps: int, rounds: int) -> None:
    sizes = (300, 10_000)
    trajs = {n: run(SURFACE, make_setup("adam", {"lr": 0.1}, SURFACE), START, n - 1) for n in sizes}
    # Rounds alternate the sizes so drift on a shared machine hits both alike.
    per_round: dict[int, list[tuple[float, float, float]]] = {n: [] for n in sizes}
    for _ in range(rounds):
        for n in sizes:
            per_round[n].append(await measure(trajs[n], steps))
    results = {}
    for n in sizes:
        rows = per_round[n]
        results[n] = tuple(statistics.median(r[i] for r in rows) for i in range(3))
        widget, frame, idle = results[n]
        print(
            f"{n:>6} rows: widget {widget:6.3f} ms/step   "
            f"frame {frame:6.3f} ms/step (idle pause {idle:6.3f} ms)"
        )
    (w_small, f_small, _), (w_big, f_big, _) = results[300], results[10_000]
    print(f"ratio 10,000/300: widget {w_big / w_small:.2f}   frame {f_big / f_small:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="median of this many runs")
    args = parser.parse_args()
    asyncio.run(main(args.steps, args.rounds))
