using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// Adan, ADOPT and AdEMAMix (staged, element-wise) with random options: the adapter's float32 kernel
/// (SIMD body and scalar tail) and its float64 path against the double reference over a group of two tensors of
/// random sizes, and checkpoints that continue bit-identically with parameter groups.
/// </summary>
public class ElementwiseStagedKernelProperties
{
    /// <summary>A configuration of one of the three with its options drawn, lr large enough that a wrong update shows.</summary>
    public static Gen<StagedHyperparameters> Configurations { get; } =
        from kind in Gen.Choose(0, 2)
        from lr in Gen.Elements(0.01, 0.05, 0.2)
        from weightDecay in Gen.Elements(0.0, 0.0, 0.1)
        from flag in Gen.Elements(true, false)
        from other in Gen.Elements(true, false)
        from maximize in Gen.Elements(true, false)
        from warmup in Gen.Choose(0, 6)
        select (StagedHyperparameters)(Of(kind, lr, weightDecay, flag, other, warmup) with { Maximize = maximize });

    private static StagedHyperparameters Of(int kind, double lr, double weightDecay, bool flag, bool other, int warmup) => kind switch
    {
        0 => new AdanHyperparameters(Lr: lr, WeightDecay: weightDecay, NoProx: flag, MaxGradNorm: other ? 0.5 : 0),
        1 => new AdoptHyperparameters(Lr: lr, WeightDecay: weightDecay, Decouple: flag, UseClipping: other),
        _ => new AdEMAMixHyperparameters(Lr: lr, Beta1: flag ? 0.9 : 0, Beta3: 0.99, Alpha: 5, WeightDecay: weightDecay,
                                         AlphaWarmup: warmup, Beta3Warmup: other ? warmup : 0),
    };

    public static class Algorithms
    {
        public static Arbitrary<StagedHyperparameters> Hyperparameters() => Configurations.ToArbitrary();
    }

    [Property(Arbitrary = [typeof(Algorithms)], MaxTest = 60)]
    public void FloatKernelAndFloat64PathFollowTheReferenceOverAGroup(StagedHyperparameters algorithm, PositiveInt lengthA, PositiveInt lengthB, PositiveInt seed)
    {
        int[] lengths = [lengthA.Get % 200 + 1, lengthB.Get % 40 + 1];
        var random = new Random(seed.Get);
        var parameters = lengths.Select(n => RandomVector(random, n)).ToImmutableArray();
        var states = parameters.Select(p => OptimizerState.Initial(algorithm, p.Length)).ToImmutableArray();
        using var scope = NewDisposeScope();
        var floats = parameters.Select(p => new Parameter(tensor(p.Select(v => (float)v).ToArray()))).ToList();
        var doubles = parameters.Select(p => new Parameter(tensor(p.ToArray()))).ToList();
        using var fused = new AdaptiveOptimizer(floats, algorithm);
        using var general = new AdaptiveOptimizer(doubles, algorithm);
        const int Steps = 5;
        for (int step = 0; step < Steps; step++)
        {
            var gradients = lengths.Select(n => RandomGradient(random, n)).ToImmutableArray();
            var results = ReferenceStep.StepGroup(algorithm, states, parameters, gradients);
            (states, parameters) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
            for (int t = 0; t < lengths.Length; t++)
            {
                floats[t].grad = tensor(gradients[t].Select(v => (float)v).ToArray());
                doubles[t].grad = tensor(gradients[t].ToArray());
            }
            fused.step();
            general.step();
        }
        for (int t = 0; t < lengths.Length; t++)
        {
            AssertClose(parameters[t], doubles[t].data<double>().ToArray(), 1e-12, $"{algorithm.Algorithm} float64 tensor {t}");
            // Five steps of float32 rounding (2^-24 each, a few tens of operations); lr ≥ 0.01 moves every value by far more.
            AssertClose(parameters[t], floats[t].data<float>().ToArray().Select(v => (double)v).ToArray(), 2e-5, $"{algorithm.Algorithm} float32 tensor {t}");
            foreach (var slot in algorithm.Slots.OfType<StateSlot>())
            {
                AssertClose(states[t][slot.Name], general.States[t][slot.Name].data<double>().ToArray(), 1e-12, $"{algorithm.Algorithm} float64 {slot.Name}");
                AssertClose(states[t][slot.Name], fused.States[t][slot.Name].data<float>().ToArray().Select(v => (double)v).ToArray(), 2e-5, $"{algorithm.Algorithm} float32 {slot.Name}");
            }
        }
        Assert.Equal(states[0].Scalars, general.GroupScalarsOf(0));
    }

    [Property(Arbitrary = [typeof(Algorithms)], MaxTest = 12)]
    public void CheckpointWithParameterGroupsContinuesBitIdentically(StagedHyperparameters algorithm, PositiveInt seed)
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator().manual_seed(seed.Get);
        Tensor[] starts = [randn([37], generator: generator), randn([3, 5], generator: generator)];
        Parameter[] first = [.. starts.Select(s => new Parameter(s.clone()))], second = [.. starts.Select(s => new Parameter(s.clone()))];
        using var original = Grouped(first, algorithm);
        using var restored = Grouped(second, algorithm);
        var gradients = Enumerable.Range(0, 6).Select(_ => starts.Select(s => randn(s.shape, generator: generator)).ToArray()).ToList();
        for (int step = 0; step < 3; step++) Step(original, first, gradients[step]);
        var saved = new MemoryStream();
        original.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        using (no_grad())
            for (int i = 0; i < first.Length; i++) second[i].copy_(first[i]);
        restored.load_state_dict(new BinaryReader(saved));
        for (int step = 3; step < 6; step++)
        {
            Step(original, first, gradients[step]);
            Step(restored, second, gradients[step]);
        }
        for (int i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i].data<float>().ToArray(), second[i].data<float>().ToArray());
            foreach (var slot in algorithm.Slots.OfType<StateSlot>())
                Assert.Equal(original.States[i][slot.Name].data<float>().ToArray(), restored.States[i][slot.Name].data<float>().ToArray());
        }
        Assert.Equal(original.GroupScalarsOf(1), restored.GroupScalarsOf(1));
    }

    /// <summary>Two groups: the vector at the record's lr and weight decay, the matrix at half the lr and a weight decay of its own.</summary>
    private static AdaptiveOptimizer Grouped(Parameter[] parameters, StagedHyperparameters algorithm) =>
        new([new AdaptiveOptimizer.ParamGroup([parameters[0]]),
             new AdaptiveOptimizer.ParamGroup([parameters[1]], lr: algorithm.Lr / 2, weightDecay: 0.05)],
            algorithm);

    private static void Step(AdaptiveOptimizer optimizer, Parameter[] parameters, Tensor[] gradients)
    {
        for (int i = 0; i < parameters.Length; i++) parameters[i].grad = gradients[i].clone();
        optimizer.step();
    }

    private static ImmutableArray<double> RandomVector(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1)];

    // Of magnitude 1/16 to 1: ADOPT divides a gradient by the square root of its first, and a first gradient near zero made
    // quotients in the hundreds whose float32 rounding alone exceeded the tolerance (m off by 2·10⁻⁵ in one case in a few hundred).
    private static ImmutableArray<double> RandomGradient(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (random.Next(2) * 2 - 1) * (1.0 / 16 + random.NextDouble() * 15 / 16))];

    /// <summary>Each element within <paramref name="tolerance"/> of max(1, its magnitude).</summary>
    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"{what} element {i}: {actual[i]:R} vs {expected[i]:R}");
    }
}
