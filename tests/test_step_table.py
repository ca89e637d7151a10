"""The step table: headers from the optimizer's state, a cursor that stays in view, and work
per step that does not grow with the trajectory."""

from __future__ import annotations

import math

import pytest
from textual import events
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widget import Widget

from optiscope.core.format import fmt
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Step, Trajectory, run
from optiscope.tui.widgets.step_table import (
    CONTEXT,
    CURSOR_GLYPH,
    INDICATOR,
    MARKS,
    THUMB,
    TRACK,
    Layout,
    StepTable,
)

BOWL = get_surface("lecture-bowl")
START = (-4.7, -1.3)


def _run(name: str, steps: int, **hp: object) -> Trajectory:
    return run(BOWL, make_setup(name, hp or {"lr": 0.1}, BOWL), START, steps)


class CountingTrajectory(Trajectory):
    """Counts record reads: each one is a row being formatted."""

    reads = 0

    def __getitem__(self, k: int) -> Step:
        CountingTrajectory.reads += 1
        return super().__getitem__(k)


class CountingTable(StepTable):
    rendered: list[int]

    def render_line(self, y: int) -> Strip:
        self.rendered.append(y)
        return super().render_line(y)


class HostApp(App[None]):
    def __init__(
        self, traj: Trajectory, table_cls: type[StepTable] = StepTable, layout: Layout = "wide"
    ) -> None:
        super().__init__()
        self.layout = layout
        self.traj = traj
        self.table_cls = table_cls
        self.clicked: list[int] = []

    def compose(self) -> ComposeResult:
        table = self.table_cls(self.traj, BOWL.coords, self.traj.setup.label, layout=self.layout)
        if isinstance(table, CountingTable):
            table.rendered = []
        yield table

    def on_step_table_row_clicked(self, message: StepTable.RowClicked) -> None:
        self.clicked.append(message.t)


def _row(table: StepTable, y: int) -> Strip:
    """Line y without the scroll position's column at the right edge."""
    return table.render_line(y).crop(0, table.scrollable_content_region.width - INDICATOR)


def _lines(table: StepTable) -> list[str]:
    """The visible lines, without the ‹ that marks columns scrolled off to the left (nor the
    scroll position)."""
    height = table.scrollable_content_region.height
    return [_row(table, y).text.replace("‹", " ") for y in range(height)]


def _cursor_line(table: StepTable) -> tuple[int, str]:
    hits = [(y, text) for y, text in enumerate(_lines(table)) if text.startswith(CURSOR_GLYPH)]
    assert len(hits) == 1, hits
    return hits[0]


def _expected_cells(traj: Trajectory, k: int) -> list[str]:
    s = traj[k]
    cells = [str(k), fmt(s.params[0]), fmt(s.params[1]), fmt(s.loss)]
    cells += [fmt(s.grad[0]), fmt(s.grad[1])]
    for name in traj.state_names:
        cells += [fmt(s.state[name][0]), fmt(s.state[name][1])]
    cells += [fmt(s.effective_lr[0]), fmt(s.effective_lr[1])]
    if "update_over_lr" in traj.setup.optimizer.extra_columns:  # the Adam family's |Δ|/η
        cells += [fmt(abs(s.update[0]) / s.lr), fmt(abs(s.update[1]) / s.lr)]
    cells += [fmt(s.update[0]), fmt(s.update[1]), *_geometry_cells(s)]
    return [*cells, *_stability_cells(traj, s)]


#: η·λmax's bound per optimizer at its defaults (2/η for GD and RMSprop, (2+2β)/(1−β) = 38
#: for EWMA momentum and Adam at 0.9); the lecture bowl's λmax is 4 everywhere.
BOUNDS = {"gd": 2.0, "rmsprop": 2.0, "momentum": 38.0, "adam": 38.0}


def _stability_cells(traj: Trajectory, s: Step) -> list[str]:
    """λmax, λmax(P⁻¹H) for the adaptive methods (its value is checked in test_stability),
    then the threshold bound/η."""
    cells = ["4"]
    if "preconditioned_sharpness" in s.stability:
        cells.append(fmt(s.stability["preconditioned_sharpness"]))
    return [*cells, fmt(BOUNDS[traj.setup.name] / s.lr)]


def _geometry_cells(s: Step) -> list[str]:
    """‖Δ‖ and the angle between Δ and −∇f, from the dot product."""
    (gx, gy), (dx, dy) = s.exact_grad, s.update
    cos = -(gx * dx + gy * dy) / (math.hypot(gx, gy) * math.hypot(dx, dy))
    return [fmt(math.hypot(dx, dy)), f"{math.degrees(math.acos(max(-1.0, min(1.0, cos)))):.1f}°"]


async def test_rmsprop_headers_are_its_state_fields_per_coordinate() -> None:
    traj = _run("rmsprop", 20)
    async with HostApp(traj).run_test(size=(150, 40)) as pilot:
        table = pilot.app.query_one(StepTable)
        assert table.headers == [
            *("t", "w", "b", "loss", "∂w", "∂b", "S w", "S b"),
            *("ηeff w", "ηeff b", "Δw", "Δb", "‖Δ‖", "∠−∇f", "λmax", "λmax(P⁻¹H)", "2/η"),
        ]
        assert table.render_line(0).text.split() == [
            *("t", "w", "b", "loss", "∂w", "∂b", "S", "w", "S", "b"),
            *("ηeff", "w", "ηeff", "b", "Δw", "Δb", "‖Δ‖", "∠−∇f", "λmax", "λmax(P⁻¹H)", "2/η"),
        ]


async def test_adam_shows_moments_then_bias_corrected_ones_and_nadam_a_scalar_column() -> None:
    async with HostApp(_run("adam", 20)).run_test(size=(120, 40)) as pilot:
        headers = pilot.app.query_one(StepTable).headers
        assert headers[6:14] == ["m w", "m b", "v w", "v b", "m̂ w", "m̂ b", "v̂ w", "v̂ b"]
    async with HostApp(_run("nadam", 20)).run_test(size=(120, 40)) as pilot:
        headers = pilot.app.query_one(StepTable).headers
        assert headers[6:11] == ["m w", "m b", "v w", "v b", "Πμ"]
    traj = _run("rmsprop", 5, lr=0.05, centered=True, momentum=0.5)
    async with HostApp(traj).run_test(size=(120, 40)) as pilot:
        headers = pilot.app.query_one(StepTable).headers
        assert headers[6:12] == ["S w", "S b", "ḡ w", "ḡ b", "B w", "B b"]


async def test_the_cursor_row_shows_the_records_numbers_exactly_as_fmt_prints_them() -> None:
    traj = _run("adam", 50)
    async with HostApp(traj).run_test(size=(220, 40)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.set_cursor(7)
        await pilot.pause()
        y, text = _cursor_line(table)
        assert text.split()[1:] == _expected_cells(traj, 7)
        assert y == 8  # header, then rows 0..7
        cursor_style = table.get_component_rich_style("step-table--cursor")
        segments = list(_row(table, y))
        assert all(seg.style and seg.style.bgcolor == cursor_style.bgcolor for seg in segments)
        other = list(_row(table, y + 1))
        assert all(seg.style and seg.style.bgcolor != cursor_style.bgcolor for seg in other)


async def test_columns_past_the_right_edge_scroll_into_view_with_t_frozen() -> None:
    traj = _run("adam", 50)
    async with HostApp(traj).run_test(size=(80, 20)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.set_cursor(3)
        await pilot.pause()
        assert table.virtual_size.width > table.scrollable_content_region.width
        table.scroll_to(x=table.max_scroll_x, animate=False)
        await pilot.pause()
        words = _cursor_line(table)[1].split()
        assert words[1] == "3"  # the frozen t column
        assert words[-5:] == [*_geometry_cells(traj[3]), *_stability_cells(traj, traj[3])]
        assert table.render_line(0).text.split()[-5:] == [
            *("‖Δ‖", "∠−∇f", "λmax", "λmax(P⁻¹H)", "38/η")
        ]


async def test_column_keys_page_through_every_column_whole_and_mark_hidden_ones() -> None:
    """scroll_columns (keys < and >) moves by whole columns: each header comes into view in
    order, ‹ and › say which side hides columns, and each end stops it."""
    traj = _run("adam", 50)
    async with HostApp(traj).run_test(size=(80, 20)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.set_cursor(3)
        await pilot.pause()
        header = table.render_line(0).text
        assert "‹" not in header and header.rstrip().endswith("›")
        views = [header]
        while table.scroll_columns(1):
            await pilot.pause()
            views.append(table.render_line(0).text)
            assert views[-1].startswith("    t‹"), views[-1]
        assert len(views) >= 3
        for name in table.headers:  # every column came into view at some press
            assert any(f" {name} " in f"{view.replace('‹', ' ')} " for view in views), name
        words = _cursor_line(table)[1].replace("‹", " ").split()
        assert words[-5:] == [*_geometry_cells(traj[3]), *_stability_cells(traj, traj[3])]
        steps_back = 0
        while table.scroll_columns(-1):
            steps_back += 1
            await pilot.pause()
        assert steps_back >= 2 and table.scroll_x == 0
        assert "‹" not in table.render_line(0).text


async def test_jumping_to_row_5000_of_10000_scrolls_it_into_view() -> None:
    traj = _run("rmsprop", 9999)
    assert len(traj) == 10_000
    async with HostApp(traj).run_test(size=(120, 40)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.set_cursor(5000)
        await pilot.pause()
        y, text = _cursor_line(table)
        assert text.split()[1:4] == ["5000", fmt(traj[5000].params[0]), fmt(traj[5000].params[1])]
        assert 1 + CONTEXT <= y <= table.scrollable_content_region.height - 1 - CONTEXT


async def test_stepping_past_the_bottom_keeps_context_rows_below_the_cursor() -> None:
    traj = _run("rmsprop", 500)
    async with HostApp(traj).run_test(size=(120, 14)) as pilot:
        table = pilot.app.query_one(StepTable)
        await pilot.pause()
        height = table.scrollable_content_region.height
        # Scrolling without animation is immediate, so each step can be checked at once.
        for k in range(40):
            table.set_cursor(k)
            y, _ = _cursor_line(table)
            assert y <= height - 1 - CONTEXT
        assert table.scroll_y > 0
        for k in range(39, 0, -1):
            table.set_cursor(k)
            assert _cursor_line(table)[0] >= 1 + min(CONTEXT, k)
        assert table.scroll_y == 0


async def test_set_cursor_renders_only_the_two_rows_it_changes() -> None:
    traj = _run("rmsprop", 9999)
    async with HostApp(traj, CountingTable).run_test(size=(120, 40)) as pilot:
        table = pilot.app.query_one(CountingTable)
        table.set_cursor(5000)
        await pilot.pause()
        for k in (5001, 5002, 4990):
            table.rendered.clear()
            table.set_cursor(k)
            await pilot.pause()
            assert 1 <= len(table.rendered) <= 2, table.rendered


async def test_each_step_formats_a_bounded_number_of_rows_whatever_the_length() -> None:
    for steps in (300, 9999):
        traj = CountingTrajectory(BOWL, make_setup("adam", {"lr": 0.1}, BOWL), START)
        traj.extend(steps + 1)
        async with HostApp(traj).run_test(size=(120, 14)) as pilot:
            table = pilot.app.query_one(StepTable)
            table.set_cursor(150)
            await pilot.pause()
            start = table.scroll_y
            in_view = table.scrollable_content_region.height - 1
            total = 0
            for k in range(151, 171):
                CountingTrajectory.reads = 0
                table.set_cursor(k)
                await pilot.pause()
                # The row losing the highlight and the row gaining it; when the table pages,
                # the rows scrolled in (a page at most).
                assert CountingTrajectory.reads <= 2 + in_view
                total += CountingTrajectory.reads
            # Paging: most steps only move the highlight, so a step costs ~one row on average.
            assert total <= 2 * 20
            assert table.scroll_y > start


async def test_switching_trajectory_replaces_headers_and_rows() -> None:
    traj = _run("rmsprop", 20)
    async with HostApp(traj).run_test(size=(120, 40)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.set_cursor(4)
        adam = _run("adam", 30)
        table.set_trajectory(adam, BOWL.coords, "adam")
        await pilot.pause()
        assert "m̂ w" in table.headers and "S w" not in table.headers
        assert "m̂ w" in table.render_line(0).text
        assert table.virtual_size.height == len(adam) + 1
        assert _cursor_line(table)[1].split()[1:3] == ["4", fmt(adam[4].params[0])]
        assert table.trajectory is adam and table.border_title == "adam"


async def test_notify_extended_grows_the_table_without_rebuilding_it() -> None:
    traj = _run("gd", 10)
    async with HostApp(traj).run_test(size=(120, 40)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.set_cursor(40)
        await pilot.pause()
        assert _lines(table)[12].strip() == ""
        traj.extend(50)
        table.notify_extended()
        await pilot.pause()
        assert table.virtual_size.height == len(traj) + 1
        assert _cursor_line(table)[1].split()[1] == "40"


async def test_a_diverged_run_shows_nan_and_inf_as_errors_and_marks_the_row() -> None:
    traj = _run("gd", 10, lr=1e308)
    assert traj.status.kind == "diverged"
    last = len(traj) - 1
    async with HostApp(traj).run_test(size=(160, 20)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.set_cursor(0)
        await pilot.pause()
        strip = table.render_line(1 + last)
        assert strip.text[1] == MARKS["diverged"]
        error = table.get_component_rich_style("step-table--error")
        bad = [seg for seg in strip if seg.text.strip() in ("inf", "-inf", "nan")]
        assert bad and all(seg.style and seg.style.color == error.color for seg in bad)


async def test_a_40_column_terminal_does_not_crash() -> None:
    traj = _run("adam", 300)
    async with HostApp(traj).run_test(size=(40, 10)) as pilot:
        table = pilot.app.query_one(StepTable)
        for k in (0, 1, 150, 299, 5):
            table.set_cursor(k)
            await pilot.pause()
            assert all(len(line) <= 40 for line in _lines(table))
        table.scroll_to(x=table.max_scroll_x, animate=False)
        await pilot.pause()
        assert _cursor_line(table)[1].split()[1] == "5"


async def test_clicking_a_row_reports_its_step() -> None:
    traj = _run("gd", 30)
    app = HostApp(traj)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click(StepTable, offset=(10, 4))
        await pilot.pause()
        assert app.clicked == [3]


async def test_stacked_layout_gives_each_coordinate_a_line_with_its_cache_and_step() -> None:
    traj = _run("rmsprop", 30)
    async with HostApp(traj, layout="stacked").run_test(size=(100, 24)) as pilot:
        table = pilot.app.query_one(StepTable)
        assert table.headers == [
            *("t", "loss", "│  ", "value", "∂", "S", "ηeff", "Δ"),
            *("λmax", "λmax(P⁻¹H)", "2/η", "‖Δ‖ ∠"),
        ]
        table.set_cursor(12)
        await pilot.pause()
        y, first = _cursor_line(table)
        second = _lines(table)[y + 1]
        s = traj[12]
        assert first.split()[1:] == [
            "12", fmt(s.loss), "│", "w", fmt(s.params[0]), fmt(s.grad[0]),
            fmt(s.state["s"][0]), fmt(s.effective_lr[0]), fmt(s.update[0]),
            *_stability_cells(traj, s), _geometry_cells(s)[0],
        ]  # fmt: skip
        assert second.split() == [
            "│", "b", fmt(s.params[1]), fmt(s.grad[1]),
            fmt(s.state["s"][1]), fmt(s.effective_lr[1]), fmt(s.update[1]),
            _geometry_cells(s)[1],
        ]  # fmt: skip
        # Both lines of the record carry the cursor's highlight; the next record does not.
        cursor_bg = table.get_component_rich_style("step-table--cursor").bgcolor
        assert all(seg.style and seg.style.bgcolor == cursor_bg for seg in _row(table, y + 1))
        assert all(seg.style and seg.style.bgcolor != cursor_bg for seg in _row(table, y + 2))
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_stacked_layout_keeps_scalar_state_on_the_first_line() -> None:
    async with HostApp(_run("nadam", 10), layout="stacked").run_test(size=(120, 30)) as pilot:
        table = pilot.app.query_one(StepTable)
        assert "Πμ" in table.headers
        column = table.headers.index("Πμ")
        assert table._columns[column].reads[1] is None


async def test_auto_layout_stacks_only_when_one_line_per_step_does_not_fit() -> None:
    traj = _run("rmsprop", 30)
    async with HostApp(traj, layout="auto").run_test(size=(200, 30)) as pilot:
        table = pilot.app.query_one(StepTable)
        assert table.shown_layout == "wide"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert table.shown_layout == "stacked"
        await pilot.resize_terminal(200, 30)
        await pilot.pause()
        assert table.shown_layout == "wide"
    async with HostApp(_run("gd", 30), layout="auto").run_test(size=(120, 30)) as pilot:
        assert pilot.app.query_one(StepTable).shown_layout == "wide"  # gd has no state: fits


async def test_stacked_cursor_follows_far_down_and_clicks_map_to_records() -> None:
    traj = _run("rmsprop", 3000)
    async with HostApp(traj, layout="stacked").run_test(size=(80, 24)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.set_cursor(2000)
        await pilot.pause()
        y, text = _cursor_line(table)
        assert text.split()[1] == "2000"
        await pilot.click(StepTable, offset=(10, y + 1))  # the record's b line
        await pilot.pause()
        assert pilot.app.clicked == [2000]


async def test_cells_at_the_edge_are_shown_whole_or_not_at_all() -> None:
    traj = _run("adam", 50)
    async with HostApp(traj, layout="wide").run_test(size=(80, 20)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.set_cursor(3)
        for x in range(0, table.max_scroll_x + 1, 3):  # every third offset: all cut phases
            table.scroll_to(x=x, animate=False)
            await pilot.pause()
            words = _cursor_line(table)[1].split()
            more = words[-1] == "›"
            cells = words[1:-1] if more else words[1:]
            expected = _expected_cells(traj, 3)
            assert cells[0] == "3"
            # Whole cells, in order: a contiguous run of the record's cells.
            start = expected.index(cells[1], 1) if len(cells) > 1 else 1
            assert cells[1:] == expected[start : start + len(cells) - 1]
            assert more == (start + len(cells) - 1 < len(expected))


async def test_zero_over_zero_reads_as_a_dash_not_as_a_red_nan() -> None:
    # On the V valley's floor b = 0: ∂b = Δb = 0, so ηeff b = 0/0 is undefined, not broken.
    vee = get_surface("vee")
    traj = run(vee, make_setup("gd", {"lr": 0.001}, vee), (5e-7, 0.0), 5)
    assert traj.status.kind != "diverged"
    async with HostApp(traj).run_test(size=(160, 12)) as pilot:
        table = pilot.app.query_one(StepTable)
        column = table.headers.index("ηeff b")
        strip = table.render_line(2)
        cells = strip.text.split()
        assert cells[column] == "—"
        assert "nan" not in strip.text
        error = table.get_component_rich_style("step-table--error")
        assert not [seg for seg in strip if seg.style and seg.style.color == error.color]


async def test_lines_made_from_segments_equal_the_general_cropping_at_every_scroll() -> None:
    """The fast path that builds a line as one Strip draws what the general one does."""
    traj = _run("adam", 40)
    async with HostApp(traj).run_test(size=(70, 20)) as pilot:
        table = pilot.app.query_one(StepTable)
        await pilot.pause()
        styles = table._get_styles()
        compared = 0
        for k, sub, highlighted in ((-1, 0, False), (3, 0, False), (5, 0, True), (5, 1, True)):
            if k < 0:
                frozen, rest = table._header_strips()
                style = styles["header"]
            elif sub >= table._per_row:
                continue
            else:
                frozen, rest = table._row_strips(k, sub, highlighted)
                style = styles["cursor"] if highlighted else styles["base"]
            for width in range(
                table._frozen_width + 2, table._frozen_width + table._scroll_width + 4
            ):
                for scroll_x in range(0, table._scroll_width, 3):
                    fast = table._join_line(frozen, rest, style, scroll_x, width)
                    general = table._crop_line(frozen, rest, style, scroll_x, width)
                    assert fast.cell_length == general.cell_length == width
                    assert list(fast.simplify()) == list(general.simplify()), (width, scroll_x)
                    compared += 1
        assert compared > 100


@pytest.mark.parametrize("layout", ["wide", "stacked"])
@pytest.mark.parametrize("height", [6, 8, 10, 14, 24])
async def test_stepping_keeps_the_step_just_taken_in_view_and_pages_when_there_is_room(
    layout: Layout, height: int
) -> None:
    traj = _run("rmsprop", 200)
    async with HostApp(traj, layout=layout).run_test(size=(120, height)) as pilot:
        table = pilot.app.query_one(StepTable)
        await pilot.pause()
        per = table._per_row
        body = table._body_height // per
        scrolls = 0
        for k in range(1, 60):
            before = table.scroll_y
            table.set_cursor(k)
            top = -(-round(table.scroll_y) // per)
            assert top <= k <= top + body - 1  # the cursor's record is whole in view
            if body >= 2:
                assert top <= k - 1  # so is the record just stepped from
            if body >= 3:
                assert k + 1 <= top + body - 1  # and the next one
            scrolls += table.scroll_y != before
        if body >= 5:
            assert scrolls <= 60 // 3 + 1  # a page at a time, not a scroll per step


def _indicator_column(table: StepTable) -> str:
    """The right-edge cell of each body line, top to bottom."""
    width = table.scrollable_content_region.width
    height = table.scrollable_content_region.height
    cells = (table.render_line(y).crop(width - INDICATOR, width) for y in range(1, height))
    return "".join(cell.text for cell in cells)


async def test_the_scroll_position_shows_the_share_in_view_and_where_it_is() -> None:
    """The table draws its own scrollbar: a thumb as long as the share of records in view,
    at the top on the first step, at the bottom on the last, on a track."""
    traj = _run("gd", 299)  # 300 records
    async with HostApp(traj).run_test(size=(160, 14)) as pilot:
        table = pilot.app.query_one(StepTable)
        await pilot.pause()
        body = table.scrollable_content_region.height - 1
        column = _indicator_column(table)
        assert set(column) == {THUMB, TRACK}
        assert column.count(THUMB) == max(1, round(body * body / 300))
        assert column.startswith(THUMB)
        table.set_cursor(299)
        await pilot.pause()
        column = _indicator_column(table)
        assert column.endswith(THUMB) and column.startswith(TRACK)
        table.set_cursor(150)
        await pilot.pause()
        column = _indicator_column(table)
        first = column.index(THUMB) / (body - column.count(THUMB))
        assert abs(first - round(table.scroll_y) / (300 - body)) < 0.15


async def test_no_scroll_position_when_every_record_is_in_view() -> None:
    async with HostApp(_run("gd", 4)).run_test(size=(160, 14)) as pilot:
        table = pilot.app.query_one(StepTable)
        await pilot.pause()
        assert _indicator_column(table).strip() == ""


async def test_the_thumb_shrinks_as_records_arrive() -> None:
    """Rows computed a chunk at a time: the thumb is redrawn when its length changes."""
    traj = _run("gd", 299)
    async with HostApp(traj).run_test(size=(160, 14)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.notify_extended(limit=40)
        await pilot.pause()
        short = _indicator_column(table).count(THUMB)
        table.notify_extended(limit=None)
        await pilot.pause()
        assert _indicator_column(table).count(THUMB) < short


async def test_rows_arriving_in_chunks_grow_the_scroll_range_to_the_last_row() -> None:
    """A long recompute adds rows a chunk at a time without a layout pass: the scroll
    range still follows, and the cursor can go to the last row that arrived."""
    traj = _run("gd", 299)
    async with HostApp(traj).run_test(size=(160, 14)) as pilot:
        table = pilot.app.query_one(StepTable)
        table.notify_extended(limit=50)
        await pilot.pause()
        for limit in (80, 150, 220, 300):
            table.notify_extended(limit=limit)
            await pilot.pause()
            assert table.virtual_size.height == limit + 1  # header + one line per record
            table.set_cursor(limit - 1)
            await pilot.pause()
            assert _cursor_line(table)[1].split()[1] == str(limit - 1)


async def test_the_mouse_wheel_scrolls_the_rows() -> None:
    """The table has no Textual scrollbar (it draws its own): the wheel still scrolls it,
    down and back up, and not past either end."""
    async with HostApp(_run("gd", 299)).run_test(size=(160, 14)) as pilot:
        table = pilot.app.query_one(StepTable)
        await pilot.pause()
        assert table.scroll_y == 0
        for _ in range(3):
            table.post_message(events.MouseScrollDown(table, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        down = table.scroll_y
        assert down > 0
        assert _lines(table)[1].split()[0] == str(round(down))  # the rows moved with it
        for _ in range(200):
            table.post_message(events.MouseScrollUp(table, 5, 5, 0, -1, 0, False, False, False))
        await pilot.pause()
        assert table.scroll_y == 0


async def test_paging_the_rows_never_repaints_a_widget_outside_the_layout() -> None:
    """A repaint of a widget that has no place on the screen (a hidden scrollbar, zero
    cells wide) makes Textual rebuild the whole layout: ~5 ms on a step that pages."""
    painted: list[object] = []
    real = Compositor.update_widgets

    def spy(compositor: Compositor, widgets: set[Widget]) -> None:
        if not compositor._full_map_invalidated:
            painted.extend(w for w in widgets if w not in compositor.visible_widgets)
        real(compositor, widgets)

    async with HostApp(_run("gd", 299)).run_test(size=(160, 14)) as pilot:
        table = pilot.app.query_one(StepTable)
        await pilot.pause()
        Compositor.update_widgets = spy  # type: ignore[method-assign]
        try:
            for k in range(0, 120, 3):
                table.set_cursor(k)
                await pilot.pause()
        finally:
            Compositor.update_widgets = real  # type: ignore[method-assign]
        assert table.scroll_y > 0  # it paged
        assert painted == []
