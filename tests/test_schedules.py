"""The schedules learners meet in practice: each against its closed form written out here,
their cross-setting rules refused in one line, and all of them listed."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.schedules import KINDS, parse_schedule
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import run


def _warmup(t: int, w: int) -> float:
    return t / w + 1 / w if t < w else 1.0


def _warmup_cosine(t: int, w: int, end: int) -> float:
    if t < w:
        return (t + 1) / w
    if t <= end:
        return (1 + math.cos(math.pi * (t - w) / (end - w))) / 2
    return 0.0


def _wsd(t: int, w: int, end: int, d: int) -> float:
    if t < w:
        return (t + 1) / w
    if t <= end - d:
        return 1.0
    return (end - t) / d if t <= end else 0.0


CLOSED_FORMS: list[tuple[str, Callable[[int], float]]] = [
    ("warmup(W=1)", lambda t: 1.0),
    ("warmup(W=7)", lambda t: _warmup(t, 7)),
    ("inverse-sqrt(W=4)", lambda t: (t + 1) / 4 if t < 3 else math.sqrt(4 / (t + 1))),
    ("inverse-sqrt(W=1)", lambda t: 1 / math.sqrt(t + 1)),
    ("warmup-cosine(W=5, T=30)", lambda t: _warmup_cosine(t, 5, 30)),
    ("warmup-cosine(W=1, T=2)", lambda t: _warmup_cosine(t, 1, 2)),
    ("wsd(W=5, T=30, D=10)", lambda t: _wsd(t, 5, 30, 10)),
    ("wsd(W=3, T=13, D=10)", lambda t: _wsd(t, 3, 13, 10)),
]


@pytest.mark.parametrize(("spec", "factor"), CLOSED_FORMS, ids=[c[0] for c in CLOSED_FORMS])
def test_each_new_schedule_follows_its_closed_form(
    spec: str, factor: Callable[[int], float]
) -> None:
    schedule = parse_schedule(spec)
    for t in range(60):
        assert schedule.lr(0.3, t) == pytest.approx(0.3 * factor(t), rel=1e-14, abs=1e-16), t


@pytest.mark.parametrize(
    ("spec", "factor"), CLOSED_FORMS[1::2], ids=[c[0] for c in CLOSED_FORMS[1::2]]
)
def test_a_run_steps_with_the_scheduled_lr_t_counting_updates_made(
    spec: str, factor: Callable[[int], float]
) -> None:
    bowl = get_surface("lecture-bowl")
    traj = run(bowl, make_setup("gd", {"lr": 0.2}), (-4.7, -1.3), 40, schedule=parse_schedule(spec))
    lrs = traj.column("lr")
    np.testing.assert_allclose(lrs, [0.2 * factor(t) for t in range(41)], rtol=1e-14)
    np.testing.assert_allclose(traj.column("update"), -lrs[:, None] * traj.column("grad"))


def test_the_ramps_meet_their_plateaus_without_a_jump() -> None:
    """Warmup reaches η at t = W−1; the cosine and the decay both start from η."""
    cosine = parse_schedule("warmup-cosine(W=10, T=50)")
    assert cosine.lr(1.0, 9) == cosine.lr(1.0, 10) == 1.0 and cosine.lr(1.0, 50) == 0.0
    wsd = parse_schedule("wsd(W=10, T=50, D=20)")
    assert wsd.lr(1.0, 9) == wsd.lr(1.0, 30) == 1.0 and wsd.lr(1.0, 40) == 0.5
    assert wsd.lr(1.0, 50) == wsd.lr(1.0, 80) == 0.0
    assert parse_schedule("inverse-sqrt(W=16)").lr(1.0, 63) == 0.5


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("warmup(W=0)", "schedule warmup: W must be in [1, inf); got 0"),
        ("warmup(W=2.5)", "schedule warmup: W must be a whole number; got '2.5'"),
        ("inverse-sqrt(W=inf)", "schedule inverse-sqrt: W must be finite; got 'inf'"),
        (
            "warmup-cosine(W=20, T=20)",
            "schedule warmup-cosine: T must be greater than W = 20; got T = 20",
        ),
        ("wsd(W=10, T=5)", "schedule wsd: T must be greater than W = 10; got T = 5"),
        ("wsd(D=0)", "schedule wsd: D must be in [1, inf); got 0"),
        (
            "wsd(W=10, T=50, D=41)",
            "schedule wsd: D must be at most T − W = 40 (the decay ends at T and starts after "
            "the warmup); got D = 41",
        ),
    ],
)
def test_settings_that_do_not_fit_are_refused_in_one_line(spec: str, message: str) -> None:
    with pytest.raises(OptiscopeError) as info:
        parse_schedule(spec)
    assert str(info.value) == message


def test_the_command_line_refuses_a_decay_longer_than_its_room_with_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "optiscope", "run", "--steps", "3", "--schedule", "wsd(T=30, D=25)"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("optiscope: error: ") and done.stderr.count("\n") == 1
    assert "D must be at most T − W = 20" in done.stderr


def test_every_schedule_is_listed_with_its_settings_and_a_use(capsys) -> None:  # type: ignore[no-untyped-def]
    from optiscope.tui.cli.main import main

    assert main(["list", "schedules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(KINDS)
    for line, kind in zip(lines, KINDS.values(), strict=True):
        assert kind.summary in line and f"Use: {kind.use}" in line
        if kind.schema:
            assert f"[{', '.join(p.name for p in kind.schema)}]" in line
    assert {"warmup", "inverse-sqrt", "warmup-cosine", "wsd"} <= set(KINDS)


# -- every kind is offered where a schedule is typed -------------------------------------------
def test_the_run_help_lists_every_schedule_kind(capsys: pytest.CaptureFixture[str]) -> None:
    from optiscope.tui.cli.main import main

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = "".join(capsys.readouterr().out.split())  # argparse wraps inside the specs
    listed = text.split("learning-rateschedule:")[1]
    for kind in ("constant", "inverse-time", "step", "cosine", "warmup", "inverse-sqrt",
                 "warmup-cosine", "wsd"):  # fmt: skip
        assert re.search(rf"(^|,){re.escape(kind)}[(,]", listed), kind
    assert set(KINDS) == {"constant", "inverse-time", "step", "cosine", "warmup",
                          "inverse-sqrt", "warmup-cosine", "wsd"}  # fmt: skip


async def test_the_explorers_schedule_tooltip_lists_every_kind_with_its_settings(
    tmp_path: Path,
) -> None:

    from tui_helpers import settle

    from optiscope.tui.app import OptiscopeApp
    from optiscope.tui.model import ExplorerModel
    from optiscope.tui.widgets.field_row import FieldRow

    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        tooltip = str(app.query_one("#schedule", FieldRow).input.tooltip)
    for name in ("warmup(W=10)", "inverse-sqrt(W=10)", "warmup-cosine(W=10, T=200)"):
        assert name in tooltip
    assert "wsd(W=10, T=200, D=40)" in tooltip and "cosine(T=200, floor=0)" in tooltip
    assert len(tooltip.split(", ")) >= len(KINDS)
