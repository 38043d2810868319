"""Shared writer for golden-trajectory fixtures (format in scripts/golden/MODERN.md).

One JSON file per case; every number is written with Python's repr (shortest string that
round-trips the float64 exactly). Non-finite hyperparameters (growth_rate = inf) are written
as the strings "Infinity" / "-Infinity" / "NaN" because JSON has no literal for them.
"""
import json
import math
import os

import torch


def _number(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def plain(value):
    """Hyperparameter values as JSON: tuples become lists, inf becomes "Infinity"."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int,)):
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if torch.is_tensor(value):
        return plain(value.tolist())
    raise TypeError(f"cannot write hyperparameter {value!r}")


def flat(value):
    """A state entry as a flat list of float64: tensors row-major, scalars as one-element lists."""
    if torch.is_tensor(value):
        return [_number(v) for v in value.detach().to(torch.float64).reshape(-1).tolist()]
    return [_number(value)]


class Recorder:
    def __init__(self, algorithm, case, reference, hyperparameters, named_params):
        self.doc = {
            "algorithm": algorithm,
            "case": case,
            "reference": reference,
            "hyperparameters": plain(hyperparameters),
            "dtype": "float64",
            "parameters": [
                {"name": name, "shape": list(p.shape), "values": flat(p)} for name, p in named_params
            ],
            "steps": [],
        }

    def step(self, gradients, parameters, states, scalars):
        self.doc["steps"].append({
            "gradients": [flat(g) for g in gradients],
            "parameters": [flat(p) for p in parameters],
            "state": [{k: flat(v) for k, v in s.items() if v is not None} for s in states],
            "scalars": {k: _number(v) for k, v in scalars.items()},
        })

    def write(self, directory):
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"{self.doc['algorithm']}-{self.doc['case']}.json")
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.doc, f, allow_nan=False, indent=1)
            f.write("\n")
        os.replace(tmp, path)
        return path
