"""Generate golden reference trajectories with PyTorch's ``torch.optim`` (float64).

What it makes
    ``tests/data/golden/<optimizer>.json``, one compact JSON file per optimizer (gd, heavyball,
    nesterov, adagrad, rmsprop, adam, adamw, adamax, nadam, adadelta). Each file holds
    ``torch_version`` and a list of cases; a case is one optimizer config run for ``n_steps``
    steps from one start on one 2-D surface (lecture-bowl, rosenbrock, himmelblau, beale)::

        optimizer, config, case_id, hyperparameters (OUR names, full resolved set),
        surface, start, n_steps,
        params[k][2]  params after k steps, k = 0..n_steps (params[0] == start)
        grads[k][2]   autograd gradient at params[k] (grads[k] is what step k+1 consumed;
                      the last one is at the final point and was never consumed)
        loss[k]       loss at params[k]
        state{field: [k] -> value}  optimizer state after k steps, in OUR field names
                      (k = 0: the state before any step; the SGD momentum buffer "v" is
                      null there because torch creates it in the first step)
        free_run_ok, free_run_max_rel  (see ``free_run_check``)

    Floats are written with Python's repr (``json.dumps``), so they round-trip exactly.
    ``tests/golden.py`` loads the files without importing torch.

How to run
    Torch is not a dependency of optiscope; it is only needed here. Use a scratch venv::

        python3 -m venv /tmp/torchenv
        /tmp/torchenv/bin/pip install torch==2.13.0 numpy     # CPU wheel
        /tmp/torchenv/bin/python scripts/make_golden.py

Torch version
    Generated with torch 2.13.0 (+cpu). Every optimizer runs its default single-tensor code
    path (``foreach=False``, no ``fused``, no ``capturable``/``differentiable``), in float64
    (``torch.set_default_dtype(torch.float64)``: NAdam's ``mu_product`` and every ``step``
    counter use the default dtype), with ``torch.use_deterministic_algorithms(True)`` and
    one thread.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "tests" / "data" / "golden"
N_STEPS = 120
#: Relative perturbation of the start used to estimate whether a free run can track torch.
PERTURBATION = 1e-13
#: A case is ``free_run_ok`` when the perturbed run stays within this relative distance.
FREE_RUN_TOL = 1e-10
#: Absolute floor (per component) of the relative-difference denominator: |Δ| / max(|p|, floor).
FREE_RUN_FLOOR = 1e-12
SIZE_BUDGET = 3_000_000  # bytes, all files together

Tensor = torch.Tensor


# -- surfaces -----------------------------------------------------------------------------------
def lecture_bowl(p: Tensor) -> Tensor:
    w, b = p[0], p[1]
    return 0.1 * w**2 + 2.0 * b**2


def rosenbrock(p: Tensor) -> Tensor:
    x, y = p[0], p[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def himmelblau(p: Tensor) -> Tensor:
    x, y = p[0], p[1]
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


def beale(p: Tensor) -> Tensor:
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


SURFACES: dict[str, tuple[Callable[[Tensor], Tensor], tuple[tuple[float, float], ...]]] = {
    "lecture-bowl": (lecture_bowl, ((-4.7, -1.3), (0.3, -2.3))),
    "rosenbrock": (rosenbrock, ((-2.0, 2.0), (-1.5, 2.0))),
    "himmelblau": (himmelblau, ((0.54, -0.74), (-1.0, 1.0))),
    "beale": (beale, ((2.0, 1.7), (3.0, 4.0))),
}


# -- optimizers: our hyperparameter names -> torch ----------------------------------------------
Hyper = dict[str, Any]


def _sgd(hp: Hyper, momentum: float, dampening: float, nesterov: bool) -> Callable[..., Any]:
    def make(params: list[Tensor]) -> torch.optim.Optimizer:
        return torch.optim.SGD(
            params,
            lr=hp["lr"],
            momentum=momentum,
            dampening=dampening,
            weight_decay=hp["weight_decay"],
            nesterov=nesterov,
            foreach=False,
        )

    return make


def make_torch_optimizer(name: str, hp: Hyper, params: list[Tensor]) -> torch.optim.Optimizer:
    """The torch optimizer equivalent to our ``name`` with hyperparameters ``hp``."""
    if name == "gd":
        return _sgd(hp, 0.0, 0.0, False)(params)
    if name == "heavyball":
        return _sgd(hp, hp["momentum"], hp["dampening"], False)(params)
    if name == "nesterov":
        return _sgd(hp, hp["momentum"], 0.0, True)(params)
    if name == "adagrad":
        return torch.optim.Adagrad(
            params,
            lr=hp["lr"],
            lr_decay=hp["lr_decay"],
            weight_decay=hp["weight_decay"],
            initial_accumulator_value=hp["initial_accumulator"],
            eps=hp["eps"],
            foreach=False,
        )
    if name == "rmsprop":
        return torch.optim.RMSprop(
            params,
            lr=hp["lr"],
            alpha=hp["beta"],
            eps=hp["eps"],
            weight_decay=hp["weight_decay"],
            momentum=hp["momentum"],
            centered=hp["centered"],
            foreach=False,
        )
    if name == "adam":
        assert hp["bias_correction"] is True, "torch.optim.Adam always bias-corrects"
        return torch.optim.Adam(
            params,
            lr=hp["lr"],
            betas=(hp["beta1"], hp["beta2"]),
            eps=hp["eps"],
            weight_decay=hp["weight_decay"],
            amsgrad=hp["amsgrad"],
            foreach=False,
        )
    if name == "adamw":
        return torch.optim.AdamW(
            params,
            lr=hp["lr"],
            betas=(hp["beta1"], hp["beta2"]),
            eps=hp["eps"],
            weight_decay=hp["weight_decay"],
            amsgrad=hp["amsgrad"],
            foreach=False,
        )
    if name == "adamax":
        return torch.optim.Adamax(
            params,
            lr=hp["lr"],
            betas=(hp["beta1"], hp["beta2"]),
            eps=hp["eps"],
            weight_decay=hp["weight_decay"],
            foreach=False,
        )
    if name == "nadam":
        return torch.optim.NAdam(
            params,
            lr=hp["lr"],
            betas=(hp["beta1"], hp["beta2"]),
            eps=hp["eps"],
            weight_decay=hp["weight_decay"],
            momentum_decay=hp["momentum_decay"],
            decoupled_weight_decay=False,
            foreach=False,
        )
    if name == "adadelta":
        return torch.optim.Adadelta(
            params,
            lr=hp["lr"],
            rho=hp["rho"],
            eps=hp["eps"],
            weight_decay=hp["weight_decay"],
            foreach=False,
        )
    raise KeyError(name)


#: torch state key -> our field name, per optimizer. "step" -> "count" everywhere it exists.
STATE_NAMES: dict[str, dict[str, str]] = {
    "gd": {},
    "heavyball": {"momentum_buffer": "v"},
    "nesterov": {"momentum_buffer": "v"},
    "adagrad": {"step": "count", "sum": "s"},
    "rmsprop": {
        "step": "count",
        "square_avg": "s",
        "grad_avg": "g_avg",
        "momentum_buffer": "buf",
    },
    "adam": {"step": "count", "exp_avg": "m", "exp_avg_sq": "v", "max_exp_avg_sq": "v_max"},
    "adamw": {"step": "count", "exp_avg": "m", "exp_avg_sq": "v", "max_exp_avg_sq": "v_max"},
    "adamax": {"step": "count", "exp_avg": "m", "exp_inf": "u"},
    "nadam": {"step": "count", "exp_avg": "m", "exp_avg_sq": "v", "mu_product": "mu_product"},
    "adadelta": {"step": "count", "square_avg": "s", "acc_delta": "delta_acc"},
}


def initial_state(name: str, hp: Hyper) -> dict[str, Any]:
    """Our fields at k = 0 (torch creates most of its state lazily in the first step).

    Only the fields torch will have for this config; values as torch initialises them, and
    None for the SGD momentum buffer, which torch creates from the first gradient.
    """
    zeros = [0.0, 0.0]
    if name == "gd":
        return {}
    if name in ("heavyball", "nesterov"):
        return {"v": None} if hp["momentum"] != 0 else {}
    if name == "adagrad":
        acc = float(hp["initial_accumulator"])
        return {"count": 0, "s": [acc, acc]}
    if name == "rmsprop":
        out: dict[str, Any] = {"count": 0, "s": zeros}
        if hp["momentum"] > 0:
            out["buf"] = zeros
        if hp["centered"]:
            out["g_avg"] = zeros
        return out
    if name in ("adam", "adamw"):
        out = {"count": 0, "m": zeros, "v": zeros}
        if hp["amsgrad"]:
            out["v_max"] = zeros
        return out
    if name == "adamax":
        return {"count": 0, "m": zeros, "u": zeros}
    if name == "nadam":
        return {"count": 0, "m": zeros, "v": zeros, "mu_product": 1.0}
    if name == "adadelta":
        return {"count": 0, "s": zeros, "delta_acc": zeros}
    raise KeyError(name)


def read_state(name: str, opt: torch.optim.Optimizer, p: Tensor) -> dict[str, Any]:
    """The torch state of ``p`` in our field names, as plain Python values (copies)."""
    mapping = STATE_NAMES[name]
    out: dict[str, Any] = {}
    for key, value in opt.state[p].items():
        if key not in mapping:
            raise KeyError(f"{name}: unmapped torch state {key!r}")
        ours = mapping[key]
        if key == "step":
            step = float(value.item()) if isinstance(value, Tensor) else float(value)
            assert step == int(step)
            out[ours] = int(step)
        elif isinstance(value, Tensor) and value.dim() == 0:
            assert value.dtype == torch.float64, (name, key, value.dtype)
            out[ours] = float(value.item())
        else:
            assert isinstance(value, Tensor) and value.dtype == torch.float64, (name, key)
            out[ours] = [float(v) for v in value.detach().clone().tolist()]
    return out


# -- the cases ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Config:
    optimizer: str
    config: str
    hyper: Hyper  # everything except lr
    lrs: dict[str, float]  # surface -> lr


def _configs() -> list[Config]:
    c: list[Config] = []

    def add(opt: str, label: str, lrs: dict[str, float], **hyper: Any) -> None:
        c.append(Config(opt, label, hyper, lrs))

    # gd = SGD(momentum=0)
    gd_lr = {"lecture-bowl": 0.1, "rosenbrock": 1e-3}
    add("gd", "default", gd_lr, weight_decay=0.0)
    add("gd", "wd", gd_lr, weight_decay=0.1)
    # heavyball = SGD(momentum, dampening, nesterov=False)
    hb_lr = {"lecture-bowl": 0.03, "himmelblau": 0.002}
    add("heavyball", "default", hb_lr, momentum=0.9, dampening=0.0, weight_decay=0.0)
    add("heavyball", "damped-wd", hb_lr, momentum=0.8, dampening=0.3, weight_decay=0.05)
    # nesterov = SGD(momentum, nesterov=True, dampening=0)
    nag_lr = {"rosenbrock": 3e-4, "lecture-bowl": 0.03}
    add("nesterov", "default", nag_lr, momentum=0.9, weight_decay=0.0)
    add("nesterov", "wd", nag_lr, momentum=0.7, weight_decay=0.05)
    # adagrad
    ada_lr = {"himmelblau": 0.3, "beale": 0.5}
    add(
        "adagrad",
        "default",
        ada_lr,
        eps=1e-10,
        lr_decay=0.0,
        initial_accumulator=0.0,
        weight_decay=0.0,
    )
    add(
        "adagrad",
        "decay-acc-wd",
        ada_lr,
        eps=1e-10,
        lr_decay=0.01,
        initial_accumulator=0.1,
        weight_decay=0.05,
    )
    # rmsprop
    rms_lr = {"lecture-bowl": 0.03, "rosenbrock": 0.01}
    add(
        "rmsprop",
        "default",
        rms_lr,
        beta=0.9,
        eps=1e-8,
        momentum=0.0,
        centered=False,
        weight_decay=0.0,
    )
    add(
        "rmsprop",
        "centered",
        rms_lr,
        beta=0.9,
        eps=1e-8,
        momentum=0.0,
        centered=True,
        weight_decay=0.0,
    )
    add(
        "rmsprop",
        "momentum",
        rms_lr,
        beta=0.9,
        eps=1e-8,
        momentum=0.5,
        centered=False,
        weight_decay=0.0,
    )
    add(
        "rmsprop",
        "centered-momentum-wd",
        rms_lr,
        beta=0.99,
        eps=1e-8,
        momentum=0.5,
        centered=True,
        weight_decay=0.05,
    )
    # adam
    adam_lr = {"rosenbrock": 0.05, "himmelblau": 0.1}
    adam = {"eps": 1e-8, "bias_correction": True}
    add("adam", "default", adam_lr, beta1=0.9, beta2=0.999, amsgrad=False, weight_decay=0.0, **adam)
    add("adam", "amsgrad", adam_lr, beta1=0.9, beta2=0.999, amsgrad=True, weight_decay=0.0, **adam)
    add(
        "adam", "betas-wd", adam_lr, beta1=0.8, beta2=0.99, amsgrad=False, weight_decay=0.05, **adam
    )
    # adamw
    adamw_lr = {"beale": 0.05, "lecture-bowl": 0.1}
    add(
        "adamw",
        "default",
        adamw_lr,
        beta1=0.9,
        beta2=0.999,
        eps=1e-8,
        amsgrad=False,
        weight_decay=0.01,
    )
    add(
        "adamw",
        "amsgrad-wd",
        adamw_lr,
        beta1=0.9,
        beta2=0.999,
        eps=1e-8,
        amsgrad=True,
        weight_decay=0.1,
    )
    # adamax
    adamax_lr = {"himmelblau": 0.1, "rosenbrock": 0.05}
    add("adamax", "default", adamax_lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0)
    add("adamax", "wd", adamax_lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.05)
    # nadam (L2 weight decay: decoupled_weight_decay=False)
    nadam_lr = {"beale": 0.1, "lecture-bowl": 0.1}
    add(
        "nadam",
        "default",
        nadam_lr,
        beta1=0.9,
        beta2=0.999,
        eps=1e-8,
        momentum_decay=4e-3,
        weight_decay=0.0,
    )
    add(
        "nadam",
        "mdecay-wd",
        nadam_lr,
        beta1=0.9,
        beta2=0.999,
        eps=1e-8,
        momentum_decay=0.01,
        weight_decay=0.05,
    )
    # adadelta
    adadelta_lr = {"lecture-bowl": 1.0, "himmelblau": 1.0}
    add("adadelta", "default", adadelta_lr, rho=0.9, eps=1e-6, weight_decay=0.0)
    add("adadelta", "rho-eps-wd", adadelta_lr, rho=0.95, eps=1e-5, weight_decay=0.05)
    return c


#: Our full hyperparameter set per optimizer, in a fixed order (JSON keys follow it).
HYPER_ORDER: dict[str, tuple[str, ...]] = {
    "gd": ("lr", "weight_decay"),
    "heavyball": ("lr", "momentum", "dampening", "weight_decay"),
    "nesterov": ("lr", "momentum", "weight_decay"),
    "adagrad": ("lr", "eps", "lr_decay", "initial_accumulator", "weight_decay"),
    "rmsprop": ("lr", "beta", "eps", "momentum", "centered", "weight_decay"),
    "adam": ("lr", "beta1", "beta2", "eps", "amsgrad", "bias_correction", "weight_decay"),
    "adamw": ("lr", "beta1", "beta2", "eps", "amsgrad", "weight_decay"),
    "adamax": ("lr", "beta1", "beta2", "eps", "weight_decay"),
    "nadam": ("lr", "beta1", "beta2", "eps", "momentum_decay", "weight_decay"),
    "adadelta": ("lr", "rho", "eps", "weight_decay"),
}


def resolved_hyper(cfg: Config, surface: str) -> Hyper:
    merged = {"lr": cfg.lrs[surface], **cfg.hyper}
    order = HYPER_ORDER[cfg.optimizer]
    assert set(merged) == set(order), (cfg, sorted(merged), order)
    out: Hyper = {}
    for key in order:
        v = merged[key]
        out[key] = v if isinstance(v, bool) else float(v)
    return out


# -- running ------------------------------------------------------------------------------------
def loss_and_grad(f: Callable[[Tensor], Tensor], p: Tensor) -> tuple[float, list[float]]:
    """Loss at ``p`` and its autograd gradient; leaves ``p.grad`` set to that gradient."""
    p.grad = None
    loss = f(p)
    loss.backward()
    assert p.grad is not None
    return float(loss.item()), [float(v) for v in p.grad.tolist()]


def run(
    name: str, hp: Hyper, f: Callable[[Tensor], Tensor], start: tuple[float, float], n: int
) -> dict[str, Any]:
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make_torch_optimizer(name, hp, [p])
    group = opt.param_groups[0]
    # The single-tensor reference path: no foreach, no fused, no capturable/differentiable.
    assert group["foreach"] is False and not group.get("fused"), group
    assert not group.get("capturable") and not group.get("differentiable"), group
    params: list[list[float]] = []
    grads: list[list[float]] = []
    losses: list[float] = []
    state0 = initial_state(name, hp)
    if opt.state[p]:  # Adagrad builds its state eagerly: trust torch over our guess
        eager = read_state(name, opt, p)
        assert eager == state0, (name, eager, state0)
    states: list[dict[str, Any]] = [state0]
    for k in range(n + 1):
        params.append([float(v) for v in p.detach().tolist()])
        loss, grad = loss_and_grad(f, p)
        losses.append(loss)
        grads.append(grad)
        if k == n:
            break
        opt.step()
        st = read_state(name, opt, p)
        if set(st) != set(state0):
            raise AssertionError(f"{name}: state fields {sorted(st)} != {sorted(state0)}")
        states.append(st)
    state = {field: [s[field] for s in states] for field in state0}
    return {"params": params, "grads": grads, "loss": losses, "state": state}


def max_rel_diff(a: list[list[float]], b: list[list[float]]) -> float:
    worst = 0.0
    for pa, pb in zip(a, b, strict=True):
        for x, y in zip(pa, pb, strict=True):
            if not (math.isfinite(x) and math.isfinite(y)):
                return math.inf
            worst = max(worst, abs(x - y) / max(abs(x), FREE_RUN_FLOOR))
    return worst


def free_run_check(
    name: str, hp: Hyper, f: Callable[[Tensor], Tensor], start: tuple[float, float], ref: Any
) -> tuple[bool, float]:
    """Would a free-running re-implementation track torch to ~1e-9 relative?

    Proxy: perturb the start by ``PERTURBATION`` (relative, each coordinate), re-run in torch
    and take the max over k and coordinates of |p - p'| / max(|p|, FREE_RUN_FLOOR). Runs that
    amplify a 1e-13 nudge past ``FREE_RUN_TOL`` (chaotic or sign-sensitive ones) are flagged
    False: compare those step by step (teacher-forced), not as a free run.
    """
    nudged = (start[0] * (1 + PERTURBATION), start[1] * (1 + PERTURBATION))
    other = run(name, hp, f, nudged, len(ref) - 1)["params"]
    rel = max_rel_diff(ref, other)
    return rel < FREE_RUN_TOL, rel


def _all_floats(obj: Any) -> list[float]:
    if isinstance(obj, bool) or obj is None:
        return []
    if isinstance(obj, int | float):
        return [float(obj)]
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _all_floats(v)]
    if isinstance(obj, list | tuple):
        return [x for v in obj for x in _all_floats(v)]
    return []


def build_case(cfg: Config, surface: str, start_index: int) -> dict[str, Any]:
    f, starts = SURFACES[surface]
    start = starts[start_index]
    hp = resolved_hyper(cfg, surface)
    traj = run(cfg.optimizer, hp, f, start, N_STEPS)
    case_id = f"{cfg.optimizer}-{cfg.config}-{surface}-start{start_index}"
    bad = [x for x in _all_floats(traj) if not math.isfinite(x)]
    if bad:
        raise SystemExit(f"{case_id}: non-finite values {bad[:3]}... retune lr={hp['lr']}")
    ok, rel = free_run_check(cfg.optimizer, hp, f, start, traj["params"])
    return {
        "case_id": case_id,
        "optimizer": cfg.optimizer,
        "config": cfg.config,
        "hyperparameters": hp,
        "surface": surface,
        "start": list(start),
        "n_steps": N_STEPS,
        **traj,
        "free_run_ok": ok,
        "free_run_max_rel": rel,
    }


def main() -> int:
    torch.set_default_dtype(torch.float64)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    by_opt: dict[str, list[dict[str, Any]]] = {}
    for cfg in _configs():
        for surface in cfg.lrs:
            for i in range(len(SURFACES[surface][1])):
                case = build_case(cfg, surface, i)
                by_opt.setdefault(cfg.optimizer, []).append(case)
    total = 0
    for name, cases in by_opt.items():
        doc = {
            "torch_version": torch.__version__,
            "generator": "scripts/make_golden.py",
            "optimizer": name,
            "n_cases": len(cases),
            "free_run_check": {
                "perturbation": PERTURBATION,
                "tol": FREE_RUN_TOL,
                "floor": FREE_RUN_FLOOR,
            },
            "cases": cases,
        }
        text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
        path = OUT_DIR / f"{name}.json"
        path.write_text(text + "\n", encoding="utf-8")
        total += len(text) + 1
        n_ok = sum(c["free_run_ok"] for c in cases)
        print(
            f"{path.relative_to(REPO)}: {len(cases)} cases, {n_ok} free_run_ok, "
            f"{(len(text) + 1) / 1e3:.0f} kB"
        )
    print(f"total {total / 1e6:.2f} MB")
    if total > SIZE_BUDGET:
        print(f"over the {SIZE_BUDGET / 1e6:.1f} MB budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
