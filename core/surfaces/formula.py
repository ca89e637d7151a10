"""Custom surfaces: an f(x, y) the user types, differentiated by sympy, evaluated by NumPy.

The text goes through the whitelist parser (``formula_parser``: nothing typed is ever run),
sympy differentiates the tree exactly, and ``formula_numeric`` turns f and ∇f into NumPy
closures. Everything a built-in surface declares by hand is derived here: the minimum from a
grid search, a start point, learning rates from the curvature.

sympy takes ~0.25 s to import, so it is imported only when a formula is built: naming a
built-in surface through ``surface_from_text`` never loads it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..callspec import parse_call
from ..errors import OptiscopeError
from ..format import fmt
from . import SURFACES, canonical_name, closest_name, get_surface
from .base import Array, ArrayLike, Minimum, Surface
from .common import Box, as_pair

if TYPE_CHECKING:
    import sympy  # type: ignore[import-untyped]  # sympy ships no type information

    from .formula_numeric import Program

DEFAULT_DOMAIN: Box = ((-3.0, 3.0), (-3.0, 3.0))
#: Window bounds beyond this are refused: the grid search and the plot need a sane scale.
MAX_BOUND = 1e6
#: Points per side of the grid searched for the minimum.
GRID = 201
#: The default start lies this fraction of the way from the window's centre to a corner.
START_FRACTION = 0.7

CONSTANT_TEACHES = "A constant: ∇f = 0 everywhere, so every optimizer stops at its start."

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SPEC_NAME = re.compile(r"\s*([A-Za-z][\w-]*)\s*(?:\(|$)")


class FormulaSurface(Surface):
    """f(x, y) from text, e.g. ``FormulaSurface("x**2 + 10*sin(y)", ((-2, 2), (-1, 1)))``.

    ``text`` is the formula normalised (spacing, ``^`` as ``**``): parsing it again gives
    the same surface, so it is what a session or a command line should store.
    A formula without x and y is allowed: a flat surface on which every optimizer stops at
    once (∇f = 0) is a legitimate, if dull, thing to look at.
    """

    name = "formula"
    title = "Custom formula"
    formula = "f(x, y) = (typed by the user)"
    teaches = (
        "Your own f(x, y): ∇f is sympy's exact derivative, and the minimum shown is the lowest "
        "point of a 201×201 grid polished by Newton steps."
    )

    def __init__(self, text: str, domain: Box | None = None) -> None:
        super().__init__()
        from .formula_numeric import build_program
        from .formula_parser import X, Y, gradient, parse_formula

        self._domain = check_domain(DEFAULT_DOMAIN if domain is None else domain)
        parsed = parse_formula(text)
        self.text = parsed.text
        self.expression: sympy.Expr = parsed.expr
        self.gradient_expressions = gradient(parsed.expr)
        self._f: Program = build_program([parsed.expr], X, Y)
        self._grad: Program = build_program(list(self.gradient_expressions), X, Y)
        # Built on first use: most formulas are only ever stepped on, never asked λmax.
        self._hessian_program: Program | None = None
        # Surface declares these per class (a built-in's never change); a formula's are its own.
        self.formula = f"f(x, y) = {self.text}"  # type: ignore[misc]
        self._constant = not parsed.expr.free_symbols
        if self._constant:
            self.teaches = CONSTANT_TEACHES  # type: ignore[misc]
        # inf - inf in a finite difference is expected here, not a bug worth a warning.
        with np.errstate(all="ignore"):
            grid = self._grid_values()
            self.log_levels = _steep(grid[2])  # type: ignore[misc]
            self._minima = self._find_minimum(*grid)
            self._starts = self._pick_start()
            self.suggested_lr = self._suggest_lr()  # type: ignore[misc]

    # -- the function ------------------------------------------------------------------------
    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        with np.errstate(all="ignore"):
            (value,) = self._f.run(xa, ya)
        return _shaped(value, xa)

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        with np.errstate(all="ignore"):
            gx, gy = self._grad.run(xa, ya)
        return _shaped(gx, xa), _shaped(gy, xa)

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        """sympy's exact second derivatives, compiled like ∇f (never evaluated as text)."""
        from .common import symmetric

        program = self._hessian_program
        if program is None:
            from .formula_numeric import build_program
            from .formula_parser import X, Y, hessian

            program = build_program(list(hessian(self.expression)), X, Y)
            self._hessian_program = program
        xa, ya = as_pair(x, y)
        with np.errstate(all="ignore"):
            hxx, hxy, hyy = program.run(xa, ya)
        return symmetric(_shaped(hxx, xa), _shaped(hxy, xa), _shaped(hyy, xa))

    # -- geometry ----------------------------------------------------------------------------
    @property
    def domain(self) -> Box:
        return self._domain

    @property
    def minima(self) -> tuple[Minimum, ...]:
        return self._minima

    @property
    def starts(self) -> dict[str, tuple[float, float]]:
        return dict(self._starts)

    def describe(self) -> dict[str, Any]:
        """The base description plus the normalised text and ∇f, so a run can be rebuilt."""
        doc = super().describe()
        doc["expression"] = self.text
        doc["gradient"] = [str(g) for g in self.gradient_expressions]
        return doc

    def nonfinite_reason(self, point: ArrayLike, loss: float, grad: ArrayLike) -> str:
        """Why a run stopped at a finite point where f or ∇f is not finite (trajectory hook).

        On a formula this is nearly always the run stepping outside where the formula is
        defined (log or sqrt of a negative, division by zero), not a blow-up of the method.
        """
        x, y = np.asarray(point, dtype=np.float64)
        gx, gy = np.asarray(grad, dtype=np.float64)
        nan = math.isnan(loss) or math.isnan(gx) or math.isnan(gy)
        cause = "outside the formula's domain?" if nan else "division by zero or overflow?"
        return f"f = {fmt(loss)}, ∇f = ({fmt(gx)}, {fmt(gy)}) at ({fmt(x)}, {fmt(y)}): {cause}"

    # -- derived once, when built --------------------------------------------------------------
    def _grid_values(self) -> tuple[Array, Array, Array]:
        (x0, x1), (y0, y1) = self._domain
        xx, yy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
        return xx, yy, self.f(xx, yy)

    def _find_minimum(self, xx: Array, yy: Array, zz: Array) -> tuple[Minimum, ...]:
        """The lowest grid point (ties: the one nearest the centre), polished by Newton steps.

        Listed if f rises, finite, in all four directions a thousandth of a cell away, or if
        it lies on the window's edge (labelled so: f may fall further outside). Polishing
        that falls by more than f's whole range on the grid has found a pole, not a minimum
        (1/x as x -> 0-), and f that falls without bound (log(x) as x -> 0+) fails the local
        test: a marker there would mislead, so none is listed. Nor for a constant formula,
        where every point is a minimum, or for f nowhere finite.
        """
        finite = np.isfinite(zz)
        if self._constant or not finite.any():
            return ()
        low, high = float(zz[finite].min()), float(zz[finite].max())
        ties = finite & (zz <= low + 1e-12 * (1.0 + abs(low)))
        (x0, x1), (y0, y1) = self._domain
        dist = np.where(ties, np.hypot(xx - (x0 + x1) / 2, yy - (y0 + y1) / 2), np.inf)
        i, j = np.unravel_index(int(np.argmin(dist)), zz.shape)
        cell = np.array([(x1 - x0) / (GRID - 1), (y1 - y0) / (GRID - 1)])
        point, value = self._polish(np.array([xx[i, j], yy[i, j]]), low, cell)
        if low - value > high - low:
            return ()
        if self._rises_around(point, value, 1e-3 * cell):
            label = "approximate minimum (grid)"
        elif point[0] in (x0, x1) or point[1] in (y0, y1):
            label = "lowest point of the window (on its edge)"
        else:
            return ()
        return (Minimum((float(point[0]), float(point[1])), value, label),)

    def _polish(self, p: Array, fp: float, cell: Array) -> tuple[Array, float]:
        """Newton steps (gradient steps where the Hessian is not positive definite) inside
        the window, each accepted only if f decreases: the grid point can sit a few cells
        from the minimum along a narrow valley (Rosenbrock's), and any basin reached this
        way is at least as low as the grid's best."""
        (x0, x1), (y0, y1) = self._domain
        lo, hi = np.array([x0, y0]), np.array([x1, y1])
        for _ in range(50):
            g = np.array(self.grad(p[0], p[1]), dtype=np.float64)
            if not np.isfinite(g).all() or not g.any():
                break
            step = -g * (float(np.min(cell)) / float(np.hypot(*g)))
            h = self._hessian(p, 1e-4 * cell)
            if np.isfinite(h).all() and np.linalg.eigvalsh(h).min() > 0:
                step = -np.linalg.solve(h, g).astype(np.float64)
            for t in 0.5 ** np.arange(40):
                q = np.clip(p + t * step, lo, hi)
                fq = float(self.f(q[0], q[1]))
                if math.isfinite(fq) and fq < fp:
                    break
            else:
                break
            p, fp = q, fq
        return p, fp

    def _rises_around(self, p: Array, value: float, delta: Array) -> bool:
        xs = p[0] + np.array([delta[0], -delta[0], 0.0, 0.0])
        ys = p[1] + np.array([0.0, 0.0, delta[1], -delta[1]])
        around = self.f(xs, ys)
        return bool(np.all(np.isfinite(around) & (around >= value - 1e-12 * (1 + abs(value)))))

    def _hessian(self, p: Array, h: Array) -> Array:
        """Central differences of the exact gradient, steps ``h`` (symbolic second
        derivatives of |u| would hold a Dirac delta)."""
        xs = p[0] + np.array([h[0], -h[0], 0.0, 0.0])
        ys = p[1] + np.array([0.0, 0.0, h[1], -h[1]])
        gx, gy = self.grad(xs, ys)
        hxx = (gx[0] - gx[1]) / (2 * h[0])
        hyy = (gy[2] - gy[3]) / (2 * h[1])
        hxy = ((gy[0] - gy[1]) / (2 * h[0]) + (gx[2] - gx[3]) / (2 * h[1])) / 2
        return np.array([[hxx, hxy], [hxy, hyy]])

    def _pick_start(self) -> dict[str, tuple[float, float]]:
        """70% of the way from the centre to the upper-left corner, like the classic starts:
        off both axes (so both coordinates have to move), well inside the window and far from
        a minimum at the centre. If f or ∇f is not finite there (log(x) on [-3, 3]), the
        other corners are tried in turn."""
        (x0, x1), (y0, y1) = self._domain
        cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
        corners = {"upper left": (-1, 1), "upper right": (1, 1)}
        corners.update({"lower right": (1, -1), "lower left": (-1, -1)})
        candidates = {
            name: (_tidy(cx + START_FRACTION * sx * hx), _tidy(cy + START_FRACTION * sy * hy))
            for name, (sx, sy) in corners.items()
        }
        for name, (x, y) in candidates.items():
            g = self.grad(x, y)
            if np.isfinite([self.f(x, y), *g]).all():
                return {name: (x, y)}
        return {"upper left": candidates["upper left"]}

    def _suggest_lr(self) -> Mapping[str, float]:
        """Adaptive and sign methods step about lr per coordinate: 1% of the window. GD is
        stable below 2/λmax; 1/λmax, with λmax the largest Hessian eigenvalue at the start
        and at the minimum, is safely below that and still quick. The Hessian is taken over
        half a grid cell, the scale the plot resolves: a kink (|x| at 0) then reads as a
        steep bend rather than as infinite curvature."""
        (x0, x1), (y0, y1) = self._domain
        stride = _round_down(0.01 * max(x1 - x0, y1 - y0))
        half_cell = np.array([(x1 - x0) / (GRID - 1), (y1 - y0) / (GRID - 1)]) / 2
        points = [self.start(), *(m.point for m in self._minima)]
        hessians = [self._hessian(np.array(p), half_cell) for p in points]
        curvatures = [
            float(np.abs(np.linalg.eigvalsh(h)).max()) for h in hessians if np.isfinite(h).all()
        ]
        finite = [c for c in curvatures if c > 0]
        gd = min(0.1, _round_down(1.0 / max(finite))) if finite else 0.01
        return {"gd": max(gd, 1e-7), "adaptive": stride, "sign": stride}


# -- domains -----------------------------------------------------------------------------------
def check_domain(domain: Any) -> Box:
    """``((xlo, xhi), (ylo, yhi))`` as floats, or an OptiscopeError saying what is wrong."""
    try:
        (a, b), (c, d) = domain
        values = [float(v) for v in (a, b, c, d)]
    except (TypeError, ValueError):
        raise OptiscopeError(
            f"cannot read domain {domain!r}: give ((xlo, xhi), (ylo, yhi))"
        ) from None
    box = ((values[0], values[1]), (values[2], values[3]))
    for axis, (lo, hi) in zip("xy", box, strict=True):
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise OptiscopeError(f"domain: the {axis} range must be finite")
        if max(abs(lo), abs(hi)) > MAX_BOUND:
            raise OptiscopeError(
                f"domain: the {axis} range [{lo:g}, {hi:g}] is too large "
                f"(bounds at most {MAX_BOUND:g} in size)"
            )
        if not lo < hi:
            raise OptiscopeError(f"domain: the {axis} range [{lo:g}, {hi:g}] needs lo < hi")
        if hi - lo < 1e-6 * max(1.0, abs(lo), abs(hi)):
            raise OptiscopeError(f"domain: the {axis} range [{lo:g}, {hi:g}] is too narrow")
    return box


def parse_domain(text: str) -> Box:
    """``"-2,2,-1,1"`` (XLO,XHI,YLO,YHI) or ``"-2,2"`` (both axes) -> a checked domain."""
    usage = "give XLO,XHI,YLO,YHI (e.g. -2,2,-1,1) or LO,HI for both axes"
    if len(text) > 200:
        raise OptiscopeError(f"domain is too long ({len(text)} characters)")
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if len(parts) not in (2, 4) or not all(_DECIMAL.fullmatch(p) for p in parts):
        raise OptiscopeError(f"cannot read domain {text!r}: {usage}")
    values = [float(p) for p in parts]
    if len(values) == 2:
        values *= 2
    return check_domain(((values[0], values[1]), (values[2], values[3])))


# -- what the user typed: a built-in surface or a formula ---------------------------------------
def surface_from_text(text: str, domain: str | Box | None = None) -> Surface:
    """A built-in surface (``rosenbrock``, ``rotated-bowl(kappa=100)``) or a formula.

    ``domain`` (text for ``parse_domain`` or a box) is the window of a formula; giving one
    with a built-in surface is an error, since each built-in has its own window. A known
    name that fails as a spec is still tried as a formula (``abs(x)`` is a formula, although
    ``abs`` alone names the V valley); if that fails too, the spec's error is the one shown.
    """
    box = parse_domain(domain) if isinstance(domain, str) else domain
    name_match = _SPEC_NAME.match(text)
    key = canonical_name(name_match.group(1)) if name_match else None
    if key is not None:
        try:
            name, settings = parse_call(text, "surface")
        except OptiscopeError as spec_error:
            try:
                return FormulaSurface(text, box)
            except OptiscopeError:
                raise spec_error from None
        if box is not None:
            raise OptiscopeError(
                f"a domain applies only to formulas: the {SURFACES[key].title} surface "
                "has its own window"
            )
        return get_surface(name, **settings)
    try:
        return FormulaSurface(text, box)
    except OptiscopeError as exc:
        raise OptiscopeError(_not_a_formula(text, name_match, exc)) from None


def _not_a_formula(text: str, name_match: re.Match[str] | None, exc: OptiscopeError) -> str:
    from .formula_names import NAMES

    if name_match is not None and name_match.group(1) not in NAMES:
        name = name_match.group(1)
        close = closest_name(name)
        hint = f" (did you mean {close}?)" if close else ""
        return f"unknown surface {name!r}{hint} and not a formula: {exc}"
    return f"bad formula: {exc}"


# -- helpers -------------------------------------------------------------------------------------
def _shaped(value: Any, like: Any) -> Array:
    """float64 of the input's shape: a constant part (∂f/∂y of x**2 is 0) is broadcast."""
    if type(like) is np.float64:
        return np.float64(value)  # type: ignore[return-value]
    out = np.asarray(value, dtype=np.float64)
    if out.shape != np.shape(like):
        out = np.broadcast_to(out, np.shape(like)).copy()
    return out


def _steep(zz: Array) -> bool:
    """Log-spaced contours when most of the window is low and a few walls are very high."""
    z = zz[np.isfinite(zz)]
    if z.size == 0:
        return False
    rise = z - z.min()
    low, high = np.quantile(rise, [0.25, 0.95])
    return bool(high > 30.0 * low)


def _round_down(value: float) -> float:
    """The largest of 1, 2, 5 × 10^k not above ``value``: learning rates people can read."""
    k = math.floor(math.log10(value))
    for m in (5, 2, 1):
        if m * 10.0**k <= value * (1 + 1e-12):
            return float(f"{m}e{k}")
    return float(f"1e{k}")


def _tidy(v: float) -> float:
    """-2.0999999999999996 -> -2.1: a start the user can read and type back."""
    return float(f"{v:.12g}")
