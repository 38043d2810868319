"""Golden trajectories for AdaptiveLR's 14 classic algorithms (src/Pure/OptimizerRegistry.cs).

Run with Debian's python3-torch (1.13):   /usr/bin/python3 scripts/golden/classic.py
Writes tests/Properties/Golden/fixtures/classic/<algorithm>-<case>.json (see README.md here)."""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture import run_case  # noqa: E402
import transcriptions  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "Properties", "Golden", "fixtures", "classic")
TORCH = f"torch {torch.__version__.split('a')[0]}"


def single(cls):
    # foreach=False pins the single-tensor loop (the default on CPU, stated so the fixture says which).
    def make(params, **kw):
        return cls(params, foreach=False, **kw) if "foreach" in cls.__init__.__code__.co_varnames else cls(params, **kw)
    return make


def nadam(params, **kw):
    return torch.optim.NAdam(params, foreach=True, **kw)


O = torch.optim
T = transcriptions
# (algorithm, case, reference text, factory, the reference's arguments)
CASES = [
    ("sgd", "plain", f"torch.optim.SGD, {TORCH} (single-tensor); torch has no default lr", single(O.SGD), dict(lr=0.1)),
    ("sgd", "momentum", f"torch.optim.SGD, {TORCH} (single-tensor)", single(O.SGD), dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("sgd", "nesterov", f"torch.optim.SGD, {TORCH} (single-tensor)", single(O.SGD), dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02)),
    ("sgd", "maximize", f"torch.optim.SGD, {TORCH} (single-tensor)", single(O.SGD), dict(lr=0.05, momentum=0.9, maximize=True)),
    ("adagrad", "defaults", f"torch.optim.Adagrad, {TORCH} (single-tensor)", single(O.Adagrad), dict()),
    ("adagrad", "options", f"torch.optim.Adagrad, {TORCH} (single-tensor)", single(O.Adagrad),
     dict(lr=0.1, lr_decay=0.05, weight_decay=0.01, initial_accumulator_value=0.1, eps=1e-6)),
    ("adagrad", "maximize", f"torch.optim.Adagrad, {TORCH} (single-tensor)", single(O.Adagrad), dict(lr=0.1, maximize=True)),
    ("rmsprop", "defaults", f"torch.optim.RMSprop, {TORCH} (single-tensor)", single(O.RMSprop), dict()),
    ("rmsprop", "momentum", f"torch.optim.RMSprop, {TORCH} (single-tensor)", single(O.RMSprop), dict(momentum=0.9, weight_decay=0.01, alpha=0.9)),
    ("rmsprop", "centered", f"torch.optim.RMSprop, {TORCH} (single-tensor)", single(O.RMSprop), dict(centered=True, eps=1e-6, alpha=0.95)),
    ("rmsprop", "centered-momentum", f"torch.optim.RMSprop, {TORCH} (single-tensor)", single(O.RMSprop),
     dict(lr=0.005, centered=True, momentum=0.8, weight_decay=0.02)),
    ("rmsprop", "maximize", f"torch.optim.RMSprop, {TORCH} (single-tensor)", single(O.RMSprop), dict(maximize=True, momentum=0.5)),
    ("adam", "defaults", f"torch.optim.Adam, {TORCH} (single-tensor)", single(O.Adam), dict()),
    ("adam", "options", f"torch.optim.Adam, {TORCH} (single-tensor)", single(O.Adam),
     dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
    ("adam", "maximize", f"torch.optim.Adam, {TORCH} (single-tensor)", single(O.Adam), dict(lr=0.01, maximize=True)),
    ("adamw", "defaults", f"torch.optim.AdamW, {TORCH} (single-tensor)", single(O.AdamW), dict()),
    ("adamw", "amsgrad", f"torch.optim.AdamW, {TORCH} (single-tensor)", single(O.AdamW),
     dict(lr=0.01, betas=(0.85, 0.98), eps=1e-6, weight_decay=0.1, amsgrad=True)),
    ("adamw", "maximize", f"torch.optim.AdamW, {TORCH} (single-tensor)", single(O.AdamW), dict(lr=0.01, maximize=True)),
    ("amsgrad", "defaults", f"torch.optim.Adam(amsgrad=True), {TORCH} (single-tensor)", single(O.Adam), dict(amsgrad=True)),
    ("amsgrad", "options", f"torch.optim.Adam(amsgrad=True), {TORCH} (single-tensor)", single(O.Adam),
     dict(lr=0.02, betas=(0.5, 0.9), eps=1e-7, weight_decay=0.01, amsgrad=True)),
    ("adadelta", "defaults", f"torch.optim.Adadelta, {TORCH} (single-tensor)", single(O.Adadelta), dict()),
    ("adadelta", "options", f"torch.optim.Adadelta, {TORCH} (single-tensor)", single(O.Adadelta),
     dict(lr=0.5, rho=0.95, eps=1e-4, weight_decay=0.01)),
    ("adadelta", "maximize", f"torch.optim.Adadelta, {TORCH} (single-tensor)", single(O.Adadelta), dict(maximize=True)),
    ("adamax", "defaults", f"torch.optim.Adamax, {TORCH} (single-tensor)", single(O.Adamax), dict()),
    ("adamax", "options", f"torch.optim.Adamax, {TORCH} (single-tensor)", single(O.Adamax),
     dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
    ("adamax", "maximize", f"torch.optim.Adamax, {TORCH} (single-tensor)", single(O.Adamax), dict(lr=0.01, maximize=True)),
    # torch 1.13's single-tensor NAdam counts mu twice (mu_product * mu * mu_next; fixed upstream in
    # pytorch PR #92699); its foreach path has the right mu_product * mu_next.
    ("nadam", "defaults", f"torch.optim.NAdam(foreach=True), {TORCH} (multi-tensor: its single-tensor path counts mu twice, pytorch PR #92699)",
     nadam, dict()),
    ("nadam", "options", f"torch.optim.NAdam(foreach=True), {TORCH} (multi-tensor: its single-tensor path counts mu twice, pytorch PR #92699)",
     nadam, dict(lr=0.01, betas=(0.85, 0.99), eps=1e-6, weight_decay=0.01, momentum_decay=0.01)),
    ("radam", "defaults", f"torch.optim.RAdam, {TORCH} (single-tensor)", single(O.RAdam), dict()),
    ("radam", "options", f"torch.optim.RAdam, {TORCH} (single-tensor)", single(O.RAdam),
     dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
    ("lion", "defaults", "lucidrains/lion-pytorch Lion, transcribed (scripts/golden/transcriptions.py)", T.Lion, dict()),
    ("lion", "weight-decay", "lucidrains/lion-pytorch Lion, transcribed (scripts/golden/transcriptions.py)", T.Lion,
     dict(lr=1e-3, betas=(0.95, 0.98), weight_decay=0.1)),
    ("adabelief", "defaults", "juntang-zhuang/Adabelief-Optimizer adabelief_pytorch 0.2 AdaBelief (rectify=False branch), transcribed", T.AdaBelief, dict()),
    ("adabelief", "weight-decay", "juntang-zhuang/Adabelief-Optimizer adabelief_pytorch 0.2 AdaBelief (rectify=False branch), transcribed", T.AdaBelief,
     dict(lr=0.01, betas=(0.8, 0.99), eps=1e-12, weight_decay=0.05)),
    ("yogi", "defaults", "Zaheer et al. 2018 Algorithm 2, transcribed (scripts/golden/transcriptions.py)", T.Yogi, dict()),
    ("yogi", "options", "Zaheer et al. 2018 Algorithm 2, transcribed (scripts/golden/transcriptions.py)", T.Yogi,
     dict(lr=0.05, betas=(0.8, 0.99), eps=1e-4, weight_decay=0.01, initial_accumulator_value=0.1)),
    # torch's default eps1 (None) is the dtype's machine epsilon; ours is 1e-30: stated explicitly.
    ("adafactor", "defaults", "torch.optim.Adafactor of torch 2.5, transcribed (scripts/golden/transcriptions.py)", T.Adafactor,
     dict(eps=(1e-30, 1e-3))),
    ("adafactor", "options", "torch.optim.Adafactor of torch 2.5, transcribed (scripts/golden/transcriptions.py)", T.Adafactor,
     dict(lr=0.05, beta2_decay=-0.5, eps=(1e-30, 1e-2), d=0.5, weight_decay=0.1)),
    ("adafactor", "relative-step-cap", "torch.optim.Adafactor of torch 2.5, transcribed (scripts/golden/transcriptions.py)", T.Adafactor,
     dict(lr=0.5, eps=(1e-30, 1e-3))),
    ("adafactor", "fixed-step", "torch.optim.Adafactor of torch 2.5, transcribed, with our relative_step=False (rho_t = lr)", T.Adafactor,
     dict(lr=0.5, eps=(1e-30, 1e-3), relative_step=False)),
    ("adafactor", "maximize", "torch.optim.Adafactor of torch 2.5, transcribed (scripts/golden/transcriptions.py)", T.Adafactor,
     dict(eps=(1e-30, 1e-3), maximize=True)),
]


def main(out=OUT):
    torch.set_default_dtype(torch.float64)
    for algorithm, case, reference, make, arguments in CASES:
        print(run_case(out, algorithm, case, reference, make, arguments))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else OUT)
