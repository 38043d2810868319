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

    public static BenchmarkResult Run(Hyperparameters hyperparameters, long parameters, string layout, int warmup = 10, int repeats = 15)
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

        using var adapter = new AdaptiveOptimizer(ours, hyperparameters);
        // Lion, AdaBelief and Yogi have no TorchSharp counterpart: ours alone, TorchSharp's time is NaN.
        using var builtin = TorchBuiltinOptimizers.Has(hyperparameters) ? TorchBuiltinOptimizers.Create(hyperparameters, theirs) : null;
        for (int i = 0; i < warmup; i++)
        {
            adapter.step();
            builtin?.step();
        }

        var (oursMs, torchMs) = (new double[repeats], new double[repeats]);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        double oursAllocated = 0;
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            adapter.step();
            oursMs[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            oursAllocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            start = Stopwatch.GetTimestamp();
            using (NewDisposeScope()) builtin?.step();
            torchMs[i] = builtin is null ? double.NaN : Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        }

        double bytes = BytesPerStep(hyperparameters, parameters);
        double bandwidth = CopyBandwidth.Measure(parameters, repeats);
        return new BenchmarkResult(hyperparameters.Algorithm, parameters, layout, sizes.Length,
            Median(oursMs), Median(torchMs), bytes / bandwidth * 1000, bytes, bandwidth / 1e9, oursAllocated / repeats);
    }

    /// <summary>What one step must move: read the parameter, the gradient and each state buffer; write the parameter and each state buffer.</summary>
    public static double BytesPerStep(Hyperparameters hyperparameters, long parameters)
    {
        int stateBuffers = hyperparameters.Slots.Count(slot => slot is not null);
        return (double)parameters * sizeof(float) * (2 + stateBuffers + 1 + stateBuffers);
    }

    private static double Median(double[] values)
    {
        if (values.Any(double.IsNaN)) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
