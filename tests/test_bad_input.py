"""Bad input of every kind: exit status 2, exactly one line ``optiscope: error: ...`` on
stderr, nothing on stdout, no traceback, nothing silently accepted.

The corpus holds every reproduction of issue 17 (non-finite and fullwidth numbers, 1e400,
9 and 300 optimizers, huge seeds and --top, steps past the limits, spec strings and
session files asking for a million steps) and the kinds around them: CLI options, optimizer
specs, surface and schedule specs, spec strings, session files, formulas, high-dimensional
problems. ``tests/test_cli.py`` keeps the original usage cases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from optiscope.tui.cli.main import main

SPEC = "optiscope:v1 surface=lecture-bowl"
FULLWIDTH_ONE = "\uff11"
ARABIC_INDIC_ONE = "\u0661"

CASES: list[tuple[list[str], str]] = [
    # -- optimizer hyperparameters: finite, in range, plain digits (issue 17, §2) ------------
    (["run", "--optimizer", "adam(lr=inf)", "--format", "json"], "lr must be finite"),
    (["run", "--optimizer", "adam(lr=1e400)", "--format", "json"], "lr is too large"),
    (["run", "--optimizer", "adam(lr=1e400)"], "lr is too large"),
    (["run", "--optimizer", "adam(eps=inf)", "--format", "json"], "eps must be finite"),
    (["run", "--optimizer", "adagrad(initial_accumulator=inf)"], "initial_accumulator must"),
    (["run", "--optimizer", f"adam(lr={FULLWIDTH_ONE})"], "lr must be a number"),
    (["run", "--optimizer", f"adam(lr=0.{ARABIC_INDIC_ONE})"], "lr must be a number"),
    (["run", "--optimizer", "adam(lr=nan)"], "lr must be finite"),
    (["run", "--optimizer", "adam(lr=-inf)"], "lr must be finite"),
    (["run", "--optimizer", "adam(lr=Infinity)"], "lr must be finite"),
    (["run", "--optimizer", "adam(lr=1_000)"], "lr must be a number"),
    (["run", "--optimizer", "adam(lr=0x10)"], "lr must be a number"),
    (["run", "--optimizer", "adam(lr=1e)"], "lr must be a number"),
    (["run", "--optimizer", "adam(lr=--1)"], "lr must be a number"),
    (["run", "--optimizer", "adam(lr=1/2)"], "lr must be a number"),
    (["run", "--optimizer", "adam(lr=true)"], "lr must be a number"),
    (["run", "--optimizer", "adam(lr=-0.1)"], "lr must be in"),
    (["run", "--optimizer", "adam(beta1=1)"], "beta1 must be in [0, 1)"),
    (["run", "--optimizer", "adam(beta2=1e400)"], "beta2 is too large"),
    (["run", "--optimizer", "adam(weight_decay=inf)"], "weight_decay must be finite"),
    (["run", "--optimizer", "adam(amsgrad=maybe)"], "amsgrad must be true or false"),
    (["run", "--optimizer", "adam(amsgrad=2)"], "amsgrad must be true or false"),
    (["run", "--optimizer", "rmsprop(beta=1.5)"], "beta must be in [0, 1)"),
    (["run", "--optimizer", "rmsprop(eps=-1)"], "eps must be in"),
    (["run", "--optimizer", "rmsprop(momentum=inf)"], "momentum must be finite"),
    (["run", "--optimizer", "rmsprop(centered=yes please)"], "centered must be true or false"),
    (["run", "--optimizer", "momentum(beta=-0.1)"], "beta must be in [0, 1)"),
    (["run", "--optimizer", "heavyball(momentum=1e400)"], "momentum is too large"),
    (["run", "--optimizer", "heavyball(dampening=nan)"], "dampening must be finite"),
    (["run", "--optimizer", "nesterov(momentum=-1)"], "momentum must be in"),
    (["run", "--optimizer", "adagrad(lr_decay=-1)"], "lr_decay must be in"),
    (["run", "--optimizer", "adagrad(eps=inf)"], "eps must be finite"),
    (["run", "--optimizer", "adamw(weight_decay=-1)"], "weight_decay must be in"),
    (["run", "--optimizer", "adamax(beta2=1)"], "beta2 must be in [0, 1)"),
    (["run", "--optimizer", "nadam(momentum_decay=inf)"], "momentum_decay must be finite"),
    (["run", "--optimizer", "adadelta(rho=2)"], "rho must be in"),
    (["run", "--optimizer", "signgd(lr=inf)"], "lr must be finite"),
    (["run", "--optimizer", "normgd(lr=1e400)"], "lr is too large"),
    (["run", "--optimizer", "lion(beta1=nan)"], "beta1 must be finite"),
    (["run", "--optimizer", "gd(lr=inf)"], "lr must be finite"),
    (["run", "--optimizer", "gd(lr=)"], "is not key=value"),
    (["run", "--optimizer", "gd(=1)"], "is not key=value"),
    (["run", "--optimizer", "gd(lr=1, lr=2)"], "'lr' given twice"),
    (["run", "--optimizer", "gd(lr=1"], "expected name or name(key=value, ...)"),
    (["run", "--optimizer", "gd(momentum=0.9)"], "gd has no setting 'momentum'"),
    (["run", "--optimizer", "adamm"], "unknown optimizer 'adamm'"),
    (["run", "--optimizer", ""], "cannot read optimizer spec"),
    (["run", "--optimizer", "gd(" + "lr=1," * 200 + ")"], "is too long"),
    (["run", "--optimizer", "__import__('os')"], "cannot read optimizer spec"),
    # -- how many optimizers ---------------------------------------------------------------
    (["run", *["--optimizer", "gd"] * 9], "a setup compares 1 to 8 optimizers; this one has 9"),
    (["run", *["--optimizer", "gd"] * 300], "a setup compares 1 to 8 optimizers"),
    (["map", "--optimizer", "gd", "--optimizer", "adam", "--optimizer", "rmsprop"], "map takes"),
    (["highdim", *["--optimizer", "gd"] * 9], "highdim compares at most 8 optimizers; got 9"),
    (["highdim", *["--optimizer", "gd"] * 300], "highdim compares at most 8 optimizers"),
    # -- setup options -------------------------------------------------------------------
    (["run", "--seed", str(10**30)], "seed must be in [0, 9223372036854775807]"),
    (["run", "--seed", str(2**63)], "seed must be in [0, 9223372036854775807]"),
    (["run", "--seed", "-1"], "seed must be in"),
    (["run", "--seed", FULLWIDTH_ONE], "seed must be a number"),
    (["run", "--seed", "1.5"], "seed must be a whole number"),
    (["run", "--seed", "1e400"], "seed is too large"),
    (["run", "--seed", "9" * 5000], "seed is too large"),
    (["run", "--seed", "nan"], "seed must be finite"),
    (["run", "--steps", "1000000"], "steps must be in [0, 100000]"),
    (["run", "--steps", "100001"], "steps must be in [0, 100000]"),
    (["run", "--steps", "50001", *["--optimizer", "adam"] * 8], "at most 50,000 steps with 8"),
    (["run", "--steps", "100000", "--format", "csv", *["--optimizer", "gd"] * 5], "at most 80,000"),
    (["run", "--steps", "3000"], "a table of 12,004 rows is too long"),
    (["run", "--steps", "3000", "--every", "1"], "thin it with --every 2 or more"),
    (["run", "--steps", "-3"], "steps must be in [0, 100000]"),
    (["run", "--steps", "ten"], "steps must be a number"),
    (["run", "--steps", "2.5"], "steps must be a whole number"),
    (["run", "--steps", "inf"], "steps must be finite"),
    (["run", "--steps", f"1{FULLWIDTH_ONE}"], "steps must be a number"),
    (["run", "--steps", "1e400"], "steps is too large"),
    (["run", "--noise", "-1"], "noise must be in [0, inf)"),
    (["run", "--noise", "inf"], "noise must be finite"),
    (["run", "--noise", "nan"], "noise must be finite"),
    (["run", "--noise", "1e400"], "noise is too large"),
    (["run", "--noise", FULLWIDTH_ONE], "noise must be a number"),
    (["run", "--every", "0"], "every must be in [1, 100000]"),
    (["run", "--every", "x"], "every must be a number"),
    (["run", "--start", "1;2"], "cannot read start '1;2'"),
    (["run", "--start", "Z"], "named start (A, B, C)"),
    (["run", "--start", "inf,0"], "must be finite"),
    (["run", "--start", "nan,0"], "must be finite"),
    (["run", "--start", "1e400,0"], "is too large"),
    (["run", "--start", f"{FULLWIDTH_ONE},2"], "must be a number"),
    (["run", "--start", "1,2,3"], "cannot read start"),
    (["run", "--start", ""], "cannot read start"),
    (["run", "--format", "xml"], "invalid choice: 'xml'"),
    (["run", "--format"], "expected one argument"),
    (["run", "--bogus"], "unrecognized arguments: --bogus"),
    (["run", "extra"], "unrecognized arguments: extra"),
    (["bogus"], "invalid choice: 'bogus'"),
    (["list", "things"], "invalid choice: 'things'"),
    (["list"], "the following arguments are required: what"),
    # -- surfaces and schedules ----------------------------------------------------------
    (["run", "--surface", "nope"], "unknown surface 'nope'"),
    (["run", "--surface", "rotated-bowl(kappa=0)"], "kappa must be in"),
    (["run", "--surface", "rotated-bowl(kappa=inf)"], "kappa must be finite"),
    (["run", "--surface", "rotated-bowl(kappa=1e400)"], "kappa is too large"),
    (["run", "--surface", f"rotated-bowl(theta={FULLWIDTH_ONE})"], "theta must be a number"),
    (["run", "--surface", "rotated-bowl(theta=91)"], "theta must be in"),
    (["run", "--surface", "rotated-bowl(spin=1)"], "has no setting 'spin'"),
    (["run", "--surface", "regression(batch_size=inf)"], "batch_size must be finite"),
    (["run", "--surface", "rosenbrock", "--domain", "-1,1,-1,1"], "a domain applies only"),
    (["run", "--schedule", "cosine(T=0)"], "T must be in [1, inf)"),
    (["run", "--schedule", "cosine(T=inf)"], "T must be finite"),
    (["run", "--schedule", "cosine(T=1e400)"], "T is too large"),
    (["run", "--schedule", "cosine(floor=2)"], "floor must be in [0, 1]"),
    (["run", "--schedule", "step(every=0)"], "every must be in [1, inf)"),
    (["run", "--schedule", "step(gamma=nan)"], "gamma must be finite"),
    (["run", "--schedule", f"step(every={FULLWIDTH_ONE})"], "every must be a number"),
    (["run", "--schedule", "inverse-time(decay=-1)"], "decay must be in [0, inf)"),
    (["run", "--schedule", "inverse-time(decay=inf)"], "decay must be finite"),
    (["run", "--schedule", "linear"], "unknown schedule 'linear'"),
    (["run", "--schedule", "wsd(W=10, T=30, D=25)"], "D must be at most T − W = 20"),
    # -- formulas ------------------------------------------------------------------------
    (["run", "--surface", "x**2 + y**\uff12"], "is not allowed"),
    (["run", "--surface", "x**2 + y**1e400"], "is too large"),
    (["run", "--surface", "x**2 + __import__('os')"], "bad formula"),
    (["run", "--surface", "x**2 +"], "bad formula"),
    (["run", "--surface", "x**2 + z"], "bad formula"),
    (["run", "--surface", "x**2 + y**2", "--domain", f"{FULLWIDTH_ONE},2,3,4"], "domain"),
    (["run", "--surface", "x**2 + y**2", "--domain", "1,0,0,1"], "needs lo < hi"),
    (["run", "--surface", "x**2 + y**2", "--domain", "-inf,1,0,1"], "domain"),
    (["run", "--surface", "x**2 + y**2", "--domain", "0,1e400,0,1"], "domain"),
    # -- spec strings ----------------------------------------------------------------------
    (["run", "--spec", f"{SPEC} opt=gd(lr=inf)"], "lr must be finite"),
    (["run", "--spec", f"{SPEC} opt=gd(lr=1e400)"], "lr is too large"),
    (["run", "--spec", f"{SPEC} opt=gd(lr={FULLWIDTH_ONE})"], "lr must be a number"),
    (["run", "--spec", f"{SPEC} steps=1000000"], "steps must be in [0, 100000]"),
    (["run", "--spec", f"{SPEC} steps=1000000" + " opt=adam" * 8], "steps must be in"),
    (["run", "--spec", f"{SPEC} steps={FULLWIDTH_ONE}"], "steps must be a whole number"),
    (["run", "--spec", f"{SPEC} steps=1e3"], "steps must be a whole number"),
    (["run", "--spec", f"{SPEC} noise=inf"], "noise must be finite"),
    (["run", "--spec", f"{SPEC} noise=1e400"], "noise is too large"),
    (["run", "--spec", f"{SPEC} noise={FULLWIDTH_ONE}"], "noise must be a number"),
    (["run", "--spec", f"{SPEC} noise=0.1/{10**30}"], "seed must be a whole number"),
    (["run", "--spec", f"{SPEC} noise=0.1/{FULLWIDTH_ONE}"], "seed must be a whole number"),
    (["run", "--spec", f"{SPEC} start=inf,0"], "must be finite"),
    (["run", "--spec", f"{SPEC} start={FULLWIDTH_ONE},0"], "must be a number"),
    (["run", "--spec", f"{SPEC} window=0,1,0,inf"], "must be finite"),
    (["run", "--spec", f"{SPEC} at={FULLWIDTH_ONE}"], "at must be a whole number"),
    (["run", "--spec", f"{SPEC} at=1000000"], "cursor must be in [0, 100000]"),
    (["run", "--spec", f"{SPEC}" + " opt=gd" * 9], "at most 8 optimizers"),
    (["run", "--spec", f"{SPEC} schedule=cosine(T=inf)"], "T must be finite"),
    (["run", "--spec", f"{SPEC} lr=0.1"], "unknown spec key 'lr'"),
    (["run", "--spec", "optiscope:v2 surface=rosenbrock"], "spec version 'v2'"),
    (["run", "--spec", "surface=rosenbrock"], "should start with optiscope:v1"),
    (["run", "--spec", SPEC, "--steps", "5"], "--spec gives the whole setup: drop --steps"),
    (["run", "--spec", f"{SPEC} opt=adam(lr=[/])"], "lr must be a number"),
    # -- maps ------------------------------------------------------------------------------
    (["map", "--grid", "401x10"], "each side must be 1 to 400"),
    (["map", "--grid", f"{FULLWIDTH_ONE}0x10"], "cannot read grid"),
    (["map", "--grid", "0x10"], "each side must be 1 to 400"),
    (["map", "--grid", "10"], "cannot read grid"),
    (["map", "--grid", "400x400", "--steps", "100000"], "too much work"),
    (["map", "--grid", "400x400", "--steps", "1000"], "at most 625 steps for this grid"),
    (["map", "--gtol", "0"], "gtol must be in (0, inf)"),
    (["map", "--gtol", "inf"], "gtol must be finite"),
    (["map", "--gtol", "nan"], "gtol must be finite"),
    (["map", "--window", "0,1,0"], "cannot read window"),
    (["map", "--window", "0,inf,0,1"], "must be finite"),
    (["map", "--window", "1,0,0,1"], "needs XLO < XHI"),
    (["map", "--window", f"0,{FULLWIDTH_ONE},0,1"], "must be a number"),
    (["map", "--start", "A"], "use --window, not --start"),
    (["map", "--metric", "speed"], "invalid choice: 'speed'"),
    (["map", "--optimizer", "gd(lr=inf)"], "lr must be finite"),
    (["map", "--steps", "1000000"], "steps must be in [0, 100000]"),
    # -- high-dimensional problems -------------------------------------------------------
    (["highdim", "--optimizer", "gd(lr=inf)"], "lr must be finite"),
    (["highdim", "--optimizer", "adam(lr=1e400)"], "lr is too large"),
    (["highdim", "--top", "1000000000"], "top must be in [1, 1000]"),
    (["highdim", "--top", "101"], "--top must be in [1, 100] (D)"),
    (["highdim", "--top", "0"], "top must be in [1, 1000]"),
    (["highdim", "--steps", "10000", "--problem", "quadratic(dim=1000)"], "[1, 9999]"),
    (["highdim", "--steps", "20001"], "steps must be in [1, 20000]"),
    (
        ["highdim", "--steps", "1000", "--problem", "logreg(n_samples=20000, n_features=200)"],
        "--steps must be in [1, 308] for D = 201 with 4 optimizers",
    ),
    (["highdim", "--seed", str(10**30)], "seed must be in"),
    (["highdim", "--seed", FULLWIDTH_ONE], "seed must be a number"),
    (["highdim", "--tol", "1"], "tol must be in (0, 1)"),
    (["highdim", "--tol", "nan"], "tol must be finite"),
    (["highdim", "--problem", "quadratic(dim=inf)"], "dim must be finite"),
    (["highdim", "--problem", "quadratic(dim=1e400)"], "dim is too large"),
    (["highdim", "--problem", f"quadratic(dim={FULLWIDTH_ONE}0)"], "dim must be a number"),
    (["highdim", "--problem", "quadratic(condition=inf)"], "condition must be finite"),
    (["highdim", "--problem", "quadratic(seed=-1)"], "seed must be in"),
    (["highdim", "--problem", "quadratic(seed=99999999999)"], "seed must be in"),
    (["highdim", "--problem", "logreg(n_samples=1e400)"], "n_samples is too large"),
    (["highdim", "--problem", "logreg(l2=0)"], "l2 must be in (0, 10]"),
    (["highdim", "--problem", "logreg(label_noise=0.5)"], "label_noise must be in [0, 0.5)"),
    (["highdim", "--problem", "logreg(batch_size=900)"], "batch_size must be at most"),
    (["highdim", "--problem", "cubic(dim=3)"], "unknown problem 'cubic'"),
    # -- serve: the port and the session cap are numbers like any other -------------------
    (["serve", "--port", "99999"], "port must be in [1, 65535]; got 99999"),
    (["serve", "--port", "x"], "port must be a number; got 'x'"),
    (["serve", "--port", FULLWIDTH_ONE], "port must be a number"),
    (["serve", "--max-sessions", FULLWIDTH_ONE], "max-sessions must be a number"),
    # -- lessons and the explorer's options ------------------------------------------------
    (["lesson", "99"], "99"),
    (["lesson", "no-such-lesson"], "no-such-lesson"),
    (["--lesson", "zigzag", "--steps", "5"], "--lesson gives the whole setup: drop --steps"),
    (["--surface", "nope"], "unknown surface 'nope'"),
    (["--optimizer", "adam(lr=inf)"], "lr must be finite"),
    (["--spec", f"{SPEC} steps=1000000"], "steps must be in [0, 100000]"),
    (["--print-completion", "fish"], "invalid choice: 'fish'"),
]


def _ids() -> list[str]:
    return [" ".join(argv)[:60] for argv, _ in CASES]


def test_the_corpus_is_large_and_holds_every_reproduction() -> None:
    assert len(CASES) >= 150
    texts = {" ".join(argv) for argv, _ in CASES}
    for reproduction in (
        "run --optimizer adam(lr=inf) --format json",
        "run --optimizer adam(lr=1e400) --format json",
        "run --optimizer adam(eps=inf) --format json",
        "highdim --optimizer gd(lr=inf)",
        f"run --spec {SPEC} opt=gd(lr=inf)",
        "run --optimizer adam(lr=1e400)",
        f"run --optimizer adam(lr={FULLWIDTH_ONE})",
        f"run --seed {10**30}",
        "highdim --top 1000000000",
    ):
        assert reproduction in texts


@pytest.mark.parametrize(("argv", "message"), CASES, ids=_ids())
def test_bad_input_is_one_line_exit_2_and_nothing_on_stdout(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("optiscope: error: ") and err.count("\n") == 1, err
    assert message in err


BAD_SESSIONS = {
    "steps-million": ('surface = "lecture-bowl"\nsteps = 1000000\n', "steps must be in"),
    "lr-inf": ('surface = "lecture-bowl"\noptimizers = ["adam(lr=inf)"]\n', "lr must be finite"),
    "noise-inf": ('surface = "lecture-bowl"\n[noise]\nsigma = inf\n', "noise must be finite"),
    "nine-optimizers": (
        'surface = "lecture-bowl"\noptimizers = [' + '"gd", ' * 9 + "]\n",
        "at most 8 optimizers",
    ),
    "seed-string": ('surface = "lecture-bowl"\n[noise]\nseed = "1"\n', "seed must be a whole"),
    "fullwidth-lr": (
        f'surface = "lecture-bowl"\noptimizers = ["adam(lr={FULLWIDTH_ONE})"]\n',
        "lr must be a number",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_SESSIONS))
def test_a_bad_session_file_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    body, message = BAD_SESSIONS[name]
    path = tmp_path / f"{name}.toml"
    path.write_text('format = "optiscope-session"\nversion = 1\n' + body, encoding="utf-8")
    code = main(["run", "--session", str(path)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith(f"optiscope: error: cannot load session {path}") and message in err


def test_a_fifo_as_session_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "session.toml"
    import os

    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "optiscope", "run", "--session", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and "not a regular file" in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--optimizer", "adam(lr=inf)", "--format", "json"],
        ["highdim", "--optimizer", "gd(lr=inf)"],
        ["run", "--spec", f"{SPEC} opt=gd(lr=inf)"],
        ["run", "--steps", "1000000"],
    ],
)
def test_in_a_real_process_the_reproductions_print_no_traceback(argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "optiscope", *argv], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("optiscope: error: ") and done.stderr.count("\n") == 1


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e400", FULLWIDTH_ONE, "1_0", " ", ""])
def test_every_setting_of_every_schema_refuses_what_the_command_line_refuses(text: str) -> None:
    """``Param.validate`` is the entry point of the explorer's forms too (hyperparameters,
    surface settings, noise, seed), so what the CLI refuses the forms refuse."""
    from optiscope.core.errors import OptiscopeError
    from optiscope.core.noise import SEED, SIGMA
    from optiscope.core.optimizers import OPTIMIZERS
    from optiscope.core.schedules import KINDS
    from optiscope.core.surfaces import SURFACES

    schemas = [opt.schema for opt in OPTIMIZERS.values()]
    schemas += [cls.PARAMS for cls in SURFACES.values()]
    schemas += [kind.schema for kind in KINDS.values()] + [(SIGMA, SEED)]
    params = [p for schema in schemas for p in schema if p.kind != "bool"]
    assert len(params) > 60
    for param in params:
        with pytest.raises(OptiscopeError, match=param.name):
            param.validate(text, "form")
        assert param.validate(str(param.default), "form") == param.default
