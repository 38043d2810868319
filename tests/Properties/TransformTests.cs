using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Transforms;
using AdaptiveLR.Torch;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// Gradient transformations chained in front of an algorithm equal their independent counterparts:
/// TorchSharp's clip_grad_norm_ / clip_grad_value_ followed by its built-in optimizer, AdamW's
/// decoupled decay on weights only, the mean of accumulated micro-batches, and lookahead by hand.
/// </summary>
public class TransformTests
{
    [Property(Arbitrary = [typeof(TransformInputs)], MaxTest = 40)]
    public void ClippingEqualsTorchSharpsClipFunctionsBeforeItsOptimizer((int Seed, double Limit) input)
    {
        var h = new AdamHyperparameters(Lr: 0.01);
        foreach (var (transform, clip) in new (GradientTransform, Action<IList<Parameter>>)[]
        {
            (new ClipByGlobalNorm(input.Limit), p => nn.utils.clip_grad_norm_(p, input.Limit)),
            (new ClipByValue(input.Limit / 4), p => nn.utils.clip_grad_value_(p, input.Limit / 4)),
        })
        {
            using var scope = NewDisposeScope();
            var (ours, theirs) = Model(input.Seed);
            using var adapter = new AdaptiveOptimizer(Named(ours), new OptimizerChain(h, [transform]));
            using var builtin = TorchBuiltinOptimizers.Create(h, theirs);
            for (int step = 0; step < 4; step++)
            {
                SetGradients(ours, theirs, input.Seed * 10 + step);
                adapter.step();
                clip(theirs);
                builtin.step();
            }
            AssertClose(ours, theirs, transform.Name);
        }
    }

    [Fact]
    public void MaskedDecoupledDecayIsAdamWOnMatricesAndAdamOnBiases()
    {
        using var scope = NewDisposeScope();
        var (ours, theirs) = Model(3);
        var chain = new OptimizerChain(new AdamHyperparameters(Lr: 0.01), [new MaskedWeightDecay(0.1)]);
        using var adapter = new AdaptiveOptimizer(Named(ours), chain);
        using var weights = optim.AdamW([theirs[0]], 0.01, weight_decay: 0.1);
        using var biases = optim.Adam([theirs[1]], 0.01);
        for (int step = 0; step < 5; step++)
        {
            SetGradients(ours, theirs, step);
            adapter.step();
            weights.step();
            biases.step();
        }
        AssertClose(ours, theirs, "masked decoupled weight decay");
    }

    [Fact]
    public void AccumulatingKMicroBatchesStepsOnceWithTheirMean()
    {
        using var scope = NewDisposeScope();
        var h = new RmsPropHyperparameters(Lr: 0.05);
        var (ours, theirs) = Model(5);
        using var adapter = new AdaptiveOptimizer(Named(ours), new OptimizerChain(h, [new AccumulateGradients(3)]));
        using var builtin = TorchBuiltinOptimizers.Create(h, theirs);
        for (int update = 0; update < 2; update++)
        {
            var sums = theirs.Select(p => zeros_like(p)).ToArray();
            for (int micro = 0; micro < 3; micro++)
            {
                SetGradients(ours, theirs, update * 3 + micro);
                for (int i = 0; i < sums.Length; i++) sums[i] += theirs[i].grad!;
                var before = ours[0].detach().clone();
                adapter.step();
                Assert.Equal(micro < 2, Same(ours[0], before));
            }
            for (int i = 0; i < sums.Length; i++) theirs[i].grad = sums[i] / 3;
            builtin.step();
        }
        AssertClose(ours, theirs, "accumulation");
    }

    [Fact]
    public void LookaheadPullsFastWeightsBackToTheSlowOnesEveryKSteps()
    {
        using var scope = NewDisposeScope();
        var h = new SgdHyperparameters(Lr: 0.1, Momentum: 0.5);
        var (ours, theirs) = Model(7);
        using var adapter = new AdaptiveOptimizer(Named(ours), new OptimizerChain(h, [new Lookahead(SyncPeriod: 3, Alpha: 0.5)]));
        using var builtin = TorchBuiltinOptimizers.Create(h, theirs);
        var slow = theirs.Select(p => p.detach().clone()).ToArray();
        for (int step = 1; step <= 7; step++)
        {
            SetGradients(ours, theirs, step);
            adapter.step();
            builtin.step();
            if (step % 3 != 0) continue;
            using var noGrad = no_grad();
            for (int i = 0; i < slow.Length; i++)
            {
                slow[i] += 0.5 * (theirs[i] - slow[i]);
                theirs[i].copy_(slow[i]);
            }
        }
        AssertClose(ours, theirs, "lookahead");
    }

    [Fact]
    public void StateWithTransformsRoundTripsAndContinuesIdentically()
    {
        using var scope = NewDisposeScope();
        var chain = new OptimizerChain(new AdamHyperparameters(), [new AccumulateGradients(2), new Lookahead(2, 0.5), new ClipByGlobalNorm(1)]);
        var (first, _) = Model(9);
        using var optimizer = new AdaptiveOptimizer(Named(first), chain);
        for (int step = 0; step < 3; step++)
        {
            SetGradients(first, first, step);
            optimizer.step();
        }
        var saved = new MemoryStream();
        optimizer.save_state_dict(new BinaryWriter(saved));
        var second = first.Select(p => new Parameter(p.detach().clone())).ToArray();
        using var restored = new AdaptiveOptimizer(Named(second), chain);
        saved.Position = 0;
        restored.load_state_dict(new BinaryReader(saved));
        for (int step = 3; step < 8; step++)
        {
            SetGradients(first, second, step);
            optimizer.step();
            restored.step();
        }
        for (int i = 0; i < first.Length; i++) Assert.True(Same(first[i], second[i]), $"parameter {i}");

        using var plain = new AdaptiveOptimizer(Named(second), new AdamHyperparameters());
        saved.Position = 0;
        Assert.Throws<InvalidDataException>(() => plain.load_state_dict(new BinaryReader(saved)));
    }

    [Fact]
    public void InvalidChainsAreRejected()
    {
        using var scope = NewDisposeScope();
        var (ours, _) = Model(1);
        Assert.Contains("clip_grad_norm", Assert.Throws<ArgumentException>(() => new AdaptiveOptimizer(Named(ours), new OptimizerChain(new AdamHyperparameters(), [new ClipByGlobalNorm(0)]))).Message);
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new AdaptiveOptimizer(Named(ours), new OptimizerChain(new AdamHyperparameters(), [new ClipByValue(1), new ClipByValue(2)]))).Message);
    }

    /// <summary>A 4×3 weight and a bias of 4, twice with equal values.</summary>
    private static (Parameter[] Ours, Parameter[] Theirs) Model(int seed)
    {
        var generator = new Generator().manual_seed(seed);
        var (weight, bias) = (randn([4, 3], generator: generator), randn([4], generator: generator));
        return ([new Parameter(weight.clone()), new Parameter(bias.clone())], [new Parameter(weight.clone()), new Parameter(bias.clone())]);
    }

    private static IEnumerable<(string, Parameter)> Named(Parameter[] parameters) => [("layer.weight", parameters[0]), ("layer.bias", parameters[1])];

    private static void SetGradients(Parameter[] ours, Parameter[] theirs, int seed)
    {
        var generator = new Generator().manual_seed(1000 + seed);
        for (int i = 0; i < ours.Length; i++)
        {
            var gradient = randn(ours[i].shape, generator: generator) * 3;
            ours[i].grad = gradient.clone();
            theirs[i].grad = gradient.clone();
        }
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();

    private static void AssertClose(Parameter[] ours, Parameter[] theirs, string what)
    {
        for (int i = 0; i < ours.Length; i++)
            Assert.True(ours[i].allclose(theirs[i], rtol: 1e-4, atol: 1e-6), $"{what}, parameter {i}: max difference {(ours[i] - theirs[i]).abs().max().item<float>()}");
    }
}

/// <summary>Seeds and clipping limits, some below and some above the gradients' norm.</summary>
public static class TransformInputs
{
    public static Arbitrary<(int, double)> Values() =>
        (from seed in Gen.Choose(0, 10_000) from limit in Gen.Elements(0.1, 0.5, 1.0, 3.0, 100.0) select (seed, limit)).ToArbitrary();
}
