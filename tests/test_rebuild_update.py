"""The numbers shown are the numbers used: from the exported JSON alone, the textbook formula
rebuilds every recorded step Δ, for every optimizer and every setting that changes its rule.

Each rebuild reads one record's exported fields (its gradient, point, learning rate and
state by their documented names) and, where a formula needs the state a step started
from (Adadelta's D, Lion's m, RMSprop's momentum buffer), the previous record's. AMSGrad
used to fail here: its exported v̂ was v/(1−β₂ᵏ) while its step divides by the running
max, so Δ rebuilt from the shown m̂ and v̂ was off by up to 13.5%.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from optimizer_variants import IDS, VARIANTS

from optiscope.core.export import json_text
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import Schedule, parse_schedule
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import compare

Json = dict[str, Any]


def _arr(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _nadam_mu(k: int, hp: Json) -> float:
    return float(hp["beta1"] * (1 - 0.5 * 0.96 ** (k * hp["momentum_decay"])))


def rebuild(name: str, hp: Json, step: Json, prev: Json | None) -> np.ndarray:
    """Δ by the textbook rule from exported fields only (``prev``: the record before)."""
    st, before = step["state"], (prev["state"] if prev else {})
    g, p, lr, k = _arr(step["grad"]), _arr(step["params"]), step["lr"], st["step"]
    lam = hp.get("weight_decay", 0.0)
    gl = g + lam * p  # L2 decay folded into the gradient (torch's coupled weight decay)
    if name == "gd":
        return -lr * gl
    if name == "momentum":
        return -lr * _arr(st["velocity"])
    if name == "heavyball":
        return -lr * _arr(st["momentum_buffer"])
    if name == "nesterov":
        return -lr * (gl + hp["momentum"] * _arr(st["momentum_buffer"]))
    if name == "adagrad":
        clr = lr / (1 + (k - 1) * hp["lr_decay"])
        return -clr * gl / (np.sqrt(_arr(st["squared_grad_sum"])) + hp["eps"])
    if name == "rmsprop":
        s = _arr(st["second_moment"])
        if hp["centered"]:
            s = s - _arr(st["first_moment"]) ** 2
        r = np.sqrt(s) + hp["eps"]
        if hp["momentum"] > 0:
            b_old = _arr(before.get("scaled_momentum_buffer", [0.0, 0.0]))
            return -lr * (hp["momentum"] * b_old + gl / r)
        return -lr * gl / r
    if name in ("adam", "adamw"):
        decoupled = name == "adamw"
        ams = hp["amsgrad"]
        corrected = "bias_corrected_" if hp.get("bias_correction", True) else ""
        m = _arr(st[f"{corrected}first_moment"])
        v = _arr(st[f"{corrected}second_moment{'_max' if ams else ''}"])
        if decoupled:  # AdamW: p·(1 − η·λ) is a −η·λ·p term; g itself is not decayed
            return -lr * m / (np.sqrt(v) + hp["eps"]) - lr * lam * p
        return -lr * m / (np.sqrt(v) + hp["eps"])
    if name == "adamax":
        m, u = _arr(st["first_moment"]), _arr(st["decaying_max_abs_grad"])
        return -lr / (1 - hp["beta1"] ** k) * m / u
    if name == "nadam":
        mu, mu_next, prod = _nadam_mu(k, hp), _nadam_mu(k + 1, hp), st["mu_product"]
        r = np.sqrt(_arr(st["bias_corrected_second_moment"])) + hp["eps"]
        m = _arr(st["first_moment"])
        return -lr * (1 - mu) / (1 - prod) * gl / r - lr * mu_next / (1 - prod * mu_next) * m / r
    if name == "adadelta":
        d_old = _arr(before.get("update_second_moment", [0.0, 0.0]))
        s = _arr(st["second_moment"])
        return -lr * np.sqrt(d_old + hp["eps"]) / np.sqrt(s + hp["eps"]) * gl
    if name == "signgd":
        return -lr * np.sign(g)
    if name == "normgd":
        return -lr * g / math.hypot(*g)
    if name == "lion":
        m_old = _arr(before.get("first_moment", [0.0, 0.0]))
        c = hp["beta1"] * m_old + (1 - hp["beta1"]) * g
        return -lr * np.sign(c) - lr * lam * p
    raise AssertionError(f"no textbook rule for {name}")


def _exported(name: str, hp: dict[str, object], schedule: Schedule) -> Json:
    surface = get_surface("beale")
    setup = make_setup(name, hp, surface)
    start = (2.0, 1.7)
    runs = compare(surface, [setup], start, 60, GradientNoise(), schedule)
    doc: Json = json.loads(json_text(surface, start, runs, GradientNoise(), schedule))
    return doc["runs"][0]


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
@pytest.mark.parametrize("schedule", ["constant", "cosine(T=40)"])
def test_every_step_rebuilds_from_the_exported_numbers(
    name: str, hp: dict[str, object], schedule: str
) -> None:
    run = _exported(name, hp, parse_schedule(schedule))
    assert run["status"]["kind"] != "diverged"
    steps, resolved = run["steps"], run["hyperparameters"]
    for t, step in enumerate(steps):
        got = _arr(step["update"])
        want = rebuild(name, resolved, step, steps[t - 1] if t else None)
        scale = np.abs(_arr(step["params"])).max() * 1e-15
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=scale, err_msg=f"t = {t}")


def test_amsgrad_shows_the_v_hat_its_step_uses_not_v_over_the_bias() -> None:
    """The issue's case: lecture bowl from A, adam(lr=0.1, amsgrad=true), 300 steps."""
    surface = get_surface("lecture-bowl")
    setup = make_setup("adam", {"lr": 0.1, "amsgrad": True}, surface)
    runs = compare(surface, [setup], surface.start("A"), 300)
    doc = json.loads(json_text(surface, surface.start("A"), runs, GradientNoise(), Schedule()))
    worst = 0.0
    for step in doc["runs"][0]["steps"]:
        st = step["state"]
        c2 = 1 - 0.999 ** st["step"]
        assert st["bias_corrected_second_moment_max"] == pytest.approx(
            (_arr(st["second_moment_max"]) / c2).tolist(), rel=1e-15
        )
        # v/(1−β₂ᵏ), what used to be shown, rebuilds a different step once vmax ≠ v.
        wrong = (
            -0.1
            * _arr(st["bias_corrected_first_moment"])
            / (np.sqrt(_arr(st["second_moment"]) / c2) + 1e-8)
        )
        worst = max(worst, float(np.max(np.abs(wrong / _arr(step["update"]) - 1))))
    assert worst > 0.1  # the old display was off by over 10% somewhere on this run
