#!/usr/bin/python3
"""Golden trajectories for the optimizers of issue 12, from the authors' reference code.

Regenerate (Debian's python3-torch 1.13, no network):
    /usr/bin/python3 scripts/golden/modern.py [--out DIR] [--check]
Writes tests/Properties/Golden/fixtures/modern/<algorithm>-<case>.json (format: MODERN.md).
--check regenerates into memory and fails if a committed fixture differs.
"""
import argparse
import json
import os
import sys
import zlib

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modern_fixture import Recorder  # noqa: E402
from modern_refs.adan import Adan  # noqa: E402
from modern_refs.ademamix import AdEMAMix  # noqa: E402
from modern_refs.adopt import ADOPT  # noqa: E402
from modern_refs.dadapt_adam import DAdaptAdam  # noqa: E402
from modern_refs.lamb import Lamb  # noqa: E402
from modern_refs.lars import LARS  # noqa: E402
from modern_refs.muon import SingleDeviceMuonWithAuxAdam  # noqa: E402
from modern_refs.prodigy import Prodigy  # noqa: E402
from modern_refs.schedulefree import AdamWScheduleFree, SGDScheduleFree  # noqa: E402

# Every tensor the references create without an explicit dtype (ASGD's eta, Adan's norm
# accumulator, torch.tensor(scalar)) is float64 then, as the fixtures are.
torch.set_default_dtype(torch.float64)

STEPS = 10
REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(REPO, "tests", "Properties", "Golden", "fixtures", "modern")
TORCH = f"torch {torch.__version__}"

SHAPES = [("weight", (6, 4)), ("bias", (5,))]
GROUP_SHAPES = [("weight", (6, 4)), ("bias", (5,)), ("norm", (3,))]
MUON_SHAPES = [("weight", (6, 4)), ("bias", (5,)), ("conv", (2, 3, 2, 2))]

SOURCES = {
    "schedulefree-adamw": "facebookresearch/schedule_free@70785b53e778d0e872c0bbb75ff4ee54ee10c291 schedulefree/adamw_schedulefree.py AdamWScheduleFree (single-tensor path)",
    "schedulefree-sgd": "facebookresearch/schedule_free@70785b53e778d0e872c0bbb75ff4ee54ee10c291 schedulefree/sgd_schedulefree.py SGDScheduleFree (single-tensor path)",
    "prodigy": "konstmish/prodigy@3efb213ee8af5a6bf76f28726398433a847b38e9 prodigyopt/prodigy.py Prodigy",
    "dadapt-adam": "facebookresearch/dadaptation@c984980213a989ff7cac1e3d68c19a2257bcd571 dadaptation/dadapt_adam.py DAdaptAdam",
    "muon": "KellerJordan/Muon@857d1adc159e098212f828d927460782d3da59e9 muon.py SingleDeviceMuonWithAuxAdam; deviation: Newton-Schulz in float64 instead of bfloat16",
    "lamb": "cybertronai/pytorch-lamb@d3ab8dccf6717977c1ad0d6b95499f6b25bba41b pytorch_lamb/lamb.py Lamb",
    "lars": "kakaobrain/torchlars@3b3d7e9c7bd35a31b2c2fa6f213beb0bf6881892 torchlars/lars.py + adaptive_lr.cc wrapping the real torch.optim.SGD (foreach=False)",
    "adan": "sail-sg/Adan@2c65beaf400775753b155da4082c3819fea689b9 adan.py Adan (_single_tensor_adan)",
    "adopt": "iShohei220/adopt@6468572b4b3688a2f056b796b071da540568520e src/adopt/adopt.py ADOPT (_single_tensor_adopt)",
    "ademamix": "apple/ml-ademamix@c3d73c09f1287e5c33b95189bb0aa7de0a5a7667 pytorch/ademamix.py AdEMAMix",
    "rprop": "torch.optim.Rprop itself (foreach=False)",
    "asgd": "torch.optim.ASGD itself (foreach=False)",
}


def transcribed(algorithm):
    return f"{SOURCES[algorithm]}; transcribed in scripts/golden/modern_refs, run with {TORCH}, float64"


# ---------------------------------------------------------------- per-algorithm adapters
# Each returns (optimizer, stepper, state_of(p) -> dict, scalars() -> dict).

def schedulefree(cls, beta_of):
    def make(named, hp, extra):
        opt = cls([p for _, p in named], **hp)
        opt.train()

        def state_of(p):
            s = opt.state[p]
            out = {k: v for k, v in s.items()}
            # x, the evaluation point, exactly as eval() computes it from y and z.
            out["x"] = p.detach().clone().lerp_(s["z"], 1 - 1 / beta_of(opt.param_groups[0]))
            return out

        def scalars():
            g = opt.param_groups[0]
            return {k: g[k] for k in ("k", "scheduled_lr", "lr_max", "weight_sum", "ckp1")}
        return opt, opt.step, state_of, scalars
    return make


def grouped(make):
    """The same optimizer over parameter groups: groups = [(parameter names, the group's own hyperparameters)]."""
    def make_groups(groups):
        def make_with_groups(named, hp, extra):
            by_name = dict(named)
            return make(named, hp, [dict(params=[by_name[n] for n in names], **own) for names, own in groups])
        make_with_groups.groups = groups
        return make_with_groups
    return make_groups


def shared_scalars(opt, names):
    """Group 0's scalars, after checking that every group holds the same (the authors write them into each)."""
    first = {k: opt.param_groups[0][k] for k in names}
    for g in opt.param_groups[1:]:
        assert all(g[k] == first[k] for k in names), f"groups differ: {first} vs {g}"
    return first


def make_prodigy(named, hp, extra):
    opt = Prodigy(extra or [p for _, p in named], **hp)

    def scalars():
        out = shared_scalars(opt, ("d", "d_max", "d_numerator", "d_denom", "d_hat", "k"))
        out.update(opt.last)
        return out
    return opt, opt.step, lambda p: dict(opt.state[p]), scalars


def make_dadapt(named, hp, extra):
    opt = DAdaptAdam(extra or [p for _, p in named], **hp)

    def scalars():
        out = shared_scalars(opt, ("d", "numerator_weighted", "k"))
        out.update(opt.last)
        return out
    return opt, opt.step, lambda p: dict(opt.state[p]), scalars


def make_muon(named, hp, extra):
    use = hp["use_muon"]
    muon_hp = {k: hp[k] for k in ("lr", "momentum", "weight_decay", "nesterov", "ns_steps")}
    adam_hp = {k[len("adam_"):]: hp[k] for k in ("adam_lr", "adam_betas", "adam_eps", "adam_weight_decay")}
    groups = [dict(params=[p for (_, p), u in zip(named, use) if u], use_muon=True, **muon_hp),
              dict(params=[p for (_, p), u in zip(named, use) if not u], use_muon=False, **adam_hp)]
    opt = SingleDeviceMuonWithAuxAdam(groups)
    return opt, opt.step, lambda p: dict(opt.state[p]), lambda: {}


def make_lamb(named, hp, extra):
    hp = dict(hp)
    exclude = hp.pop("exclude_from_trust", None)
    if exclude is None:
        opt = Lamb([p for _, p in named], **hp)
    else:
        adam = hp.pop("adam", False)
        opt = Lamb([dict(params=[p], exclude_from_trust=e) for (_, p), e in zip(named, exclude)],
                   adam=adam, **hp)
    return opt, opt.step, lambda p: dict(opt.state[p]), lambda: {}


def make_lars(named, hp, extra):
    hp = dict(hp)
    eps, trust_coef = hp.pop("eps"), hp.pop("trust_coef")
    exclude = hp.pop("exclude_from_adaptation", [False] * len(named))
    groups = [dict(params=[p], exclude_from_adaptation=e, weight_decay=0.0 if e else hp["weight_decay"])
              for (_, p), e in zip(named, exclude)]
    sgd_hp = {k: v for k, v in hp.items()}
    sgd = torch.optim.SGD(groups, foreach=False, **sgd_hp)
    opt = LARS(sgd, eps=eps, trust_coef=trust_coef)

    def state_of(p):
        out = dict(sgd.state[p])
        out["adaptive_lr"] = opt.adaptive_lrs.get(p, 1.0)
        return out
    return opt, opt.step, state_of, lambda: {}


def make_adan(named, hp, extra):
    opt = Adan([p for _, p in named], **hp)
    return opt, opt.step, lambda p: dict(opt.state[p]), \
        lambda: {"step": opt.param_groups[0]["step"], "clip_global_grad_norm": opt.clip_global_grad_norm}


def make_adopt(named, hp, extra):
    hp = dict(hp)
    clip = hp.pop("clip_lambda")
    opt = ADOPT([p for _, p in named], clip_lambda=(lambda step: step ** 0.25) if clip == "step**0.25" else None, **hp)
    return opt, opt.step, lambda p: dict(opt.state[p]), lambda: {}


def make_ademamix(named, hp, extra):
    opt = AdEMAMix([p for _, p in named], **hp)
    return opt, opt.step, lambda p: dict(opt.state[p]), lambda: dict(opt.last)


def make_torch(cls):
    def make(named, hp, extra):
        opt = cls([p for _, p in named], foreach=False, **hp)
        return opt, opt.step, lambda p: dict(opt.state[p]), lambda: {}
    return make


# ---------------------------------------------------------------- cases
# (algorithm, case, make, hyperparameters as the reference names them, shapes, init scale)
SF_ADAMW = dict(lr=0.0025, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, warmup_steps=0, r=0.0,
                weight_lr_power=2.0, inner_momentum=0.0)
SF_SGD = dict(lr=1.0, momentum=0.9, weight_decay=0, warmup_steps=0, r=0.0, weight_lr_power=2.0)
PRODIGY = dict(lr=1.0, betas=(0.9, 0.999), beta3=None, eps=1e-8, weight_decay=0, decouple=True,
               use_bias_correction=False, safeguard_warmup=False, d0=1e-6, d_coef=1.0,
               growth_rate=float("inf"), slice_p=1)
DADAPT = dict(lr=1.0, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decouple=False,
              use_bias_correction=False, d0=1e-6, growth_rate=float("inf"), layer_scale=1.0)
MUON = dict(lr=0.02, momentum=0.95, weight_decay=0, nesterov=True, ns_steps=5,
            adam_lr=3e-4, adam_betas=(0.9, 0.95), adam_eps=1e-10, adam_weight_decay=0,
            use_muon=[True, False, True])
LAMB = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0, adam=False)
LARS_HP = dict(lr=0.1, momentum=0.9, dampening=0, nesterov=False, weight_decay=0, eps=1e-8, trust_coef=0.001)
ADAN = dict(lr=1e-3, betas=(0.98, 0.92, 0.99), eps=1e-8, weight_decay=0.0, max_grad_norm=0.0, no_prox=False)
ADOPT_HP = dict(lr=1e-3, betas=(0.9, 0.9999), eps=1e-6, clip_lambda="step**0.25", weight_decay=0.0, decouple=False)
ADEMAMIX = dict(lr=1e-3, betas=(0.9, 0.999, 0.9999), alpha=2.0, beta3_warmup=None, alpha_warmup=None,
                eps=1e-8, weight_decay=0)
RPROP = dict(lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50))
ASGD = dict(lr=0.01, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0)

sf_adamw = schedulefree(AdamWScheduleFree, lambda g: g["betas"][0])
sf_sgd = schedulefree(SGDScheduleFree, lambda g: g["momentum"])


def w(base, **kw):
    d = dict(base)
    d.update(kw)
    return d


CASES = [
    ("schedulefree-adamw", "defaults", sf_adamw, SF_ADAMW, SHAPES, 1.0),
    ("schedulefree-adamw", "warmup", sf_adamw, w(SF_ADAMW, warmup_steps=4), SHAPES, 1.0),
    ("schedulefree-adamw", "weight-decay", sf_adamw, w(SF_ADAMW, weight_decay=0.1, warmup_steps=3), SHAPES, 1.0),
    ("schedulefree-adamw", "r-power", sf_adamw, w(SF_ADAMW, warmup_steps=3, r=1.0, weight_lr_power=1.0), SHAPES, 1.0),
    ("schedulefree-adamw", "inner-momentum", sf_adamw, w(SF_ADAMW, inner_momentum=0.9, warmup_steps=2), SHAPES, 1.0),
    ("schedulefree-sgd", "defaults", sf_sgd, SF_SGD, SHAPES, 1.0),
    ("schedulefree-sgd", "warmup", sf_sgd, w(SF_SGD, lr=0.1, warmup_steps=4), SHAPES, 1.0),
    ("schedulefree-sgd", "weight-decay", sf_sgd, w(SF_SGD, lr=0.1, weight_decay=0.01, warmup_steps=3), SHAPES, 1.0),
    ("schedulefree-sgd", "r-power", sf_sgd, w(SF_SGD, lr=0.1, momentum=0.8, warmup_steps=3, r=0.5, weight_lr_power=0.0), SHAPES, 1.0),
    ("prodigy", "defaults", make_prodigy, PRODIGY, SHAPES, 1.0),
    ("prodigy", "weight-decay", make_prodigy, w(PRODIGY, weight_decay=0.1), SHAPES, 1.0),
    ("prodigy", "coupled-weight-decay", make_prodigy, w(PRODIGY, weight_decay=0.1, decouple=False), SHAPES, 1.0),
    ("prodigy", "bias-correction", make_prodigy, w(PRODIGY, use_bias_correction=True), SHAPES, 1.0),
    ("prodigy", "safeguard-warmup", make_prodigy, w(PRODIGY, safeguard_warmup=True), SHAPES, 1.0),
    ("prodigy", "d-coef-growth", make_prodigy, w(PRODIGY, d_coef=2.0, growth_rate=1.02), SHAPES, 1.0),
    ("prodigy", "slice-p", make_prodigy, w(PRODIGY, slice_p=3), SHAPES, 1.0),
    ("prodigy", "no-momentum-beta3", make_prodigy, w(PRODIGY, betas=(0.0, 0.99), beta3=0.9), SHAPES, 1.0),
    # Parameter groups share one d (the authors' code): a decayed and an undecayed group, per-group settings, a group at lr 0.
    ("prodigy", "groups-weight-decay", grouped(make_prodigy)([(["weight"], dict(weight_decay=0.1)), (["bias", "norm"], dict(weight_decay=0.0))]),
     PRODIGY, GROUP_SHAPES, 1.0),
    ("prodigy", "groups-coupled-eps-safeguard", grouped(make_prodigy)([(["weight", "bias"], {}), (["norm"], dict(eps=1e-4, weight_decay=0.05, safeguard_warmup=True))]),
     w(PRODIGY, decouple=False, use_bias_correction=True), GROUP_SHAPES, 1.0),
    ("prodigy", "groups-lr-zero", grouped(make_prodigy)([(["weight"], dict(weight_decay=0.1)), (["bias"], dict(lr=0.0)), (["norm"], {})]),
     PRODIGY, GROUP_SHAPES, 1.0),
    ("dadapt-adam", "defaults", make_dadapt, DADAPT, SHAPES, 1.0),
    ("dadapt-adam", "weight-decay", make_dadapt, w(DADAPT, weight_decay=0.1), SHAPES, 1.0),
    ("dadapt-adam", "decoupled-weight-decay", make_dadapt, w(DADAPT, weight_decay=0.1, decouple=True), SHAPES, 1.0),
    ("dadapt-adam", "bias-correction", make_dadapt, w(DADAPT, use_bias_correction=True), SHAPES, 1.0),
    ("dadapt-adam", "growth-rate", make_dadapt, w(DADAPT, growth_rate=1.02, d0=1e-3), SHAPES, 1.0),
    ("dadapt-adam", "layer-scale", make_dadapt, w(DADAPT, layer_scale=0.5), SHAPES, 1.0),
    ("dadapt-adam", "groups-weight-decay", grouped(make_dadapt)([(["weight"], dict(weight_decay=0.1)), (["bias", "norm"], dict(weight_decay=0.0))]),
     DADAPT, GROUP_SHAPES, 1.0),
    ("dadapt-adam", "groups-layer-scale-eps", grouped(make_dadapt)([(["weight"], dict(layer_scale=0.5)), (["bias", "norm"], dict(layer_scale=2.0, eps=1e-6, weight_decay=0.0))]),
     w(DADAPT, weight_decay=0.05, decouple=True), GROUP_SHAPES, 1.0),
    ("dadapt-adam", "groups-lr-zero", grouped(make_dadapt)([(["weight"], dict(weight_decay=0.1)), (["bias"], dict(lr=0.0)), (["norm"], {})]),
     DADAPT, GROUP_SHAPES, 1.0),
    ("muon", "defaults", make_muon, MUON, MUON_SHAPES, 1.0),
    ("muon", "weight-decay", make_muon, w(MUON, weight_decay=0.1, adam_weight_decay=0.1), MUON_SHAPES, 1.0),
    ("muon", "no-nesterov", make_muon, w(MUON, nesterov=False), MUON_SHAPES, 1.0),
    ("muon", "ns-steps-3", make_muon, w(MUON, ns_steps=3), MUON_SHAPES, 1.0),
    ("muon", "conv-rect", make_muon, MUON, [("weight", (4, 6)), ("bias", (5,)), ("conv", (3, 2, 3, 2))], 1.0),
    ("lamb", "defaults", make_lamb, LAMB, SHAPES, 1.0),
    ("lamb", "weight-decay", make_lamb, w(LAMB, weight_decay=0.01), SHAPES, 1.0),
    ("lamb", "clamp", make_lamb, w(LAMB, lr=0.01), SHAPES, 5.0),
    ("lamb", "adam", make_lamb, w(LAMB, adam=True), SHAPES, 1.0),
    ("lamb", "exclude", make_lamb, w(LAMB, weight_decay=0.01, exclude_from_trust=[False, True]), SHAPES, 1.0),
    ("lars", "defaults", make_lars, LARS_HP, SHAPES, 1.0),
    ("lars", "weight-decay", make_lars, w(LARS_HP, weight_decay=5e-4), SHAPES, 1.0),
    ("lars", "nesterov", make_lars, w(LARS_HP, weight_decay=5e-4, nesterov=True), SHAPES, 1.0),
    ("lars", "dampening", make_lars, w(LARS_HP, dampening=0.1, trust_coef=0.02), SHAPES, 1.0),
    ("lars", "exclude", make_lars, w(LARS_HP, weight_decay=5e-4, exclude_from_adaptation=[False, True]), SHAPES, 1.0),
    ("adan", "defaults", make_adan, ADAN, SHAPES, 1.0),
    ("adan", "weight-decay", make_adan, w(ADAN, weight_decay=0.02), SHAPES, 1.0),
    ("adan", "no-prox", make_adan, w(ADAN, weight_decay=0.02, no_prox=True), SHAPES, 1.0),
    ("adan", "max-grad-norm", make_adan, w(ADAN, max_grad_norm=1.0), SHAPES, 1.0),
    ("adopt", "defaults", make_adopt, ADOPT_HP, SHAPES, 1.0),
    ("adopt", "weight-decay", make_adopt, w(ADOPT_HP, weight_decay=0.01), SHAPES, 1.0),
    ("adopt", "decoupled-weight-decay", make_adopt, w(ADOPT_HP, weight_decay=0.01, decouple=True), SHAPES, 1.0),
    ("adopt", "no-clip", make_adopt, w(ADOPT_HP, clip_lambda=None), SHAPES, 1.0),
    ("ademamix", "defaults", make_ademamix, ADEMAMIX, SHAPES, 1.0),
    ("ademamix", "warmup", make_ademamix, w(ADEMAMIX, alpha=5.0, alpha_warmup=6, beta3_warmup=6, weight_decay=0.1), SHAPES, 1.0),
    ("ademamix", "no-fast-ema", make_ademamix, w(ADEMAMIX, betas=(0.0, 0.999, 0.999), alpha_warmup=4, beta3_warmup=8), SHAPES, 1.0),
    ("rprop", "defaults", make_torch(torch.optim.Rprop), RPROP, SHAPES, 1.0),
    ("rprop", "tight-step-sizes", make_torch(torch.optim.Rprop), w(RPROP, lr=0.1, etas=(0.3, 1.5), step_sizes=(0.02, 0.2)), SHAPES, 1.0),
    ("rprop", "maximize", make_torch(torch.optim.Rprop), w(RPROP, maximize=True), SHAPES, 1.0),
    ("asgd", "defaults", make_torch(torch.optim.ASGD), ASGD, SHAPES, 1.0),
    ("asgd", "averaging", make_torch(torch.optim.ASGD), w(ASGD, lr=0.05, lambd=0.01, t0=3, weight_decay=0.01), SHAPES, 1.0),
    ("asgd", "maximize", make_torch(torch.optim.ASGD), w(ASGD, t0=5, maximize=True), SHAPES, 1.0),
]


def reference(algorithm):
    if algorithm in ("rprop", "asgd"):
        return f"{SOURCES[algorithm]}, {TORCH}, float64"
    return transcribed(algorithm)


def run(algorithm, case, make, hp, shapes, scale):
    gen = torch.Generator().manual_seed(zlib.crc32(f"{algorithm}-{case}".encode()))
    named = [(n, (torch.randn(s, generator=gen, dtype=torch.float64) * scale).requires_grad_(False))
             for n, s in shapes]
    # Gradients = a fixed random direction per parameter + fresh unit noise each step: like a
    # noisy linear loss, so learning-rate-free estimates (Prodigy's d) actually move in 10 steps,
    # while signs still flip often enough for Rprop's and ADOPT's branches.
    drift = [torch.randn(p.shape, generator=gen, dtype=torch.float64) for _, p in named]
    rec = Recorder(algorithm, case, reference(algorithm), hp, named, getattr(make, "groups", None))
    opt, step, state_of, scalars = make(named, hp, None)
    for _ in range(STEPS):
        grads = [m + torch.randn(p.shape, generator=gen, dtype=torch.float64) for m, (_, p) in zip(drift, named)]
        for (_, p), g in zip(named, grads):
            p.grad = g.clone()  # references mutate p.grad in place; record the pristine one
        step()
        rec.step(grads, [p for _, p in named], [state_of(p) for _, p in named], scalars())
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--check", action="store_true", help="compare with the committed fixtures instead of writing")
    args = ap.parse_args()
    bad = 0
    for algorithm, case, make, hp, shapes, scale in CASES:
        rec = run(algorithm, case, make, hp, shapes, scale)
        if args.check:
            path = os.path.join(args.out, f"{algorithm}-{case}.json")
            with open(path) as f:
                same = json.load(f) == json.loads(json.dumps(rec.doc))
            if not same:
                bad += 1
                print(f"differs: {path}", file=sys.stderr)
        else:
            print(rec.write(args.out))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
