"""The run tables drawn directly equal what Rich draws, character for character, for every
optimizer's columns, statuses and the summary (Rich is the reference they imitate)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from optiscope.core.session.setup import Setup
from optiscope.core.surfaces import get_surface
from optiscope.tui.cli.box_table import BoxTable
from optiscope.tui.cli.table_output import rich_table, step_box, summary_box

SPECS = [
    "gd(lr=0.4)",
    "gd(lr=0.55)",  # diverges: a long status in the title
    "momentum",
    "heavyball(lr=0.01, momentum=0.9)",
    "nesterov(lr=0.05)",
    "rmsprop(lr=0.1, momentum=0.5, centered=true)",
    "adam(lr=0.1, amsgrad=true, weight_decay=0.01)",
    "adamw(lr=0.05)",
    "adagrad(lr=0.5)",
    "signgd(lr=0.1)",
    "normgd(lr=0.3)",
]


def _rich(box: BoxTable, styled: bool = False) -> list[str]:
    buf = io.StringIO()
    Console(file=buf, width=240, force_terminal=styled, highlight=False, soft_wrap=False).print(
        rich_table(box)
    )
    return buf.getvalue().splitlines()


def _runs(surface_name: str, specs: list[str], steps: int, sigma: float = 0.0):  # type: ignore[no-untyped-def]
    surface = get_surface(surface_name)
    start = next(iter(surface.starts.values()), (1.0, 1.0))
    setup = Setup(surface_name, start, tuple(specs), noise=sigma, seed=1, steps=steps)
    return surface, setup.run()


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("surface_name", ["lecture-bowl", "rosenbrock", "himmelblau"])
def test_a_step_table_is_drawn_as_rich_draws_it(surface_name: str, spec: str) -> None:
    surface, runs = _runs(surface_name, [spec], 30, sigma=0.3)
    for traj in runs:
        box = step_box(surface, traj, every=7)
        if box.fits(240):
            assert box.lines() == _rich(box)
        else:  # wider than CSV-free output allows: left to Rich, which shrinks it
            assert box.width() > 240 and spec.startswith("adam(")


def test_render_tables_draws_what_rich_alone_would_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    from optiscope.tui.cli import table_output

    surface, runs = _runs("rosenbrock", ["gd(lr=0.001)", "rmsprop", "adam"], 40)
    start = next(iter(surface.starts.values()))
    fast = table_output.render_tables(surface, start, runs, 10)
    monkeypatch.setattr(BoxTable, "fits", lambda self, room: False)
    assert fast == table_output.render_tables(surface, start, runs, 10)


def test_the_summary_is_drawn_as_rich_draws_it() -> None:
    surface, runs = _runs("himmelblau", SPECS[:8], 60)
    box = summary_box(surface, runs)
    assert box.lines() == _rich(box)


def test_on_a_terminal_the_text_is_the_same_with_bold_headers_and_an_italic_title() -> None:
    surface, runs = _runs("lecture-bowl", ["adam"], 10)
    box = step_box(surface, runs[0], 1)
    styled = box.lines(styled=True)
    assert styled[0].startswith("\x1b[3m") and "\x1b[1m" in styled[2]
    plain = [
        line.replace("\x1b[1m", "").replace("\x1b[3m", "").replace("\x1b[0m", "") for line in styled
    ]
    assert plain == box.lines()


def test_a_table_wider_than_its_room_or_a_title_wider_than_its_table_is_left_to_rich() -> None:
    wide = BoxTable("t", ["a" * 60, "b" * 60], [["1", "2"]])
    assert wide.fits(200) and not wide.fits(100)
    long_title = BoxTable("x" * 50, ["a", "b"], [["1", "2"]])
    assert not long_title.fits(240)
