using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using AdaptiveLR.Torch.Benchmarking;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// The float32 step of every algorithm but Muon allocates no managed memory once warm, on matrices and vectors alike
/// (`bench` reports it per step; a closure of the general path once cost Adafactor 64 B a tensor, group scalars rebuilt
/// as an immutable tree 152–696 B a step, a tensor's shape re-read into a new array 720 B a step with two groups). That
/// covers the staged algorithms' group scalars (Adan's step, Schedule-Free's weight sum, Prodigy's d), advanced once per
/// group and step, groups that share them (Prodigy and D-Adaptation with two groups), and tensors whose staged passes
/// the cores share (each pass's chunk job was a new object, 300–500 B a tensor).
/// </summary>
public class StepAllocationTests
{
    // Muon's matrix stage (Newton–Schulz iterations through LibTorch) is not element-wise.
    public static TheoryData<string> Algorithms() =>
        [.. OptimizerRegistry.All.Where(d => d.Name != "muon").Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void AWarmFloat32StepAllocatesNothing(string algorithm)
    {
        var defaults = OptimizerRegistry.All.Single(d => d.Name == algorithm).Defaults;
        foreach (string layout in new[] { BenchmarkLayout.Model, BenchmarkLayout.Single })
        {
            long allocated = AllocatedPerTenSteps(defaults, layout, twoGroups: false, shareCoresFrom: int.MaxValue);
            Assert.True(allocated == 0, $"{algorithm}: {allocated / 10.0} bytes allocated per step on the {layout} layout");
        }
        long grouped = AllocatedPerTenSteps(defaults, BenchmarkLayout.Model, twoGroups: true, shareCoresFrom: int.MaxValue);
        Assert.True(grouped == 0, $"{algorithm}: {grouped / 10.0} bytes allocated per step on the {BenchmarkLayout.Model} layout in two parameter groups");
        // Tensors from 256 elements on take the path that shares their passes between the cores (chunk jobs).
        long shared = AllocatedPerTenSteps(defaults, BenchmarkLayout.Model, twoGroups: false, shareCoresFrom: 256);
        Assert.True(shared == 0, $"{algorithm}: {shared / 10.0} bytes allocated per step on the {BenchmarkLayout.Model} layout with its tensors' passes shared between the cores");
    }

    private static long AllocatedPerTenSteps(Hyperparameters defaults, string layout, bool twoGroups, int shareCoresFrom)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(3);
        Parameter[] parameters = [.. BenchmarkLayout.TensorShapes(layout, 20_000).Select(shape => new Parameter(randn(shape, generator: generator)))];
        foreach (var parameter in parameters) parameter.grad = randn(parameter.shape, generator: generator) * 1e-2;
        // Two groups of tensors of different shapes and weight decay, so that the step's reused per-tensor entries serve other tensors in turn.
        int half = parameters.Length / 2;
        using var optimizer = twoGroups && half > 0
            ? new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup(parameters[..half]), new AdaptiveOptimizer.ParamGroup(parameters[half..], weightDecay: 0.01)], defaults) { ShareCoresFrom = shareCoresFrom }
            : new AdaptiveOptimizer(parameters.Select((p, i) => ($"p{i}", p)), defaults) { ShareCoresFrom = shareCoresFrom };
        for (int i = 0; i < 20; i++) optimizer.step();

        // The least of five windows: an allocation per step shows in every one, while the runtime's own now and then
        // (the shared array pool refilling after a garbage collection trimmed it, tier-up) does not fail the test.
        long allocated = long.MaxValue;
        for (int window = 0; window < 5; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) optimizer.step();
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return allocated;
    }
}
