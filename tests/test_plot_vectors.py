"""Vectors at the cursor (V), as a learner sees them: every arrow cell on screen lies on a
segment from the current point to the point plus one of the step's vectors (the addends
head to tail), mapped with the plot's own data → cell arithmetic; a tip off the view is
clipped at its edge with a double head; in equal aspect an arrow keeps its true angle."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from tui_helpers import go_to

from optiscope.core.lessons.catalog import get_lesson
from optiscope.core.noise import GradientNoise
from optiscope.core.step_vectors import StepVectors, step_vectors
from optiscope.core.surfaces import get_surface
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.plotting.arrows import CLIPPED_HEADS, HEADS
from optiscope.tui.plotting.mapping import BRAILLE, Canvas, to_bins
from optiscope.tui.widgets.plot_canvas import ContourPlot

Segment = tuple[np.ndarray, np.ndarray]


def subdots(point: np.ndarray, canvas: Canvas) -> np.ndarray:
    """A data point in braille sub-dots, by the plot's own mapping (plotext's arithmetic)."""
    x, _ = to_bins([point[0]], *canvas.xlim, 2 * canvas.cols)
    y, _ = to_bins([point[1]], *canvas.ylim, 4 * canvas.rows)
    return np.array([float(x[0]), float(y[0])])


def segments(vectors: StepVectors) -> list[Segment]:
    """From the point to the point plus each vector; the addends chained head to tail."""
    p = vectors.point
    out = [(p, p + v.value) for v in (vectors.gd, vectors.step, *vectors.beside)]
    at = p
    for v in vectors.addends:
        out.append((at, at + v.value))
        at = at + v.value
    return out


def distance(dot: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    ab = b - a
    t = 0.0 if not ab.any() else float(np.clip((dot - a) @ ab / (ab @ ab), 0.0, 1.0))
    return float(np.max(np.abs(dot - (a + t * ab))))  # Chebyshev: dots are on a grid


def dots_of(glyph: str, col: int, row: int) -> list[np.ndarray]:
    """The sub-dots lit in a braille glyph at canvas cell (col, row)."""
    mask = BRAILLE.index(glyph)
    bits = [[0x40, 0x80], [0x04, 0x20], [0x02, 0x10], [0x01, 0x08]]
    return [
        np.array([2 * col + sx, 4 * row + sy], dtype=float)
        for sy in range(4)
        for sx in range(2)
        if mask & bits[sy][sx]
    ]


def screen(plot: ContourPlot) -> list[str]:
    return [plot.render_line(y).text for y in range(plot.size.height)]


def canvas_cell(canvas: Canvas, x: int, y: int) -> tuple[int, int] | None:
    return canvas.cell_at(x, y)


def arrow_cells_changed(
    before: list[str], after: list[str], plot: ContourPlot
) -> list[tuple[int, int, str]]:
    """(col, row, glyph) of canvas cells that V changed, outside the vectors' legend."""
    canvas = plot.canvas
    assert canvas is not None
    box = plot.overlay_legend_box
    out = []
    for y, (old, new) in enumerate(zip(before, after, strict=True)):
        for x, (a, b) in enumerate(zip(old, new, strict=True)):
            cell = canvas.cell_at(x, y)
            if a == b or cell is None:
                continue
            if box is not None and box[0] <= x < box[0] + box[2] and box[1] <= y < box[1] + box[3]:
                continue
            out.append((cell[0], cell[1], b))
    return out


CASES = [
    # surface, start, optimizers (focused first), noise, step, zoom keys, size
    ("lecture-bowl", None, ["momentum", "gd"], 0.0, 4, 6, (120, 40)),
    ("lecture-bowl", None, ["rmsprop(lr=0.1)", "gd"], 0.0, 3, 5, (80, 24)),
    ("lecture-bowl", None, ["adam(lr=0.3)"], 0.5, 6, 4, (100, 30)),
    ("rosenbrock", (-1.5, 2.0), ["nesterov(lr=0.001)"], 0.0, 6, 3, (120, 40)),
    ("himmelblau", (0.54, -0.74), ["rmsprop(lr=0.1, momentum=0.5)"], 0.0, 5, 0, (90, 28)),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[2][0]}-{c[6]}" for c in CASES])
async def test_every_arrow_cell_lies_on_one_of_the_steps_vectors(
    tmp_path: Path, case: tuple
) -> None:
    name, start, optimizers, sigma, step, zooms, size = case
    surface = get_surface(name)
    model = ExplorerModel.create(surface, start, optimizers, GradientNoise(sigma, seed=3))
    app = OptiscopeApp(model, export_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await go_to(pilot, app, step)
        await pilot.press("V")  # zooming with vectors on keeps them in view
        await pilot.press(*["plus"] * zooms)
        await pilot.pause()
        plot = app.explorer.plot
        with_arrows = screen(plot)
        await pilot.press("V")
        await pilot.pause()
        without = screen(plot)
        await pilot.press("V")
        await pilot.pause()
        assert screen(plot) == with_arrows
        canvas = plot.canvas
        assert canvas is not None
        run = app.explorer.snapshot().focused_run
        vectors = step_vectors(run.trajectory, run.index)
        segs = [(subdots(a, canvas), subdots(b, canvas)) for a, b in segments(vectors)]
        changed = arrow_cells_changed(without, with_arrows, plot)
        assert changed, "V drew nothing"
        heads = [(c, r) for c, r, g in changed if g in HEADS or g in CLIPPED_HEADS]
        tags = {v.symbol for v in (*vectors.drawn(), vectors.step)}
        for col, row, glyph in changed:
            if glyph in BRAILLE[1:]:
                for dot in dots_of(glyph, col, row):
                    assert min(distance(dot, a, b) for a, b in segs) <= 1.0, (col, row, glyph)
            elif glyph in HEADS or glyph in CLIPPED_HEADS:
                centre = np.array([2 * col + 1.0, 4 * row + 2.0])
                # A head sits in the cell of a vector's tip (or where it leaves the view).
                assert min(distance(centre, a, b) for a, b in segs) <= 2.5, (col, row, glyph)
            else:
                assert glyph in tags, (col, row, glyph)
                assert any(abs(col - c) <= 1 and abs(row - r) <= 1 for c, r in heads)
        # The step's own head is at the cell of p + Δ, unless the tip is off the view.
        tip = subdots(vectors.point + vectors.step.value, canvas)
        cell = (int(tip[0]) // 2, int(tip[1]) // 4)
        if 0 <= cell[0] < canvas.cols and 0 <= cell[1] < canvas.rows:
            x, y = canvas.screen(*cell)
            assert with_arrows[y][x] in HEADS, "no head at p + Δ"


async def test_a_tip_off_the_view_is_clipped_at_the_edge_with_a_double_head(
    tmp_path: Path,
) -> None:
    model = ExplorerModel.create(get_surface("lecture-bowl"), None, ["momentum"])
    app = OptiscopeApp(model, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await go_to(pilot, app, 4)
        await pilot.press("V", *["plus"] * 14)  # 0.8¹⁴: a window 0.53 wide, Δ is 0.40
        await pilot.pause()
        plot = app.explorer.plot
        canvas = plot.canvas
        assert canvas is not None
        run = app.explorer.snapshot().focused_run
        vectors = step_vectors(run.trajectory, run.index)
        p, d = vectors.point, vectors.step.value
        (x0, x1), (y0, y1) = canvas.xlim, canvas.ylim
        assert not (x0 <= p[0] + d[0] <= x1 and y0 <= p[1] + d[1] <= y1)
        # Where p + t·Δ leaves the window, computed here from the window alone.
        exits = [
            (bound - p[i]) / d[i]
            for i, (lo, hi) in enumerate(((x0, x1), (y0, y1)))
            for bound in (lo, hi)
            if d[i] != 0 and (bound - p[i]) / d[i] > 0
        ]
        edge = p + min(exits) * d
        dots = subdots(edge, canvas)
        cell = (min(int(dots[0]) // 2, canvas.cols - 1), min(int(dots[1]) // 4, canvas.rows - 1))
        x, y = canvas.screen(*cell)
        text = screen(plot)
        assert text[y][x] in CLIPPED_HEADS
        assert "goes on off the view" in "\n".join(text)
        assert f"{vectors.step.length:.4g}" in "\n".join(text)  # the true length, unclipped


async def test_in_equal_aspect_an_arrow_keeps_its_true_angle(tmp_path: Path) -> None:
    model = ExplorerModel.create(get_surface("lecture-bowl"), None, ["rmsprop(lr=0.1)"])
    app = OptiscopeApp(model, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e", "V", *["plus"] * 8)
        await pilot.pause()
        plot = app.explorer.plot
        canvas = plot.canvas
        assert canvas is not None and plot.equal_aspect
        run = app.explorer.snapshot().focused_run
        vectors = step_vectors(run.trajectory, run.index)
        text = screen(plot)
        tail = canvas.marker_cells(vectors.point[None, :])
        tail_cell = (int(tail[0][0]), int(tail[1][0]))
        for v in (vectors.step, vectors.gd):  # RMSprop's first step turns 34.8° off −∇f
            tip = subdots(vectors.point + v.value, canvas)
            cell = (int(tip[0]) // 2, int(tip[1]) // 4)
            x, y = canvas.screen(*cell)
            assert text[y][x] in HEADS
            # On screen, in cell widths (a cell is two widths tall): the drawn direction.
            dx, dy = cell[0] - tail_cell[0], 2.0 * (cell[1] - tail_cell[1])
            drawn = math.degrees(math.atan2(dy, dx))
            true = math.degrees(math.atan2(v.value[1], v.value[0]))
            slack = math.degrees(math.atan2(1.5, math.hypot(dx, dy)))
            assert abs(drawn - true) <= slack, (v.key, drawn, true)


@pytest.mark.parametrize(
    ("lesson_id", "on"), [("zigzag", True), ("why-not-sign", True), ("tiny-oscillation", False)]
)
async def test_lessons_about_direction_open_with_the_vectors_drawn(
    tmp_path: Path, lesson_id: str, on: bool
) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.explorer.load_lesson(get_lesson(lesson_id))
        await pilot.pause()
        assert app.explorer.vectors is on
        assert (app.explorer.plot.vectors is not None) is on


async def test_the_vectors_legend_keeps_its_corner_unless_the_arrows_come_under_it(
    tmp_path: Path,
) -> None:
    """Stepping with V on, the legend of the arrows stays put (a legend jumping corners at
    every step is hard to read) and moves only when the arrows would lie under it."""
    from optiscope.tui.plotting.arrows import arrows_layer

    model = ExplorerModel.create(get_surface("lecture-bowl"), None, ["momentum", "gd"])
    app = OptiscopeApp(model, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("V")
        await pilot.pause()
        plot = app.explorer.plot
        previous = plot.overlay_legend_box
        moves = 0
        for _ in range(40):
            await pilot.press("n")
            await pilot.pause()
            canvas, vectors, box = plot.canvas, plot.vectors, plot.overlay_legend_box
            assert canvas is not None and vectors is not None and box is not None
            cells = arrows_layer(canvas, vectors.arrows)[0]

            def under(b: tuple[int, int, int, int], cells: dict = cells) -> bool:  # type: ignore[type-arg]
                x, y, w, h = b
                return any(x <= cx < x + w for row in range(y, y + h) for cx in cells.get(row, ()))

            assert not under(box) or all(under(other) for other in _corners(canvas, box))
            if previous is not None and box != previous and box[2:] == previous[2:]:
                moves += 1
                assert under(previous)  # it moved because the arrows reached it
            previous = box
        assert moves < 40


def _corners(canvas: Canvas, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """The legend box of ``box``'s size in each corner of the canvas."""
    _, _, w, h = box
    xs = (canvas.left, canvas.left + canvas.cols - w)
    ys = (canvas.top, canvas.top + canvas.rows - h)
    return [(x, y, w, h) for x in xs for y in ys]


async def test_arrows_made_ahead_are_the_steps_own_and_each_is_made_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a step is read, the next step's arrows are made ahead (so a key finds them);
    whatever the keys do next (forward, back, another learning rate, another focus), the
    arrows drawn are those of the step shown, and no step's vectors are worked out twice."""
    import asyncio

    from optiscope.tui.explorer import step_overlays
    from optiscope.tui.plotting.step_arrows import vector_overlay
    from optiscope.tui.widgets.step_table import PREFETCH_AFTER

    made: list[tuple[int, int]] = []

    def counted(traj, t):  # type: ignore[no-untyped-def]
        made.append((id(traj), t))
        return step_vectors(traj, t)

    monkeypatch.setattr(step_overlays, "step_vectors", counted)
    model = ExplorerModel.create(get_surface("lecture-bowl"), None, ["momentum", "adam(lr=0.3)"])
    app = OptiscopeApp(model, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        explorer = app.explorer
        await pilot.press("V")
        await pilot.pause()
        for keys in ["n", "n", "n", "p", "n", "n", "asterisk", "n", "o", "n", "p", "p"]:
            await pilot.press(keys)
            await pilot.pause()
            await asyncio.sleep(3 * PREFETCH_AFTER)  # the learner reads the step
            await pilot.pause()
            run = explorer.snapshot().focused_run
            expected = vector_overlay(step_vectors(run.trajectory, run.index), run.color)
            assert explorer.plot.vectors == expected, keys
            if run.index + 1 < len(run.trajectory):
                assert (id(run.trajectory), run.index + 1) in made  # made ahead
        assert len(made) == len(set(made))
        assert len(made) >= 12
