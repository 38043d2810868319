"""Golden-trajectory fixtures: runs a torch optimizer on seeded parameters and gradients and writes
one JSON file per case (the format is described in README.md beside this file).

Shared by every generator in this folder; needs only torch (Debian's python3-torch 1.13 is enough)."""

import json
import os
import re
import zlib

import torch

SHAPES = (("weight", (3, 4)), ("bias", (5,)))
STEPS = 10


def _values(tensor):
    # float() of a float64 element is exact; json writes floats with repr, the shortest exact form.
    return [float(x) for x in tensor.detach().reshape(-1).tolist()]


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, torch.Tensor):
        return value.item()
    return value


def _compact(text):
    # One line per list of numbers: readable diffs without one line per number.
    return re.sub(r"\[[^\[\]{}\"]*\]", lambda m: "[" + ", ".join(x.strip() for x in m.group(0)[1:-1].split(",")) + "]"
                  if m.group(0)[1:-1].strip() else "[]", text)


def run_case(directory, algorithm, case, reference, make_optimizer, hyperparameters, shapes=SHAPES, steps=STEPS):
    """Runs `make_optimizer(params, **hyperparameters)` for `steps` steps on seeded float64 parameters
    and gradients, writes <directory>/<algorithm>-<case>.json and returns its path."""
    generator = torch.Generator().manual_seed(zlib.crc32(f"{algorithm}-{case}".encode()))
    parameters = [torch.randn(shape, generator=generator, dtype=torch.float64).requires_grad_() for _, shape in shapes]
    optimizer = make_optimizer(parameters, **hyperparameters)
    group = optimizer.param_groups[0]
    # The reference's own arguments with the values in force (its defaults for those not given).
    arguments = {k: _jsonable(v) for k, v in group.items() if k != "params"}
    fixture = {
        "algorithm": algorithm,
        "case": case,
        "reference": reference,
        "hyperparameters": arguments,
        "dtype": "float64",
        "parameters": [{"name": name, "shape": list(shape), "values": _values(p)} for (name, shape), p in zip(shapes, parameters)],
        "steps": [],
    }
    for _ in range(steps):
        gradients = [torch.randn(p.shape, generator=generator, dtype=torch.float64) for p in parameters]
        for p, g in zip(parameters, gradients):
            p.grad = g.clone()
        optimizer.step()
        fixture["steps"].append({
            "gradients": [_values(g) for g in gradients],
            "parameters": [_values(p) for p in parameters],
            # Every state tensor but the step count, under the reference's own names.
            "state": [{name: _values(value) for name, value in optimizer.state[p].items()
                       if name != "step" and isinstance(value, torch.Tensor)} for p in parameters],
            "scalars": {},
        })
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{algorithm}-{case}.json")
    with open(path, "w", encoding="utf-8") as file:
        file.write(_compact(json.dumps(fixture, indent=1)) + "\n")
    return path
