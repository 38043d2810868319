#!/usr/bin/python3
"""Checks the papers' invariants on the committed modern fixtures and measures the Muon
Newton-Schulz singular-value range; prints the figures quoted in MODERN.md.
    /usr/bin/python3 scripts/golden/modern_invariants.py"""
import glob
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modern import OUT  # noqa: E402
from modern_refs.muon import zeropower_via_newtonschulz5  # noqa: E402

torch.set_default_dtype(torch.float64)


def load(pattern):
    for path in sorted(glob.glob(os.path.join(OUT, pattern))):
        with open(path) as f:
            yield json.load(f)


def worst(a, b):
    return max(abs(x - y) / max(1.0, abs(y)) for x, y in zip(a, b))


def prodigy_d_monotone():
    for doc in list(load("prodigy-*.json")) + list(load("dadapt-adam-*.json")):
        ds = [s["scalars"]["d"] for s in doc["steps"]]
        ok = all(b >= a for a, b in zip(ds, ds[1:]))
        print(f"{doc['algorithm']}-{doc['case']}: d non-decreasing={ok}  d: {ds[0]:.3g} -> {ds[-1]:.3g}")


def schedulefree_x_is_average_of_z():
    for doc in list(load("schedulefree-*.json")):
        prev = 0.0
        num = [None] * len(doc["parameters"])
        err = 0.0
        for s in doc["steps"]:
            w = s["scalars"]["weight_sum"] - prev
            prev = s["scalars"]["weight_sum"]
            for j, st in enumerate(s["state"]):
                z = torch.tensor(st["z"])
                num[j] = w * z if num[j] is None else num[j] + w * z
                err = max(err, worst((num[j] / prev).tolist(), st["x"]))
        print(f"{doc['algorithm']}-{doc['case']}: max rel |x - sum(w z)/sum(w)| = {err:.2e}")


def lamb_trust_ratio():
    for doc in load("lamb-*.json"):
        clamped = 0
        for s in doc["steps"]:
            for st, p_before in zip(s["state"], s["parameters"]):
                if st["weight_norm"][0] == 10.0:
                    clamped += 1
        print(f"lamb-{doc['case']}: steps with ||w|| clamped to 10: {clamped}")


def muon_singular_values():
    gen = torch.Generator().manual_seed(12)
    lo, hi = float("inf"), 0.0
    for shape in [(6, 4), (4, 6), (2, 12), (3, 12), (16, 16), (64, 32), (128, 512)]:
        for _ in range(20):
            g = torch.randn(shape, generator=gen)
            sv = torch.linalg.svdvals(zeropower_via_newtonschulz5(g, 5))
            lo, hi = min(lo, sv.min().item()), max(hi, sv.max().item())
    print(f"muon NS5 (float64) singular values over Gaussian inputs: [{lo:.4f}, {hi:.4f}]")
    a, b, c = 3.4445, -4.7750, 2.0315
    err = 0.0
    for shape in [(6, 4), (4, 6), (2, 12), (64, 32)]:
        for _ in range(10):
            g = torch.randn(shape, generator=gen)
            x = torch.linalg.svdvals(g) / (g.norm() + 1e-7)
            for _ in range(5):
                x = a * x + b * x ** 3 + c * x ** 5
            sv = torch.linalg.svdvals(zeropower_via_newtonschulz5(g, 5))
            err = max(err, (sv.sort().values - x.sort().values).abs().max().item())
    print(f"  sorted svdvals(NS5(G)) vs sorted f^5(svdvals(G)/||G||_F): max abs error {err:.1e}")
    # the scalar map the quintic applies to each normalised singular value
    xs = torch.linspace(1e-3, 1, 100001)
    ys = xs.clone()
    for _ in range(5):
        ys = a * ys + b * ys ** 3 + c * ys ** 5
    for start in (1e-3, 1e-2, 0.05, 0.1):
        sel = ys[xs >= start]
        print(f"  quintic^5 on sigma/||G||_F in [{start:g}, 1]: [{sel.min().item():.4f}, {sel.max().item():.4f}]")


if __name__ == "__main__":
    prodigy_d_monotone()
    schedulefree_x_is_average_of_z()
    lamb_trust_ratio()
    muon_singular_values()
