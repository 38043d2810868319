"""Writer for the modern golden-trajectory fixtures (format in scripts/golden/MODERN.md; the same
format as scripts/golden/fixture.py of the classic set, kept separate to avoid a merge conflict).

One JSON file per case; every number is written with Python's repr (shortest string that
round-trips the float64 exactly). Non-finite hyperparameters (growth_rate = inf) are written
as the strings "Infinity" / "-Infinity" / "NaN" because JSON has no literal for them.
"""
import json
import math
import os
import re

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


def _compact(text):
    # One line per list of numbers (as scripts/golden/fixture.py of the classic set does):
    # readable diffs without one line per number.
    return re.sub(r"\[[^\[\]{}\"]*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(0)[1:-1].split(",")) + "]"
                  if m.group(0)[1:-1].strip() else "[]", text)


class Recorder:
    def __init__(self, algorithm, case, reference, hyperparameters, named_params, groups=None):
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
        if groups:
            # Parameter groups, in order, each a run of consecutive parameters with its own hyperparameters
            # (the reference's names) over the optimizer's ones above.
            self.doc["groups"] = [{"parameters": list(names), "hyperparameters": plain(own)} for names, own in groups]

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
            f.write(_compact(json.dumps(self.doc, allow_nan=False, indent=1)) + "\n")
        os.replace(tmp, path)
        return path
