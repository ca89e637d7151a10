"""Every registered optimizer under every combination of its rule-changing settings.

Booleans both ways (amsgrad, centered, bias_correction), and each setting that switches a
term on or off (weight decay, RMSprop's momentum, dampening, Adagrad's lr_decay and initial
accumulator) at zero and at a nonzero value. Import as ``from optimizer_variants import
VARIANTS`` (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import itertools

from optiscope.core.optimizers import OPTIMIZERS, Optimizer

#: A setting's "on" value, for the settings whose zero switches a term off.
_SWITCHES = {
    "weight_decay": 0.05,
    "dampening": 0.3,
    "lr_decay": 0.1,
    "initial_accumulator": 0.2,
}


def _axes(opt: Optimizer) -> list[tuple[str, list[object]]]:
    axes: list[tuple[str, list[object]]] = []
    for p in opt.schema:
        if p.kind == "bool":
            axes.append((p.name, [False, True]))
        elif p.name in _SWITCHES:
            axes.append((p.name, [0.0, _SWITCHES[p.name]]))
        elif p.name == "momentum" and p.default == 0:  # RMSprop: momentum off by default
            axes.append((p.name, [0.0, 0.5]))
    return axes


def variants(opt: Optimizer) -> list[dict[str, object]]:
    axes = _axes(opt)
    names = [name for name, _ in axes]
    return [
        dict(zip(names, values, strict=True)) for values in itertools.product(*(v for _, v in axes))
    ]


VARIANTS: list[tuple[str, dict[str, object]]] = [
    (name, hp) for name, opt in OPTIMIZERS.items() for hp in variants(opt)
]
IDS = [
    f"{name}-{'-'.join(f'{k}={v}' for k, v in hp.items()) or 'default'}" for name, hp in VARIANTS
]
