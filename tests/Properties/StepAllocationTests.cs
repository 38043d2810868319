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
/// </summary>
public class StepAllocationTests
{
    public static TheoryData<string> Algorithms() =>
        [.. OptimizerRegistry.All.Where(d => d.Defaults is not StagedHyperparameters).Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void AWarmFloat32StepAllocatesNothing(string algorithm)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(3);
        Parameter[] parameters = [.. BenchmarkLayout.TensorShapes(BenchmarkLayout.Model, 20_000).Select(shape => new Parameter(randn(shape, generator: generator)))];
        foreach (var parameter in parameters) parameter.grad = randn(parameter.shape, generator: generator) * 1e-2;
        using var optimizer = new AdaptiveOptimizer(parameters.Select((p, i) => ($"p{i}", p)),
            OptimizerRegistry.All.Single(d => d.Name == algorithm).Defaults)
        { ShareCoresFrom = int.MaxValue };
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

        Assert.True(allocated == 0, $"{algorithm}: {allocated / 10.0} bytes allocated per step on {parameters.Length} tensors");
    }
}
