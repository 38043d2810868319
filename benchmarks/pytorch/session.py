#!/usr/bin/python3
"""One benchmark session: ours, TorchSharp's built-in and real PyTorch (single-tensor and foreach)
on the same sizes and layouts, interleaved case by case and repeated, into one Markdown table.

    /usr/bin/python3 benchmarks/pytorch/session.py [--adaptivelr PATH] [--sessions 3] [--out FILE]

For each repetition and case it runs `adaptivelr bench` for the case (a fresh process: ours and
TorchSharp's built-in side by side, and the copy floor) and then pytorch_step.py (a fresh process),
so that drift of this shared machine affects all sides alike. Medians over the repetitions, with the
range (min–max) of the per-repetition figures. Not used by CI or tests.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def lines(command):
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"session.py: {' '.join(command)} failed: {result.stderr.strip().splitlines()[:1]}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def figure(values, digits=2):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adaptivelr", default=os.path.join(ROOT, "src", "Cli", "bin", "Release", "net10.0", "adaptivelr"))
    parser.add_argument("--optimizers", default="adam,adamw,sgd,rmsprop,adagrad")
    parser.add_argument("--sizes", default="1M,10M")
    parser.add_argument("--layouts", default="single,model")
    parser.add_argument("--sessions", type=int, default=3, help="repetitions of every case")
    parser.add_argument("--repeats", type=int, default=9, help="timing rounds per case and process")
    parser.add_argument("--threads", type=int, default=0, help="LibTorch's threads for TorchSharp and PyTorch alike (default: their own, one per core)")
    parser.add_argument("--clock", default="wall", choices=["wall", "cpu"], help="what the timings count, for all sides (cpu: the process's CPU time; with --threads 1, ours on one core)")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "pytorch-anchor.md"))
    args = parser.parse_args()

    cases = [(o, s, l) for s in args.sizes.split(",") for l in args.layouts.split(",") for o in args.optimizers.split(",")]
    figures = {}
    for session in range(args.sessions):
        for name, size, layout in cases:
            ours = lines([args.adaptivelr, "bench", "--optimizers", name, "--sizes", size, "--layout", layout,
                          "--repeats", str(args.repeats), "--format", "json"]
                         + (["--torch-threads", str(args.threads)] if args.threads else [])
                         + (["--clock", "cpu", "--one-core"] if args.clock == "cpu" else []))[0]
            theirs = {r["impl"]: r for r in lines([sys.executable, os.path.join(HERE, "pytorch_step.py"), "--optimizers", name,
                                                   "--sizes", size, "--layout", layout, "--repeats", str(args.repeats)]
                                                  + (["--threads", str(args.threads)] if args.threads else []) + ["--clock", args.clock])}
            entry = figures.setdefault((name, size, layout), {"ours": [], "torchsharp": [], "floor": [], "pytorch": [], "foreach": [],
                                                              "pytorch_over_ours": [], "foreach_over_ours": [], "tensors": ours["tensors"]})
            entry["ours"].append(ours["ours_ms"])
            entry["torchsharp"].append(ours["torch_ms"])
            entry["floor"].append(ours["ours_over_floor"])
            entry["pytorch"].append(theirs["pytorch"]["ms"])
            entry["foreach"].append(theirs["pytorch-foreach"]["ms"])
            entry["pytorch_over_ours"].append(theirs["pytorch"]["ms"] / ours["ours_ms"])
            entry["foreach_over_ours"].append(theirs["pytorch-foreach"]["ms"] / ours["ours_ms"])
            print(f"session {session + 1}: {name} {size} {layout}: ours {ours['ours_ms']:.2f} ms, TorchSharp {ours['torch_ms']:.2f} ms, "
                  f"PyTorch {theirs['pytorch']['ms']:.2f} ms, foreach {theirs['pytorch-foreach']['ms']:.2f} ms", flush=True)
        threads = theirs["pytorch"]["threads"]
        version = theirs["pytorch"]["torch"]

    out = []
    out.append(f"ms per `step()`, float32 on CPU: ours, TorchSharp's built-in and PyTorch {version} ({threads} threads), "
               f"{args.clock} clock{', ours on one core' if args.clock == 'cpu' else ''}, measured {datetime.now(timezone.utc):%Y-%m-%d} on {os.cpu_count()} cores "
               f"(load average {os.getloadavg()[1]:.0f}) in one session of {args.sessions} repetitions, "
               "each case's processes interleaved. Cells: median over the repetitions (min–max).")
    out.append("")
    out.append("| optimizer | params | layout | tensors | ours ms | TorchSharp ms | PyTorch ms | PyTorch foreach ms | PyTorch / ours | foreach / ours | ours / floor |")
    out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (name, size, layout), e in figures.items():
        out.append(f"| {name} | {size} | {layout} | {e['tensors']} | {figure(e['ours'])} | {figure(e['torchsharp'])} | {figure(e['pytorch'])} | "
                   f"{figure(e['foreach'])} | {figure(e['pytorch_over_ours'], 1)}× | {figure(e['foreach_over_ours'], 1)}× | {figure(e['floor'])}× |")
    out.append("")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    os.replace(args.out + ".tmp", args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
