"""``optiscope map --over``: JSON, CSV and the table read back against independent references
(GD on the lecture bowl over Python floats; the closed-form limit η < 2/λmax = 0.5)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from optiscope.tui.cli.main import main


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["map", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _bowl_gd_class(lr: float, steps: int) -> str:
    """GD on f = 0.1w² + 2b² from the lecture's start A, over Python floats."""
    w, b = -4.7, -1.3
    for _ in range(steps + 1):
        gw, gb = 0.2 * w, 4.0 * b
        if (gw * gw + gb * gb) ** 0.5 <= 1e-6:
            return "converged"
        if abs(w) > 12_000 or abs(b) > 12_000:  # 1000 plot sizes (the window is 12 wide)
            return "diverged"
        w, b = w - lr * gw, b - lr * gb
    return "running"


def test_json_has_the_axes_and_one_cell_per_lr_and_beta(capsys) -> None:
    code, out, _ = _cli(
        capsys,
        *("--over", "lr,beta", "--surface", "rosenbrock", "--optimizer", "adam"),
        *("--grid", "5x3", "--steps", "50", "--beta-range", "0.5,0.9", "--format", "json"),
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["x"]["name"] == "lr" and len(doc["x"]["values"]) == 5
    assert doc["y"] == {"name": "beta1", "values": [0.5, 0.7, 0.9], "scale": "linear"}
    assert len(doc["cells"]) == 3 and all(len(row) == 5 for row in doc["cells"])
    for row in doc["cells"]:
        for cell in row:
            assert set(cell) == {"class", "steps", "loss"}
            assert cell["class"] in ("converged", "diverged", "running")
            assert (cell["loss"] is None) == (cell["class"] == "diverged")
    assert doc["boundary"] is None  # Rosenbrock is not a quadratic, Adam has no closed form
    assert "lr" not in doc["optimizer"]["hyperparameters"]
    assert "beta1" not in doc["optimizer"]["hyperparameters"]


def test_gd_over_lr_on_the_bowl_matches_floats_and_the_limit(capsys) -> None:
    steps = 80
    code, out, _ = _cli(
        capsys,
        *("--over", "lr", "--surface", "lecture-bowl", "--start", "A", "--optimizer", "gd"),
        *("--grid", "12", "--lr-range", "0.05,2", "--steps", str(steps), "--format", "json"),
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["y"] is None and len(doc["cells"]) == 1
    lrs = doc["x"]["values"]
    got = [cell["class"] for cell in doc["cells"][0]]
    assert got == [_bowl_gd_class(lr, steps) for lr in lrs]
    assert doc["boundary"]["lr_limit"] == [pytest.approx(0.5)]
    assert all(c == "diverged" for c, lr in zip(got, lrs, strict=True) if lr > 0.55)


def test_csv_has_one_row_per_cell_and_the_table_prints_the_boundary(capsys) -> None:
    argv = ("--over", "lr,beta", "--surface", "lecture-bowl", "--grid", "6x4", "--steps", "40")
    code, out, _ = _cli(capsys, *argv, "--optimizer", "heavyball", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["lr", "momentum", "class", "steps", "loss"]
    assert len(rows) == 1 + 6 * 4
    code, out, _ = _cli(capsys, *argv, "--optimizer", "heavyball")
    assert code == 0
    assert "stable where η(1−τ)·λmax < 2(1+μ), λmax = 4" in out
    assert "momentum up (0 … 0.99)" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--over", "lr,beta", "--optimizer", "gd"], "no momentum-like"),
        (["--over", "lr", "--window", "-1,1,-1,1"], "--start"),
        (["--over", "lr", "--optimizer", "gd", "--optimizer", "adam"], "one --optimizer"),
        (["--over", "lr", "--optimizer", "gd(lr=0.1)"], "leave it out"),
        (["--over", "lr,beta", "--optimizer", "momentum(beta=0.5)"], "--beta-range"),
        (["--over", "lr,beta", "--beta-range", "0,1"], "beta"),
        (["--over", "lr,beta", "--beta-range", "0.9,0.1"], "LO < HI"),
        (["--over", "lr", "--lr-range", "0,1"], "positive"),
        (["--over", "lr", "--lr-range", "1"], "LO,HI"),
        (["--over", "lr", "--metric", "minimum"], "class"),
        (["--over", "lr", "--grid", "60x40"], "one row"),
        (["--over", "lr,beta", "--grid", "1x5"], "at least 2"),
        (["--over", "lr", "--beta-range", "0,0.5"], "lr,beta"),
        (["--over", "lr,beta", "--grid", "400x400", "--steps", "1000"], "too much work"),
        (["--over", "lr", "--tol", "1"], "tol"),
        (["--metric", "class"], "--over"),
        (["--lr-range", "0.1,1"], "--over"),
        (["--tol", "0.1"], "--over"),
    ],
)
def test_bad_over_options_exit_2_with_one_line(capsys, argv: list[str], needle: str) -> None:
    code, out, err = _cli(capsys, "--steps", "1", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("optiscope: error:") and needle in err


def test_the_clis_copies_of_core_constants_agree() -> None:
    from optiscope.core.maps.over import DEFAULT_BETA_RANGE, OVER_METRICS
    from optiscope.core.sweep import DEFAULT_TOL
    from optiscope.tui.cli import map_command

    assert map_command.OVER_METRIC_NAMES == OVER_METRICS
    assert map_command.DEFAULT_TOL == DEFAULT_TOL
    assert map_command.parse_range(map_command.DEFAULT_BETA_RANGE, "β") == DEFAULT_BETA_RANGE


def test_a_map_over_lr_alone_is_drawn_as_a_curve_one_mark_per_learning_rate(capsys) -> None:
    argv = ("--over", "lr", "--surface", "lecture-bowl", "--optimizer", "momentum(beta=0.5)")
    code, out, _ = _cli(capsys, *argv, "--grid", "30", "--steps", "200", "--metric", "steps")
    assert code == 0
    chart = [line.split("┤" if "┤" in line else "│", 1)[1] for line in out.splitlines()
             if ("┤" in line or "│" in line)]  # fmt: skip
    assert all(len(row) == 30 for row in chart)
    for column in zip(*chart, strict=True):
        marks = [(height, glyph) for height, glyph in enumerate(column) if glyph != " "]
        assert len(marks) == 1
        height, glyph = marks[0]
        # Off the chart (top line): never settled or diverged; else the bin's digit, whose
        # height from the bottom is the digit itself (0 = fewest steps).
        assert glyph in ".x" if height == 0 else glyph == str(len(chart) - 1 - height)
    code, doc, _ = _cli(capsys, *argv, "--grid", "30", "--steps", "200", "--format", "json")
    steps = [cell["steps"] for cell in json.loads(doc)["cells"][0]]
    assert [s is None for s in steps] == [column_top in ".x" for column_top in chart[0]]
