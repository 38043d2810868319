using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using AdaptiveLR.Torch.Benchmarking;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// The float32 step of the element-wise algorithms and Adafactor allocates no managed memory once warm, on
/// matrices and vectors alike (`bench` reports it per step; a closure of the general path once cost Adafactor 64 B a tensor).
/// The staged algorithms likewise allocate nothing per tensor; those that keep group scalars (Adan's step, Schedule-Free's
/// weight sum, Prodigy's d) build them anew once per group and step, as an immutable dictionary, and allocate that much only.
/// </summary>
public class StepAllocationTests
{
    // Muon's matrix stage (Newton–Schulz iterations through LibTorch) is not element-wise.
    public static TheoryData<string> Algorithms() =>
        [.. OptimizerRegistry.All.Where(d => d.Name != "muon").Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void AWarmFloat32StepAllocatesNothingPerTensor(string algorithm)
    {
        var defaults = OptimizerRegistry.All.Single(d => d.Name == algorithm).Defaults;
        long many = AllocatedPerTenSteps(defaults, BenchmarkLayout.Model);
        string measured = $"{algorithm}: {many / 10.0} bytes allocated per step on the {BenchmarkLayout.Model} layout";
        if (defaults is not StagedHyperparameters { InitialScalars.Count: > 0 })
        {
            Assert.True(many == 0, measured);
            return;
        }
        // The group's scalars only: the same on one tensor as on fifty, and a few nodes of a small tree.
        long one = AllocatedPerTenSteps(defaults, BenchmarkLayout.Single);
        Assert.True(many <= one, $"{measured}, {one / 10.0} on one tensor: an allocation per tensor");
        Assert.True(many <= 10 * GroupScalarsBound, $"{measured}: above {GroupScalarsBound} B for the group's scalars");
    }

    private const int GroupScalarsBound = 768;

    private static long AllocatedPerTenSteps(Hyperparameters defaults, string layout)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(3);
        Parameter[] parameters = [.. BenchmarkLayout.TensorShapes(layout, 20_000).Select(shape => new Parameter(randn(shape, generator: generator)))];
        foreach (var parameter in parameters) parameter.grad = randn(parameter.shape, generator: generator) * 1e-2;
        using var optimizer = new AdaptiveOptimizer(parameters.Select((p, i) => ($"p{i}", p)), defaults) { ShareCoresFrom = int.MaxValue };
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
