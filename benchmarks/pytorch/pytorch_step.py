#!/usr/bin/python3
"""Times torch.optim's step() (real PyTorch, Debian's python3-torch) on the parameter shapes of
`adaptivelr bench`: the anchor for ours and TorchSharp's figures. Not used by CI or tests.

Each case prints one JSON line per implementation: the single-tensor loop (foreach=False) and the
multi-tensor one (foreach=True). Like `adaptivelr bench`, the steps run for SETTLE_SECONDS before
timing, and rounds alternate the two implementations in blocks of about 20 ms; ms are medians over
the rounds, with the interquartile range.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

SETTLE_SECONDS = 1.5


def tensor_shapes(layout, total):
    """The same shapes as BenchmarkLayout.TensorShapes (src/Torch/Benchmarking/BenchmarkLayout.cs)."""
    if layout == "single":
        return [[total]]
    biases = [max(1, total * i // 32_500) for i in range(1, 26)]
    weight_total = total - sum(biases)
    shares = [1 + i % 5 for i in range(25)]
    weights = []
    for i, share in enumerate(shares):
        elements = weight_total * share // sum(shares)
        width = min(max(256 << (i % 3), 1), max(1, elements))
        weights.append([elements // width, width])
    biases[-1] += weight_total - sum(r * c for r, c in weights)
    shapes = []
    for weight, bias in zip(weights, biases):
        shapes += [weight, [bias]]
    return shapes


def optimizer(name, params, foreach):
    # torch.optim's defaults; SGD with momentum 0.9, as `adaptivelr bench` configures it.
    if name == "adam":
        return torch.optim.Adam(params, foreach=foreach)
    if name == "adamw":
        return torch.optim.AdamW(params, foreach=foreach)
    if name == "sgd":
        return torch.optim.SGD(params, lr=1e-3, momentum=0.9, foreach=foreach)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, foreach=foreach)
    if name == "adagrad":
        return torch.optim.Adagrad(params, foreach=foreach)
    raise SystemExit(f"pytorch_step.py: --optimizers: unknown optimizer '{name}'; allowed: adam, adamw, sgd, rmsprop, adagrad")


def count(text):
    text = text.strip().upper()
    scale = 1_000_000 if text.endswith("M") else 1_000 if text.endswith("K") else 1
    return int(text[:-1] if scale > 1 else text) * scale


def quartiles(values):
    q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return q[0], q[1], q[2]


def run_case(name, total, layout, rounds, now):
    generator = torch.Generator().manual_seed(1)
    shapes = tensor_shapes(layout, total)
    sides = {}
    for foreach in (False, True):
        params = [torch.nn.Parameter(torch.randn(shape, generator=generator)) for shape in shapes]
        for p in params:
            p.grad = torch.randn(p.shape, generator=generator) * 1e-2
        sides["pytorch-foreach" if foreach else "pytorch"] = optimizer(name, params, foreach)

    def single(step):
        start = now()
        step()
        return (now() - start) * 1000

    recent = {impl: [] for impl in sides}
    with torch.no_grad():
        start = time.perf_counter()
        while time.perf_counter() - start < SETTLE_SECONDS or min(len(v) for v in recent.values()) < 10:
            for impl, opt in sides.items():
                recent[impl].append(single(opt.step))
        blocks = {impl: max(1, min(1000, round(20 / max(statistics.median(v[-10:]), 1e-4)))) for impl, v in recent.items()}
        times = {impl: [] for impl in sides}
        order = list(sides)
        for r in range(rounds):
            for impl in order[r % 2:] + order[:r % 2]:
                opt, block = sides[impl], blocks[impl]
                opt.step()  # untimed: the other side's block evicted this side's data from the caches
                begin = now()
                for _ in range(block):
                    opt.step()
                times[impl].append((now() - begin) * 1000 / block)
    for impl, values in times.items():
        low, median, high = quartiles(values)
        print(json.dumps({"optimizer": name, "params": total, "layout": layout, "tensors": len(shapes), "impl": impl,
                          "ms": median, "ms_p25": low, "ms_p75": high, "rounds": rounds,
                          "torch": torch.__version__, "threads": torch.get_num_threads(), "clock": "cpu" if now is time.process_time else "wall"}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--optimizers", default="adam,adamw,sgd,rmsprop,adagrad")
    parser.add_argument("--sizes", default="1M,10M")
    parser.add_argument("--layout", default="both", choices=["single", "model", "both"])
    parser.add_argument("--repeats", type=int, default=15, help="timing rounds per case")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (default: every core, like LibTorch under TorchSharp)")
    parser.add_argument("--clock", default="wall", choices=["wall", "cpu"], help="wall-clock time, or the process's CPU time (as adaptivelr bench --clock)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    layouts = ["single", "model"] if args.layout == "both" else [args.layout]
    for total in (count(s) for s in args.sizes.split(",")):
        for layout in layouts:
            for name in args.optimizers.split(","):
                run_case(name.strip(), total, layout, args.repeats, time.process_time if args.clock == "cpu" else time.perf_counter)


if __name__ == "__main__":
    sys.exit(main())
