"""``optiscope map``: tables, CSV, JSON and differences read back against references.

The references (in ``maps_helpers``) never call ``core.batch``/``core.batch_run``: each is
the optimizer's formula as a textbook writes it, stepped over Python floats or a NumPy array.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from maps_helpers import (
    HIMMELBLAU_MINIMA,
    bowl_gd_first_hit,
    centres,
    gd_loop,
    grid_starts,
    himmelblau_gradient,
    nearest_of,
)

from optiscope.tui.cli.main import main


# -- the CLI ----------------------------------------------------------------------------------
def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["map", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _heatmap_rows(out: str) -> list[str]:
    return [
        line.split("┤" if "┤" in line else "│", 1)[1]
        for line in out.splitlines()
        if "┤" in line or "│" in line
    ]


def test_cli_table_draws_the_basins_top_row_first_with_a_legend(capsys) -> None:
    nx, ny = 30, 12
    code, out, err = _cli(
        capsys,
        "--surface",
        "himmelblau",
        "--optimizer",
        "gd(lr=0.01)",
        "--grid",
        f"{nx}x{ny}",
        "--steps",
        "200",
    )
    assert code == 0 and err == ""
    ends, _ = gd_loop(himmelblau_gradient, grid_starts((-5, 5, -5, 5), nx, ny), 0.01, 200)
    expected = nearest_of(ends, HIMMELBLAU_MINIMA, 0.1)
    rows = _heatmap_rows(out)
    assert len(rows) == ny and all(len(r) == nx for r in rows)
    # The legend maps each digit to a minimum's point; read it back and compare.
    digit_to_k = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[0] in "1234" and " at (" in line:
            x, y = line.split(" at (")[1].split(")")[0].split(", ")
            digit_to_k[parts[0]] = int(
                nearest_of(np.array([float(x), float(y)]), HIMMELBLAU_MINIMA, 1e-3)
            )
    assert sorted(digit_to_k.values()) == [0, 1, 2, 3]
    drawn = np.array([[digit_to_k[c] for c in row] for row in reversed(rows)])
    np.testing.assert_array_equal(drawn, expected)
    assert "converged (‖∇f‖ ≤ 1e-06)" in out and "\x1b[" not in out


def test_cli_steps_table_reads_without_colour_and_labels_ranges(capsys) -> None:
    code, out, _ = _cli(
        capsys, "--grid", "16x6", "--metric", "steps", "--optimizer", "gd(lr=0.3)", "--steps", "300"
    )
    assert code == 0
    rows = _heatmap_rows(out)
    assert len(rows) == 6 and set("".join(rows)) <= set("0123456789")
    # Centre columns (|w| smallest) are fastest: digit 0; the outer columns slowest.
    assert rows[0][7] == "0" and rows[0][0] == max(rows[0])
    assert "steps until ‖∇f‖ ≤ 1e-06" in out and "0  " in out


def test_cli_csv_has_one_row_per_cell(capsys) -> None:
    code, out, _ = _cli(
        capsys,
        "--surface",
        "lecture-bowl",
        "--grid",
        "4x3",
        "--optimizer",
        "gd(lr=0.3)",
        "--steps",
        "300",
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 12
    assert list(rows[0]) == ["w", "b", "end_w", "end_b", "loss", "steps", "minimum", "diverged"]
    assert [(float(r["w"]), float(r["b"])) for r in rows[:5]] == [
        (-4.5, -2.0),
        (-1.5, -2.0),
        (1.5, -2.0),
        (4.5, -2.0),
        (-4.5, 0.0),
    ]
    for r in rows:
        assert int(r["steps"]) == bowl_gd_first_hit(float(r["w"]), float(r["b"]), 0.3, 300)
        assert r["minimum"] == "global minimum at (0, 0)" and r["diverged"] == "false"
        w, b = float(r["end_w"]), float(r["end_b"])
        assert float(r["loss"]) == pytest.approx(0.1 * w * w + 2 * b * b, rel=1e-12)


def test_cli_json_has_axes_metric_arrays_and_nulls_for_diverged(capsys) -> None:
    code, out, _ = _cli(
        capsys,
        "--surface",
        "himmelblau",
        "--optimizer",
        "gd(lr=0.05)",
        "--grid",
        "5x4",
        "--steps",
        "100",
        "--format",
        "json",
    )
    assert code == 0

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON")

    doc = json.loads(out, parse_constant=refuse)
    grid = doc["grid"]
    assert grid["nx"] == 5 and grid["ny"] == 4
    assert grid["x"] == pytest.approx(centres(-5, 5, 5)) and grid["y"] == pytest.approx(
        centres(-5, 5, 4)
    )
    values = doc["run"]["values"]
    assert {len(values[m]) for m in ("minimum", "steps", "loss")} == {4}
    diverged = np.array(doc["run"]["diverged"])
    assert diverged.any()  # lr 0.05 is past GD's limit of about 0.015 on Himmelblau
    loss = np.array(values["loss"], dtype=object)
    assert all(v is None for v in loss[diverged])
    np.testing.assert_allclose([m["point"] for m in doc["run"]["minima"]], HIMMELBLAU_MINIMA)
    assert doc["run"]["summary"]["diverged"] == np.count_nonzero(diverged) / 20
    assert doc["classes"]["cells"] and doc["metric"] == "minimum"


def test_cli_two_optimizers_draw_the_difference(capsys, tmp_path) -> None:
    target = tmp_path / "map.txt"
    code, out, err = _cli(
        capsys,
        "--grid",
        "12x4",
        "--optimizer",
        "gd(lr=0.4)",
        "--optimizer",
        "gd(lr=0.1)",
        "--steps",
        "900",
        "--metric",
        "steps",
        "--out",
        str(target),
    )
    assert code == 0 and out == "" and err == ""
    text = target.read_text(encoding="utf-8")
    rows = _heatmap_rows(text)
    assert rows and set("".join(rows)) == {"A"}
    assert "positive = A better" in text and "A faster" in text
    code, out, _ = _cli(
        capsys,
        "--grid",
        "6x2",
        "--optimizer",
        "gd(lr=0.4)",
        "--optimizer",
        "gd(lr=0.1)",
        "--steps",
        "900",
        "--metric",
        "steps",
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert set(doc["runs"]) == {"A", "B"}
    assert all(v > 0 for row in doc["difference"]["values"] for v in row)


def test_cli_window_may_start_with_a_minus_sign(capsys) -> None:
    code, out, _ = _cli(
        capsys,
        "--surface",
        "rosenbrock",
        "--window",
        "-1,0,-1,0",
        "--grid",
        "2x2",
        "--steps",
        "1",
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(float(r["x"]), float(r["y"])) for r in rows] == [
        (-0.75, -0.75),
        (-0.25, -0.75),
        (-0.75, -0.25),
        (-0.25, -0.25),
    ]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--grid", "0x10"], "grid"),
        (["--grid", "500x10"], "400"),
        (["--grid", "ten"], "grid"),
        (["--grid", "10x-3"], "grid"),
        (["--metric", "speed"], "metric"),
        (["--window", "1,0,0,1"], "window"),
        (["--window", "a,b,c,d"], "window"),
        (["--window", "-2,2,-1"], "window"),
        (["--window", "0,1,0,inf"], "window"),
        (["--start", "1,1"], "--start"),
        (["--optimizer", "gd", "--optimizer", "adam", "--optimizer", "rmsprop"], "two"),
        (["--gtol", "0"], "gtol"),
        (["--optimizer", "warp"], "optimizer"),
    ],
)
def test_cli_bad_options_exit_2_with_one_line(capsys, argv: list[str], needle: str) -> None:
    code, out, err = _cli(capsys, "--steps", "1", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("optiscope: error:") and needle in err
