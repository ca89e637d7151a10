"""Problem specs as a learner types them: ``quadratic(dim=100, condition=1e4, rotated=true)``
or ``logreg(n_samples=500, n_features=20, batch_size=32)``, read with the optimizer-spec
parser (never evaluated as code), and the one line that names a problem on screen."""

from __future__ import annotations

from ..callspec import format_call, parse_call
from ..errors import OptiscopeError
from ..params import resolve
from .problems import LogisticRegression, Problem, Quadratic

DEFAULT_PROBLEM = "quadratic(dim=100, condition=1e4, rotated=false, seed=0)"
#: Names a learner may type, normalised (lower case, "_" and " " read as "-").
_NAMES = {
    "quadratic": "quadratic",
    "quad": "quadratic",
    "logistic": "logistic",
    "logreg": "logistic",
    "logistic-regression": "logistic",
}


def parse_problem(text: str) -> Problem:
    """The problem a spec names; any mistake is one OptiscopeError naming it."""
    try:
        return _parse_problem(text)
    except OptiscopeError:
        raise
    except (OverflowError, ValueError):
        # Param.validate lets int(inf) and int(nan) escape as bare Python errors.
        raise OptiscopeError(f"problem {text!r}: settings must be finite numbers") from None


def _parse_problem(text: str) -> Problem:
    name, raw = parse_call(text, "problem")
    key = _NAMES.get(name.strip().lower().replace("_", "-").replace(" ", "-"))
    if key == "quadratic":
        s = resolve(Quadratic.PARAMS, raw, "problem quadratic")
        return Quadratic(int(s["dim"]), float(s["condition"]), bool(s["rotated"]), int(s["seed"]))
    if key == "logistic":
        s = resolve(LogisticRegression.PARAMS, raw, "problem logreg")
        return LogisticRegression(
            n_samples=int(s["n_samples"]),
            n_features=int(s["n_features"]),
            seed=int(s["seed"]),
            batch_size=int(s["batch_size"]),
            l2=float(s["l2"]),
            label_noise=float(s["label_noise"]),
            spread=float(s["spread"]),
        )
    raise OptiscopeError(
        f"unknown problem {name!r}: expected quadratic(dim=…, condition=…, rotated=…, seed=…) "
        "or logreg(n_samples=…, n_features=…, batch_size=…, seed=…)"
    )


def problem_spec(problem: Problem) -> str:
    """The spec that rebuilds ``problem`` (every setting spelled out)."""
    name = "logreg" if isinstance(problem, LogisticRegression) else problem.name
    return format_call(name, problem.settings)


def with_rotation(problem: Quadratic, rotated: bool) -> Quadratic:
    """The same spectrum, start and seed in the other basis."""
    return Quadratic(problem.dim, problem.condition, rotated, problem.seed)


def problem_summary(problem: Problem) -> str:
    """One line naming the problem and what shapes it: D, κ and basis, or data and batch."""
    if isinstance(problem, Quadratic):
        basis = (
            f"rotated by a random orthogonal Q (seed {problem.seed})"
            if problem.rotated
            else "axis-aligned (Q = I)"
        )
        return f"{problem.title}: D = {problem.dim}, κ = {problem.condition:g}, {basis}"
    if isinstance(problem, LogisticRegression):
        batch = f"mini-batch {problem.batch_size}" if problem.batch_size else "full batch"
        return (
            f"{problem.title}: n = {problem.n_samples} samples, {problem.n_features} features "
            f"(D = {problem.dim}), {batch}, l2 = {problem.l2:g}, seed {problem.seed}"
        )
    return f"{problem.title}: D = {problem.dim}"
