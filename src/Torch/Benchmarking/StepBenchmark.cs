using System.Diagnostics;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>
/// Measures <c>step()</c> of our adapter against TorchSharp's built-in optimizer on the same float32
/// parameters and gradients, in one process, alternating so that drift affects both alike.
/// </summary>
public static class StepBenchmark
{
    /// <summary>The hyperparameters benchmarked for an algorithm: its defaults, with momentum 0.9 for SGD.</summary>
    public static Hyperparameters Configuration(Hyperparameters defaults) =>
        defaults is SgdHyperparameters sgd ? sgd with { Momentum = 0.9 } : defaults;

    /// <summary>Times our step against TorchSharp's built-in (where it has one) on <paramref name="parameters"/> float32 elements in <paramref name="layout"/>.</summary>
    public static BenchmarkResult Run(Hyperparameters hyperparameters, long parameters, string layout, int warmup = 10, int repeats = 15, bool oneCore = false)
    {
        using var scope = NewDisposeScope();
        long[] sizes = BenchmarkLayout.TensorSizes(layout, parameters);
        var generator = new Generator().manual_seed(1);
        Parameter[] ours = [.. sizes.Select(n => new Parameter(randn([n], generator: generator)))];
        Parameter[] theirs = [.. ours.Select(p => new Parameter(p.detach().clone()))];
        foreach (var (mine, other) in ours.Zip(theirs))
        {
            var gradient = randn(mine.shape, generator: generator) * 1e-2;
            mine.grad = gradient.clone();
            other.grad = gradient.clone();
        }

        using var adapter = new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup(ours)], hyperparameters)
        {
            ShareCoresFrom = oneCore ? int.MaxValue : AdaptiveOptimizer.ShareLargeStepsFrom,
        };
        // Lion, AdaBelief and Yogi have no TorchSharp counterpart: ours alone, TorchSharp's time is NaN.
        using var builtin = TorchBuiltinOptimizers.Has(hyperparameters) ? TorchBuiltinOptimizers.Create(hyperparameters, theirs) : null;
        for (int i = 0; i < warmup; i++)
        {
            adapter.step();
            builtin?.step();
        }

        // Each side is timed in blocks of consecutive steps, in both orders, rather than alternating
        // step by step: on this shared VM a heavy step (TorchSharp's RAdam allocates ~5 temporaries of
        // the parameters' size) slows whatever runs right after it, which would bias the other side.
        var (oursMs, torchMs) = (new List<double>(2 * repeats), new List<double>(2 * repeats));
        double oursAllocated = 0;
        foreach (bool oursFirst in new[] { true, false })
        {
            if (oursFirst) oursAllocated += TimeBlock(adapter, repeats, oursMs, scoped: false);
            if (builtin is not null) TimeBlock(builtin, repeats, torchMs, scoped: true);
            if (!oursFirst) oursAllocated += TimeBlock(adapter, repeats, oursMs, scoped: false);
        }

        double bytes = BytesPerStep(hyperparameters, parameters);
        double bandwidth = CopyBandwidth.Measure(parameters, repeats);
        return new BenchmarkResult(hyperparameters.Algorithm, parameters, layout, sizes.Length,
            Median(oursMs), builtin is null ? double.NaN : Median(torchMs), bytes / bandwidth * 1000, bytes, bandwidth / 1e9, oursAllocated / (2 * repeats));
    }

    /// <summary>
    /// Times <paramref name="steps"/> consecutive steps into <paramref name="times"/>; returns the bytes
    /// allocated meanwhile. TorchSharp's steps run in a dispose scope, which frees their temporaries.
    /// </summary>
    private static double TimeBlock(optim.Optimizer optimizer, int steps, List<double> times, bool scoped)
    {
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < steps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            if (scoped)
            {
                using var scope = NewDisposeScope();
                optimizer.step();
            }
            else
            {
                optimizer.step();
            }
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    }

    /// <summary>What one step must move: read the parameter, the gradient and each state buffer; write the parameter and each state buffer.</summary>
    public static double BytesPerStep(Hyperparameters hyperparameters, long parameters)
    {
        int stateBuffers = hyperparameters.Slots.Count(slot => slot is not null);
        return (double)parameters * sizeof(float) * (2 + stateBuffers + 1 + stateBuffers);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
