"""The classic optimisation test functions: curved valleys, plateaus and several minima."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from .base import Array, ArrayLike, Minimum
from .common import FixedSurface, as_pair, symmetric


class Rosenbrock(FixedSurface):
    """The banana valley (a = 1, b = 100)."""

    name = "rosenbrock"
    title = "Rosenbrock"
    formula = "f(x, y) = (1 − x)² + 100·(y − x²)²"
    teaches = (
        "A curved, flat-bottomed valley: falling into it is easy, following its bend to "
        "(1, 1) is slow for every method."
    )
    log_levels = True
    # λmax is 1002 at (1, 1), so GD needs lr < 0.002; 0.0005 also keeps the first step
    # from (-2, 2), where the curvature is 4002, from overshooting the valley.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.0005, "adaptive": 0.05, "sign": 0.01}
    DOMAIN = ((-2.0, 2.0), (-1.0, 3.0))
    MINIMA = (Minimum((1.0, 1.0), 0.0),)
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "far end": (-2.0, 2.0),
        "classic": (-1.5, 2.0),
        "valley floor": (-1.0, 1.0),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        a = 1.0 - xa
        r = ya - xa * xa
        return a * a + 100.0 * r * r

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        r = ya - xa * xa
        return -2.0 * (1.0 - xa) - 400.0 * xa * r, 200.0 * r

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        return symmetric(2.0 - 400.0 * ya + 1200.0 * xa * xa, -400.0 * xa, 200.0 + 0.0 * xa)


class Beale(FixedSurface):
    """Three residuals in x·yᵏ, k = 1, 2, 3: steep walls round a flat plateau."""

    name = "beale"
    title = "Beale"
    formula = "f(x, y) = (1.5 − x + x·y)² + (2.25 − x + x·y²)² + (2.625 − x + x·y³)²"
    teaches = (
        "Sharp ridges beside a flat plateau, gradients spanning orders of magnitude: a GD "
        "learning rate safe on the walls crawls on the flats."
    )
    log_levels = True
    # λmax is 49 at (3, 0.5) (GD needs lr < 0.041), but from (2, 1.7) GD already blows up
    # at 0.009 on the steep wall it crosses.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.005, "adaptive": 0.05, "sign": 0.02}
    DOMAIN = ((-4.5, 4.5), (-4.5, 4.5))
    MINIMA = (Minimum((3.0, 0.5), 0.0),)
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "plateau": (2.0, 1.7),
        "steep wall": (3.0, 4.0),
        "left": (-3.0, -1.0),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        y2 = ya * ya
        t1 = 1.5 - xa + xa * ya
        t2 = 2.25 - xa + xa * y2
        t3 = 2.625 - xa + xa * y2 * ya
        return t1 * t1 + t2 * t2 + t3 * t3

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        y2 = ya * ya
        y3 = y2 * ya
        t1 = 1.5 - xa + xa * ya
        t2 = 2.25 - xa + xa * y2
        t3 = 2.625 - xa + xa * y3
        gx = 2.0 * (t1 * (ya - 1.0) + t2 * (y2 - 1.0) + t3 * (y3 - 1.0))
        gy = 2.0 * xa * (t1 + 2.0 * ya * t2 + 3.0 * y2 * t3)
        return gx, gy

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        # f = Σ tₖ², tₖ = cₖ − x + x·yᵏ: ∂ₓtₖ = yᵏ − 1, ∂ᵧtₖ = k·x·yᵏ⁻¹, ∂ₓₓtₖ = 0,
        # ∂ₓᵧtₖ = k·yᵏ⁻¹, ∂ᵧᵧtₖ = k(k−1)·x·yᵏ⁻², and ∂²(t²) = 2(∂t ∂tᵀ + t·∂²t).
        xa, ya = as_pair(x, y)
        y2 = ya * ya
        y3 = y2 * ya
        t1 = 1.5 - xa + xa * ya
        t2 = 2.25 - xa + xa * y2
        t3 = 2.625 - xa + xa * y3
        dx1, dx2, dx3 = ya - 1.0, y2 - 1.0, y3 - 1.0
        dy1, dy2, dy3 = xa, 2.0 * xa * ya, 3.0 * xa * y2
        hxx = 2.0 * (dx1 * dx1 + dx2 * dx2 + dx3 * dx3)
        hxy = 2.0 * (dx1 * dy1 + t1 + dx2 * dy2 + 2.0 * ya * t2 + dx3 * dy3 + 3.0 * y2 * t3)
        hyy = 2.0 * (dy1 * dy1 + dy2 * dy2 + 2.0 * xa * t2 + dy3 * dy3 + 6.0 * xa * ya * t3)
        return symmetric(hxx, hxy, hyy)


class Himmelblau(FixedSurface):
    """Four minima of equal depth, so the basin reached is a fingerprint of the method."""

    name = "himmelblau"
    title = "Himmelblau"
    formula = "f(x, y) = (x² + y − 11)² + (x + y² − 7)²"
    teaches = (
        "Four equally deep minima: which one you reach depends on the update rule, not just "
        "the start (from (0.54, −0.74) GD and Adam part ways)."
    )
    log_levels = True
    # λmax of the Hessian is 82-134 at the four minima: GD is stable for lr < 0.0149.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.01, "adaptive": 0.1, "sign": 0.05}
    DOMAIN = ((-5.0, 5.0), (-5.0, 5.0))
    MINIMA = (
        Minimum((3.0, 2.0), 0.0, "global minimum (1 of 4)"),
        Minimum((-2.805118086952745, 3.131312518250573), 0.0, "global minimum (2 of 4)"),
        Minimum((-3.779310253377747, -3.2831859912861696), 0.0, "global minimum (3 of 4)"),
        Minimum((3.5844283403304917, -1.8481265269644036), 0.0, "global minimum (4 of 4)"),
    )
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "fork": (0.54, -0.74),
        "near the peak": (-0.2, -0.8),
        "corner": (-4.5, 4.5),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        r1 = xa * xa + ya - 11.0
        r2 = xa + ya * ya - 7.0
        return r1 * r1 + r2 * r2

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        r1 = xa * xa + ya - 11.0
        r2 = xa + ya * ya - 7.0
        return 4.0 * xa * r1 + 2.0 * r2, 2.0 * r1 + 4.0 * ya * r2

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        return symmetric(
            12.0 * xa * xa + 4.0 * ya - 42.0, 4.0 * (xa + ya), 4.0 * xa + 12.0 * ya * ya - 26.0
        )


class SixHumpCamel(FixedSurface):
    """Two global minima either side of a saddle at the origin, plus four local ones."""

    name = "six-hump-camel"
    title = "Six-hump camel"
    formula = "f(x, y) = (4 − 2.1·x² + x⁴/3)·x² + x·y + (4·y² − 4)·y²"
    teaches = (
        "A saddle at the origin between two global minima, with four local ones around: a "
        "small change of start or method picks a different basin."
    )
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.05, "adaptive": 0.05, "sign": 0.02}
    DOMAIN = ((-2.0, 2.0), (-1.2, 1.2))
    MINIMA = (
        Minimum((0.08984201310031806, -0.7126564030207396), -1.0316284534898774, "global minimum"),
        Minimum((-0.08984201310031806, 0.7126564030207396), -1.0316284534898774, "global minimum"),
        Minimum((1.703606714969981, -0.7960835686726251), -0.21546382438371764, "local minimum"),
        Minimum((-1.703606714969981, 0.7960835686726251), -0.21546382438371764, "local minimum"),
        Minimum((1.6071047529201972, 0.5686514548841314), 2.1042503103112584, "local minimum"),
        Minimum((-1.6071047529201972, -0.5686514548841314), 2.1042503103112584, "local minimum"),
    )
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "near the saddle": (0.3, 0.05),
        "left": (-1.5, -0.2),
        "upper right": (1.6, 1.1),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        x2 = xa * xa
        y2 = ya * ya
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + xa * ya + (4.0 * y2 - 4.0) * y2

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        x2 = xa * xa
        gx = xa * (8.0 - 8.4 * x2 + 2.0 * x2 * x2) + ya
        gy = xa + ya * (16.0 * ya * ya - 8.0)
        return gx, gy

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        x2 = xa * xa
        return symmetric(8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0 + 0.0 * xa, 48.0 * ya * ya - 8.0)


class GoldsteinPrice(FixedSurface):
    """The correct Goldstein-Price: a product of two factors, so values span six decades."""

    name = "goldstein-price"
    title = "Goldstein-Price"
    formula = (
        "f(x, y) = [1 + (x + y + 1)²·(19 − 14x + 3x² − 14y + 6xy + 3y²)]"
        "·[30 + (2x − 3y)²·(18 − 32x + 12x² + 48y − 36xy + 27y²)]"
    )
    teaches = (
        "Values from 3 to a million with local minima at 30, 84 and 840: a badly scaled "
        "landscape where one GD learning rate cannot suit everywhere."
    )
    log_levels = True
    # λmax is 965 at (0, -1) and 4340 at the f = 30 minimum GD reaches from the default
    # start (lr < 4.6e-4 there); the f = 84 minimum would need lr < 7.6e-5.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 1e-4, "adaptive": 0.02, "sign": 0.01}
    DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))
    # The local minima sit exactly on rational points where a factor reaches its floor.
    MINIMA = (
        Minimum((0.0, -1.0), 3.0),
        Minimum((-0.6, -0.4), 30.0, "local minimum"),
        Minimum((1.8, 0.2), 84.0, "local minimum"),
        Minimum((1.2, 0.8), 840.0, "local minimum"),
    )
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "left": (-1.5, 0.5),
        "840 trap": (1.0, 1.0),
        "below": (0.5, -1.5),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        p = xa + ya + 1.0
        q = 19.0 - 14.0 * xa + 3.0 * xa * xa - 14.0 * ya + 6.0 * xa * ya + 3.0 * ya * ya
        r = 2.0 * xa - 3.0 * ya
        s = 18.0 - 32.0 * xa + 12.0 * xa * xa + 48.0 * ya - 36.0 * xa * ya + 27.0 * ya * ya
        return (1.0 + p * p * q) * (30.0 + r * r * s)

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        xy = xa * ya
        x2 = xa * xa
        y2 = ya * ya
        p = xa + ya + 1.0
        q = 19.0 - 14.0 * xa + 3.0 * x2 - 14.0 * ya + 6.0 * xy + 3.0 * y2
        r = 2.0 * xa - 3.0 * ya
        s = 18.0 - 32.0 * xa + 12.0 * x2 + 48.0 * ya - 36.0 * xy + 27.0 * y2
        a = 1.0 + p * p * q
        b = 30.0 + r * r * s
        # q has the same partial derivative in x and y, so does a.
        da = p * (2.0 * q + p * (6.0 * (xa + ya) - 14.0))
        r2 = r * r
        db_dx = 4.0 * r * s + r2 * (24.0 * xa - 36.0 * ya - 32.0)
        db_dy = -6.0 * r * s + r2 * (54.0 * ya - 36.0 * xa + 48.0)
        return da * b + a * db_dx, da * b + a * db_dy

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        # a depends on x and y only through u = x + y (q = 19 − 14u + 3u²) and b only
        # through r = 2x − 3y (s = 18 − 16r + 3r²), so each factor has one first and one
        # second derivative, and f = a·b has ∂²f = a''·b·∇u∇uᵀ + a'b'·(∇u∇rᵀ + ∇r∇uᵀ)
        # + a·b''·∇r∇rᵀ with ∇u = (1, 1), ∇r = (2, −3).
        xa, ya = as_pair(x, y)
        u = xa + ya
        p = u + 1.0
        q = 19.0 - 14.0 * u + 3.0 * u * u
        dq = 6.0 * u - 14.0
        a = 1.0 + p * p * q
        da = p * (2.0 * q + p * dq)
        dda = 2.0 * q + 4.0 * p * dq + 6.0 * p * p
        r = 2.0 * xa - 3.0 * ya
        s = 18.0 - 16.0 * r + 3.0 * r * r
        ds = 6.0 * r - 16.0
        b = 30.0 + r * r * s
        db = r * (2.0 * s + r * ds)
        ddb = 2.0 * s + 4.0 * r * ds + 6.0 * r * r
        hxx = dda * b + 4.0 * da * db + 4.0 * a * ddb
        hxy = dda * b - da * db - 6.0 * a * ddb
        hyy = dda * b - 6.0 * da * db + 9.0 * a * ddb
        return symmetric(hxx, hxy, hyy)


_ST_DEEP = -2.903534027771177
_ST_SHALLOW = 2.746802770990837


class StyblinskiTang(FixedSurface):
    """Separable quartic: per axis one deep and one shallow minimum."""

    name = "styblinski-tang"
    title = "Styblinski-Tang"
    formula = "f(x, y) = ½·[(x⁴ − 16x² + 5x) + (y⁴ − 16y² + 5y)]"
    teaches = (
        "Separable, with a deep and a shallow basin on each axis: GD settles for whichever "
        "is nearer, one coordinate at a time."
    )
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.01, "adaptive": 0.1, "sign": 0.05}
    DOMAIN = ((-5.0, 5.0), (-5.0, 5.0))
    # Per axis the critical points solve 2t³ − 16t + 2.5 = 0 (refined with Newton in 50-digit
    # decimals): t = −2.9035340… is the deep minimum, t = 2.7468027… the shallow one.
    MINIMA = (
        Minimum((_ST_DEEP, _ST_DEEP), -78.33233140754282),
        Minimum((_ST_DEEP, _ST_SHALLOW), -64.19561235905536, "local minimum"),
        Minimum((_ST_SHALLOW, _ST_DEEP), -64.19561235905536, "local minimum"),
        Minimum((_ST_SHALLOW, _ST_SHALLOW), -50.05889331056788, "local minimum"),
    )
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "centre": (0.5, 0.5),
        "mixed": (-0.5, 4.5),
        "corner": (4.5, 4.5),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        x2 = xa * xa
        y2 = ya * ya
        return 0.5 * (x2 * (x2 - 16.0) + 5.0 * xa + y2 * (y2 - 16.0) + 5.0 * ya)

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        return xa * (2.0 * xa * xa - 16.0) + 2.5, ya * (2.0 * ya * ya - 16.0) + 2.5

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        return symmetric(6.0 * xa * xa - 16.0, 0.0 * xa, 6.0 * ya * ya - 16.0)
