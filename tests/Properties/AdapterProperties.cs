using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using FsCheck.Xunit;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// The adapter applies the pure rule to TorchSharp parameters: its trajectories equal TorchSharp's
/// built-in optimizers and the reference, on the fused path (float32) and the general path (float64).
/// </summary>
public class AdapterProperties
{
    [Property(Arbitrary = [typeof(ContinuousAlgorithm)], MaxTest = 150)]
    public void FusedAdapterEqualsTorchSharpAndReference(Scenario scenario) =>
        AssertAdapterMatches(scenario, ScalarType.Float32);

    [Property(Arbitrary = [typeof(AnyAlgorithm)], MaxTest = 30)]
    public void GeneralPathOnFloat64EqualsReference(Scenario scenario) =>
        AssertAdapterMatches(scenario, ScalarType.Float64);

    [Fact]
    public void LargeTensorsSplitAcrossCoresEqualTorchSharp()
    {
        foreach (var definition in Pure.OptimizerRegistry.All)
        {
            var h = definition.Defaults switch
            {
                SgdHyperparameters sgd => sgd with { Momentum = 0.9 },
                RAdamHyperparameters radam => radam with { Lr = 1 }, // see Generators.RAdamComparableWithTorchSharp
                var defaults => defaults,
            };
            using var scope = NewDisposeScope();
            var generator = new Generator().manual_seed(7);
            var start = randn([3 * (1 << 18) + 123], generator: generator);
            var (ours, theirs) = (new Parameter(start.clone()), new Parameter(start.clone()));
            using var adapter = new AdaptiveOptimizer([ours], h) { ShareCoresFrom = 1 << 18 };
            if (!TorchBuiltinOptimizers.Has(h)) continue;
            using var builtin = TorchBuiltinOptimizers.Create(h, [theirs]);
            for (int step = 0; step < 3; step++)
            {
                var gradient = randn(start.shape, generator: generator);
                Backward(ours, gradient);
                Backward(theirs, gradient);
                adapter.step();
                builtin.step();
            }
            Assert.True(ours.allclose(theirs, rtol: 1e-4, atol: 1e-6), $"{h.Algorithm}: max difference {(ours - theirs).abs().max().item<float>()}");
        }
    }

    internal static void AssertAdapterMatches(Scenario scenario, ScalarType dtype)
    {
        var expected = Trajectories.Reference(scenario);
        using var scope = NewDisposeScope();
        var start = tensor(scenario.X0, dtype: dtype);
        var (ours, theirs) = (new Parameter(start.clone()), new Parameter(start.clone()));
        using var adapter = new AdaptiveOptimizer([ours], scenario.Hyperparameters);
        // Lion, AdaBelief and Yogi have no TorchSharp counterpart: then the reference alone is the judge.
        bool comparable = TorchBuiltinOptimizers.Has(scenario.Hyperparameters) && scenario.Hyperparameters is not RAdamHyperparameters { Lr: not 1.0 };
        using var builtin = comparable ? TorchBuiltinOptimizers.Create(scenario.Hyperparameters, [theirs]) : null;
        for (int step = 0; step < scenario.Gradients.Length; step++)
        {
            var gradient = tensor(scenario.Gradients[step], dtype: dtype);
            Backward(ours, gradient);
            Backward(theirs, gradient);
            adapter.step();
            builtin?.step();
            double[] actual = ours.detach().to(float64).data<double>().ToArray();
            double[] torchValues = theirs.detach().to(float64).data<double>().ToArray();
            for (int i = 0; i < scenario.Size; i++)
            {
                Tolerance.AssertClose(expected[step].Parameters[i], actual[i], $"{scenario.Hyperparameters.Algorithm} {dtype} step {step + 1} element {i} vs reference",
                    scale: Tolerance.TrajectoryScale(scenario, expected, step, i));
                if (builtin is not null)
                    Tolerance.AssertClose(torchValues[i], actual[i], $"{scenario.Hyperparameters.Algorithm} {dtype} step {step + 1} element {i} vs TorchSharp",
                        scale: Tolerance.TrajectoryScale(scenario, expected, step, i));
            }
        }
    }

    /// <summary>Sets the parameter's gradient to <paramref name="gradient"/> through autograd: d/dθ Σ θᵢgᵢ = g.</summary>
    internal static void Backward(Parameter parameter, Tensor gradient)
    {
        parameter.grad?.zero_();
        (parameter * gradient).sum().backward();
    }
}
