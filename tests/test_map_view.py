"""The explorer's convergence map (keys m, M, b) against references computed here.

The Himmelblau reference is a plain NumPy gradient-descent loop over the grid the widget
says it drew, derived here from the plot canvas and plotext's cell centres, not from
``core.maps``; the other metrics and the difference view are checked against
``classify``/``difference`` of ``compute_map`` called directly.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from textual.pilot import Pilot

from optiscope.core.errors import OptiscopeError
from optiscope.core.maps.classes import classify
from optiscope.core.maps.compute import compute_map
from optiscope.core.maps.diff import difference
from optiscope.core.surfaces import get_surface
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.bindings import COMMANDS
from optiscope.tui.explorer.messages import Edit
from optiscope.tui.map_view import MAP_GTOL, MAP_STEPS
from optiscope.tui.model import ExplorerModel
from optiscope.tui.widgets.map_plot import MapPlot

# Himmelblau's minima as the literature gives them (Himmelblau 1972), not read from the surface.
HIMMELBLAU_MINIMA = np.array(
    [
        [3.0, 2.0],
        [-2.805118086952745, 3.131312518250573],
        [-3.779310253377747, -3.283185991286170],
        [3.584428340330492, -1.848126526964404],
    ]
)
LR = 0.01


def himmelblau_gradient(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return np.stack([4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b], axis=-1)


def gd_ends(starts: np.ndarray, lr: float, steps: int) -> np.ndarray:
    p = starts.copy()
    with np.errstate(all="ignore"):
        for _ in range(steps):
            p = p - lr * himmelblau_gradient(p)
    return p


def drawn_starts(mp: MapPlot) -> np.ndarray:
    """starts[j, i] of the cells on screen, from the canvas alone: column c is centred on
    x = lo + c·(hi − lo)/(cols − 1) (plotext's marker mapping), each row split in two."""
    canvas = mp.canvas
    assert canvas is not None
    (x0, x1), (y0, y1) = canvas.xlim, canvas.ylim
    xs = x0 + np.arange(canvas.cols) * (x1 - x0) / (canvas.cols - 1)
    hy = (y1 - y0) / (canvas.rows - 1)
    rows = y0 + np.arange(canvas.rows) * hy
    ys = np.stack([rows - hy / 4, rows + hy / 4], axis=1).ravel()
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx, gy], axis=-1)


def app_for(*specs: str, surface: str = "himmelblau") -> OptiscopeApp:
    return OptiscopeApp(ExplorerModel.create(get_surface(surface), None, list(specs)))


async def settle(pilot: Pilot[None], bound: float = 20.0) -> MapPlot:
    """Wait (at most ``bound`` seconds) until the map has finished computing."""
    app = pilot.app
    assert isinstance(app, OptiscopeApp)
    mp = app.explorer.map_plot
    await pilot.pause()
    deadline = time.monotonic() + bound
    while mp.computing and time.monotonic() < deadline:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert not mp.computing
    return mp


def canvas_text(mp: MapPlot) -> list[str]:
    """The characters of each canvas row, top row first."""
    canvas = mp.canvas
    assert canvas is not None
    out = []
    for y in range(canvas.top, canvas.top + canvas.rows):
        text = "".join(seg.text for seg in mp.render_line(y))
        out.append(text[canvas.left : canvas.left + canvas.cols])
    return out


def panel_text(mp: MapPlot) -> str:
    return "\n".join("".join(s.text for s in mp.render_line(y)) for y in range(mp.size.height))


# -- the map itself -------------------------------------------------------------------------
async def test_m_draws_himmelblau_basins_as_an_independent_gd_loop_finds_them() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        mp = await settle(pilot)
        assert mp.display and not app.explorer.plot.display
        classes = mp.cell_classes
        picture = mp.picture
        assert classes is not None and picture is not None

        starts = drawn_starts(mp)
        assert classes.cells.shape == starts.shape[:2]
        np.testing.assert_allclose(picture.maps[0].starts, starts, rtol=0, atol=1e-12)

        ends = gd_ends(starts, LR, MAP_STEPS)
        dist = np.linalg.norm(ends[..., None, :] - HIMMELBLAU_MINIMA, axis=-1)
        expected = np.where(dist.min(axis=-1) <= 0.1, dist.argmin(axis=-1), -1)
        reached = expected >= 0
        assert reached.mean() > 0.95
        # The class of each start names a minimum by its point: which literature minimum?
        points = np.array([m.point for m in picture.maps[0].minima])
        got = np.full(classes.cells.shape, -1)
        known = classes.cells < len(points)
        hit = np.linalg.norm(points[:, None, :] - HIMMELBLAU_MINIMA, axis=-1).argmin(axis=1)
        got[known] = hit[classes.cells[known]]
        np.testing.assert_array_equal(got[reached], expected[reached])
        for k in range(4):
            assert (expected == k).mean() > 0.15, f"basin {k} missing"

        title = canvas_text_title(mp)
        assert f"gd(lr={LR}): which minimum, {MAP_STEPS} steps" in title
        text = panel_text(mp)
        assert "minimum reached" in text and f"‖∇f‖ ≤ {MAP_GTOL:g}" in text
        for share, cell in zip(classes.fractions(), classes.classes, strict=True):
            if share > 0.05:
                assert f" {cell.glyph} " in text


def canvas_text_title(mp: MapPlot) -> str:
    return "".join(s.text for s in mp.render_line(0))


async def test_each_drawn_half_cell_has_its_start_s_class_colour() -> None:
    from optiscope.tui.cli.map_output import colour

    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        mp = await settle(pilot)
        canvas, classes = mp.canvas, mp.cell_classes
        assert canvas is not None and classes is not None
        rgb = [colour(c, k) for k, c in enumerate(classes.classes)]
        checked = 0
        for r in range(canvas.rows):
            y = canvas.top + canvas.rows - 1 - r
            cells = [(ch, seg.style) for seg in mp.render_line(y) for ch in seg.text if seg.text][
                canvas.left : canvas.left + canvas.cols
            ]
            for c, (ch, style) in enumerate(cells):
                if ch != "▀":
                    continue  # a minimum or the start marker
                upper, lower = classes.cells[2 * r + 1, c], classes.cells[2 * r, c]
                assert style.color.triplet == rgb[upper]
                assert style.bgcolor.triplet == rgb[lower]
                checked += 1
        assert checked > 0.95 * canvas.cols * canvas.rows


async def test_M_cycles_the_metric_and_cells_equal_classify_of_compute_map() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        mp = await settle(pilot)
        request = mp.request
        assert request is not None
        reference = compute_map(
            get_surface("himmelblau"),
            app.explorer.model.runs[0].setup,
            request.grid,
            MAP_STEPS,
            request.window,
            gtol=MAP_GTOL,
        )
        seen = []
        for metric, phrase in (("steps", "steps to converge"), ("loss", "final loss")):
            await pilot.press("M")
            mp = await settle(pilot)
            assert mp.metric == metric
            assert mp.request is request  # same map, classified again
            assert phrase in canvas_text_title(mp)
            classes = mp.cell_classes
            assert classes is not None
            np.testing.assert_array_equal(classes.cells, classify(reference, metric).cells)
            assert classes.title in panel_text(mp)
            seen.append(classes.title)
        assert seen[0] != seen[1]
        await pilot.press("M")
        assert mp.metric == "minimum"


async def test_b_compares_the_focused_optimizer_with_the_next() -> None:
    app = app_for(f"gd(lr={LR})", "rmsprop(lr=0.1)")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m", "M")  # steps: where does GD converge faster?
        await pilot.press("b")
        mp = await settle(pilot)
        request = mp.request
        assert request is not None and len(request.setups) == 2
        surface = get_surface("himmelblau")
        a, b = (
            compute_map(surface, r.setup, request.grid, MAP_STEPS, request.window, gtol=MAP_GTOL)
            for r in app.explorer.model.runs
        )
        expected = difference(a, b, "steps").classes
        classes = mp.cell_classes
        assert classes is not None
        np.testing.assert_array_equal(classes.cells, expected.cells)
        assert {c.label for c in classes.classes} >= {"A faster", "B faster"}
        text = panel_text(mp)
        assert "where does A beat B?" in text and "rmsprop(lr=0.1)" in text
        assert "A gd(lr=0.01) vs B rmsprop(lr=0.1)" in canvas_text_title(mp)
        await pilot.press("b")
        mp = await settle(pilot)
        assert mp.request is not None and len(mp.request.setups) == 1


async def test_b_with_one_optimizer_says_a_second_is_needed() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert not (await app.explorer.ensure_map_plot()).compare
        assert any("second optimizer" in n.message for n in app._notifications)


# -- computing in the background ------------------------------------------------------------
async def test_escape_cancels_the_computation_and_draws_no_result() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        mp = await app.explorer.ensure_map_plot()
        mp.steps = 1_000_000  # minutes of work: only a cancel ends it
        await pilot.press("m")
        await pilot.pause(0.3)
        assert mp.computing
        assert "computing" in (mp.status or "")
        await pilot.press("escape")
        await pilot.pause()
        assert not mp.computing
        deadline = time.monotonic() + 5
        while mp.threads_running and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert mp.threads_running == 0
        assert mp.picture is None
        assert "cancelled" in (mp.status or "")
        assert not any("▀" in row for row in canvas_text(mp))
        assert "cancelled" in panel_text(mp)


async def test_a_map_cancelled_before_its_thread_starts_does_not_swallow_escape() -> None:
    """m then m (or a setup change) within one tick cancels a worker whose task never ran:
    Textual leaves it RUNNING. Escape must still reach the plot afterwards (a key storm
    found it stuck: every Escape "cancelled" that worker again)."""
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        mp = await app.explorer.ensure_map_plot()
        mp.steps = 1_000_000
        await pilot.press("m")
        await pilot.pause(0.2)
        assert mp.computing
        app.explorer.action_zoom(0.8)  # a new window: a new worker, its task not yet run ...
        # ... and the map hidden (cancelling it) in the same tick
        await app.explorer.action_map_view()
        await pilot.pause()
        assert not mp.display and not mp.computing
        app.screen.set_focus(app.query_one("#start-x").query_one("Input"))
        await pilot.pause()
        await pilot.press("escape")
        assert app.focused is app.explorer.plot
        await pilot.press("n")
        assert app.explorer.model.cursor == 1


async def test_escape_on_a_finished_map_brings_the_contours_back() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        mp = await app.explorer.ensure_map_plot()
        mp.steps = 20
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.explorer.plot_view == "map" and not mp.computing and mp.picture is not None
        await pilot.press("escape")
        await pilot.pause()
        assert app.explorer.plot_view == "contours" and app.focused is app.explorer.plot
        await pilot.press("n")
        assert app.explorer.model.cursor == 1


async def test_pressing_m_again_cancels_and_brings_the_contours_back() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        mp = await app.explorer.ensure_map_plot()
        mp.steps = 1_000_000
        await pilot.press("m")
        await pilot.pause(0.2)
        await pilot.press("m")
        await pilot.pause()
        assert not mp.computing and not mp.display and app.explorer.plot.display


async def test_quitting_mid_computation_returns_promptly() -> None:
    app = app_for(f"gd(lr={LR})")
    began = time.monotonic()
    async with app.run_test(size=(120, 40)) as pilot:
        mp = await app.explorer.ensure_map_plot()
        mp.steps = 1_000_000
        await pilot.press("m")
        await pilot.pause(0.3)
        assert mp.computing
        await pilot.press("q")
    assert time.monotonic() - began < 10
    assert mp.threads_running == 0


async def test_an_error_in_the_computation_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OptiscopeError("the surface is undefined everywhere in this window")

    monkeypatch.setattr("optiscope.tui.map_view.compute_map", broken)
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        mp = await settle(pilot)
        assert app.is_running
        assert mp.picture is None
        assert "map failed: the surface is undefined" in (mp.status or "")
        assert "map failed" in panel_text(mp)


async def test_a_diverging_learning_rate_maps_as_diverged() -> None:
    app = app_for("gd(lr=1)")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        mp = await settle(pilot)
        classes = mp.cell_classes
        assert classes is not None
        diverged = [k for k, c in enumerate(classes.classes) if c.kind == "diverged"]
        assert classes.fractions()[diverged[0]] > 0.99
        assert "diverged" in panel_text(mp)


# -- following the setup --------------------------------------------------------------------
async def test_changing_the_surface_recomputes_for_the_new_surface() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        mp = await settle(pilot)
        before = mp.request
        app.explorer.post_message(Edit("surface", "rosenbrock"))
        await pilot.pause()
        mp = await settle(pilot)
        request = mp.request
        assert request is not None and request is not before
        assert request.surface.name == "rosenbrock"
        reference = compute_map(
            request.surface,
            app.explorer.model.runs[0].setup,
            request.grid,
            MAP_STEPS,
            request.window,
            gtol=MAP_GTOL,
        )
        classes = mp.cell_classes
        assert classes is not None
        np.testing.assert_array_equal(classes.cells, classify(reference, "minimum").cells)


async def test_a_new_hyperparameter_recomputes_and_a_new_start_moves_the_marker() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        mp = await settle(pilot)
        first = mp.request
        app.explorer.post_message(Edit("hp:lr", "0.005"))
        await pilot.pause()
        mp = await settle(pilot)
        assert mp.request is not first
        assert mp.request is not None and mp.request.setups[0].hyperparameters["lr"] == 0.005
        # No start of the grid depends on the explorer's start: only its marker moves.
        second, picture = mp.request, mp.picture
        assert "◎" in "".join(canvas_text(mp))
        await pilot.press("shift+up")
        mp = await settle(pilot)
        assert mp.request is second and mp.picture is picture
        rows = canvas_text(mp)
        canvas = mp.canvas
        assert canvas is not None
        cx, cy, inside = canvas.marker_cells([app.explorer.model.start])
        assert inside[0] and rows[canvas.rows - 1 - int(cy[0])][int(cx[0])] == "◎"


async def test_zooming_while_the_map_is_shown_maps_the_new_window() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        mp = await settle(pilot)
        canvas = mp.canvas

        def maps(lo: float, hi: float) -> bool:
            """The map's window holds [lo, hi], widened at most a tenth (as the contours'
            window is, for evenly spaced ticks)."""
            a, b = canvas.xlim  # type: ignore[union-attr]
            return a <= lo and b >= hi and b - a <= 1.1 * (hi - lo)

        assert canvas is not None and maps(-5.0, 5.0)
        await pilot.press("plus")
        mp = await settle(pilot)
        canvas = mp.canvas
        assert canvas is not None and maps(-4.0, 4.0)
        np.testing.assert_allclose(mp.picture.maps[0].starts, drawn_starts(mp), atol=1e-12)


async def test_v_and_m_show_one_view_at_a_time() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        mp = await app.explorer.ensure_map_plot()

        def shown() -> tuple[bool, bool, bool]:
            # The loss view is mounted when first shown.
            loss = app.query("#loss")
            return app.explorer.plot.display, bool(loss) and loss.first().display, mp.display

        await pilot.press("m")
        assert shown() == (False, False, True)
        await pilot.press("v")
        assert shown() == (False, True, False)
        await pilot.press("m")
        assert shown() == (False, False, True)
        await pilot.press("m")
        assert shown() == (True, False, False)
        await settle(pilot)


# -- sizes and colour ------------------------------------------------------------------------
async def test_80x24_draws_the_map_with_its_title_and_legend() -> None:
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        mp = await settle(pilot)
        classes = mp.cell_classes
        assert classes is not None and mp.canvas is not None
        assert classes.cells.shape == (2 * mp.canvas.rows, mp.canvas.cols)
        assert "which minimum" in canvas_text_title(mp)
        text = panel_text(mp)
        assert "minimum reached" in text and "%" in text


async def test_no_color_draws_each_start_as_its_class_glyph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(f"gd(lr={LR})")
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.no_color
        await pilot.press("m")
        mp = await settle(pilot)
        classes, canvas = mp.cell_classes, mp.canvas
        assert classes is not None and canvas is not None
        # One start per terminal cell, shown by glyph: the map reads without colour.
        assert classes.cells.shape == (canvas.rows, canvas.cols)
        glyphs = np.array([c.glyph for c in classes.classes])
        expected = ["".join(row) for row in glyphs[classes.cells][::-1]]
        rows = canvas_text(mp)
        same = sum(
            a == b for r, e in zip(rows, expected, strict=True) for a, b in zip(r, e, strict=True)
        )
        assert same >= canvas.rows * canvas.cols - 8  # all but the minima and start markers
        assert len({ch for row in rows for ch in row} & set("1234")) == 4


def test_the_map_keys_are_commands_with_ids() -> None:
    ids = {c.id: c for c in COMMANDS}
    assert ids["map-view"].keys == "m" and ids["map-metric"].keys == "M"
    assert ids["map-difference"].keys == "b"
