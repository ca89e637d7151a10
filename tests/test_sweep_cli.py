"""``optiscope sweep``: the three formats, and one line with exit status 2 for bad usage."""

from __future__ import annotations

import csv
import io
import json

import pytest

from optiscope.tui.cli.main import main
from optiscope.tui.cli.sweep_command import BARS, DIVERGED, NEVER


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


BASE = ("sweep", "--surface", "lecture-bowl", "--start", "A", "--steps", "100")


def test_json_has_the_documented_shape(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(
        capsys, *BASE, "--optimizer", "gd", "--optimizer", "rmsprop(beta=0.99)",
        "--lr-range", "0.01,1", "--points", "9", "--format", "json",
    )  # fmt: skip
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["surface"] == "lecture-bowl" and doc["start"] == [-4.7, -1.3]
    assert doc["metric"] == {"name": "steps", "tol": 0.01, "steps": 100}
    gd, rms = doc["runs"]
    assert (gd["optimizer"], gd["label"]) == ("gd", "gd")
    assert rms["label"] == "rmsprop(beta=0.99)" and rms["hyperparameters"]["beta"] == 0.99
    assert "lr" not in rms["hyperparameters"]
    assert len(gd["lrs"]) == len(gd["values"]) == 9
    assert gd["lrs"][0] == 0.01 and gd["lrs"][-1] == 1.0
    # GD diverges above 2/λmax = 0.5 on this bowl: those values are null.
    assert [v is None for v in gd["values"][-2:]] == [True, True]
    assert gd["best"] == min(v for v in gd["values"] if v is not None)
    assert gd["best_lr"] == gd["lrs"][gd["values"].index(gd["best"])]


def test_csv_has_one_row_per_optimizer_and_lr(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(
        capsys, *BASE, "--optimizer", "gd", "--optimizer", "adam",
        "--metric", "final-loss", "--points", "5", "--format", "csv",
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["label", "optimizer", "lr", "value", "status", "best"]
    assert len(rows) == 1 + 2 * 5
    for row in rows[1:]:
        assert (row[3] == "") == (row[4] != "ok")
        if row[4] == "ok":
            float(row[3])


def test_table_shows_best_lr_value_and_one_mark_per_lr(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(
        capsys, *BASE, "--optimizer", "gd", "--optimizer", "rmsprop",
        "--lr-range", "0.01,1", "--points", "21",
    )  # fmt: skip
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith(
        "Learning-rate sweep on Lecture bowl from (-4.7, -1.3)"
    )
    assert "metric: steps until f − f* stays ≤ 0.01·(f(x₀) − f*)" in lines[1]
    header = next(i for i, line in enumerate(lines) if line.startswith("optimizer"))
    gd, rms = lines[header + 1], lines[header + 2]
    assert gd.split()[:2] == ["gd", "0.01…1"]
    spark = gd.split()[-1]
    assert len(spark) == 21 and set(spark) <= set(BARS + NEVER + DIVERGED)
    assert spark.endswith(DIVERGED * 3)  # 0.63, 0.79, 1: above GD's limit 0.5
    assert rms.split()[0] == "rmsprop"


def test_best_at_the_edge_of_the_range_is_flagged(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(
        capsys, *BASE, "--optimizer", "gd", "--lr-range", "0.01,0.1", "--points", "4"
    )
    assert code == 0 and "gd: the best lr is at the edge of the range; widen --lr-range" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--lr-range", "nan,1"), "must be finite"),
        (("--lr-range", "0.1,inf"), "must be finite"),
        (("--lr-range", "1,0.1"), "needs LO < HI"),
        (("--lr-range", "0,1"), "must be positive"),
        (("--lr-range=-1,1",), "must be positive"),
        (("--lr-range", "0.1"), "cannot read lr range '0.1'"),
        (("--points", "1"), "points must be in [2, 200]"),
        (("--points", "5000"), "points must be in [2, 200]"),
        (("--metric", "speed"), "invalid choice: 'speed'"),
        (("--tol", "0"), "tol must be in (0, 1)"),
        (("--tol", "1.5"), "tol must be in (0, 1)"),
        (("--tol", "nan"), "tol must be finite"),
        (("--optimizer", "gd(lr=0.1)"), "the sweep varies lr: leave it out of gd(lr=0.1)"),
        (("--optimizer", "sgdd"), "unknown optimizer 'sgdd'"),
        (("--steps", "-3"), "steps must be in"),
        (("--noise", "inf"), "noise must be finite"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(capsys, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(capsys, *BASE, *args)
    assert code == 2 and out == ""
    assert err.startswith("optiscope: error: ") and err.count("\n") == 1
    assert message in err
