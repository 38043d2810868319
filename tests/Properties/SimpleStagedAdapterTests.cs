using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// Rprop, ASGD and LARS in the adapter: checkpoints that continue bit-identically, parameter groups with their own
/// records (against TorchSharp's groups, or the reference for LARS), and ASGD's η under a changing learning rate.
/// </summary>
public class SimpleStagedAdapterTests
{
    public static TheoryData<string> Algorithms => ["rprop", "asgd", "lars"];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void StateDictRoundTripContinuesBitIdentically(string algorithm)
    {
        var h = Configured(algorithm);
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(5);
        Tensor[] starts = [randn([4, 3], generator: generator), randn([3], generator: generator)];
        Parameter[] first = [.. starts.Select(s => new Parameter(s.clone()))], second = [.. starts.Select(s => new Parameter(s.clone()))];
        using var original = new AdaptiveOptimizer(first, h);
        using var restored = new AdaptiveOptimizer(second, h);
        var gradients = Enumerable.Range(0, 8).Select(_ => starts.Select(s => randn(s.shape, generator: generator)).ToArray()).ToList();
        for (int step = 0; step < 4; step++) Step(original, first, gradients[step]);
        var saved = new MemoryStream();
        original.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        using (no_grad()) for (int p = 0; p < first.Length; p++) second[p].copy_(first[p]);
        restored.load_state_dict(new BinaryReader(saved));
        Assert.Equal(original.GroupScalarsOf(0), restored.GroupScalarsOf(0));
        for (int step = 4; step < 8; step++)
        {
            Step(original, first, gradients[step]);
            Step(restored, second, gradients[step]);
        }
        for (int p = 0; p < first.Length; p++)
        {
            Assert.Equal(first[p].data<float>().ToArray(), second[p].data<float>().ToArray());
            foreach (var slot in h.Slots.OfType<StateSlot>())
                Assert.Equal(original.States[p][slot.Name].data<float>().ToArray(), restored.States[p][slot.Name].data<float>().ToArray());
        }
        Assert.Equal(original.GroupScalarsOf(0), restored.GroupScalarsOf(0));
        Assert.Equal(8, restored.States[0].Step);
    }

    [Fact]
    public void RpropGroupsStepAsTorchSharpsRpropGroups()
    {
        var h = new RpropHyperparameters();
        var head = h with { Lr = 0.05, Etaminus = 0.3, Etaplus = 1.5, StepSizeMin = 0.01, StepSizeMax = 0.2 };
        AssertGroupsMatch(h, head, parameters => optim.Rprop(
            [new Rprop.ParamGroup([parameters[0]]), new Rprop.ParamGroup([parameters[1]], lr: 0.05, etaminus: 0.3, etaplus: 1.5, min_step: 0.01, max_step: 0.2)]));
    }

    [Fact]
    public void AsgdGroupsStepAsTorchSharpsAsgdGroups()
    {
        var h = new AsgdHyperparameters(Lr: 0.05, T0: 2);
        var head = h with { Lr = 0.2, Lambd = 0.01, Alpha = 0.5, T0 = 4, WeightDecay = 0.1 };
        AssertGroupsMatch(h, head, parameters => optim.ASGD(
            [new ASGD.ParamGroup([parameters[0]], lr: 0.05, t0: 2), new ASGD.ParamGroup([parameters[1]], lr: 0.2, lambd: 0.01, alpha: 0.5, t0: 4, weight_decay: 0.1)]));
    }

    [Fact]
    public void AsgdEtaTakesTheLearningRateOfTheStepThatSetsItAsTorchSharpsAsgd()
    {
        using var scope = NewDisposeScope();
        var h = new AsgdHyperparameters(Lr: 0.1, Lambd: 0.05, T0: 1);
        Parameter ours = Vector(), theirs = Vector();
        using var optimizer = new AdaptiveOptimizer([ours], h);
        using var builtin = optim.ASGD([theirs], lr: 0.1, lambd: 0.05, t0: 1);
        var random = new Random(4);
        for (int step = 1; step <= 8; step++)
        {
            double lr = 0.1 / step;
            optimizer.ParamGroups.First().LearningRate = lr;
            builtin.ParamGroups.First().LearningRate = lr;
            var gradient = Gradient(random);
            AdapterProperties.Backward(ours, tensor(gradient));
            AdapterProperties.Backward(theirs, tensor(gradient));
            optimizer.step();
            builtin.step();
            float[] expected = theirs.data<float>().ToArray(), actual = ours.data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++) Tolerance.AssertClose(expected[i], actual[i], $"step {step} element {i}", relative: 1e-5, absolute: 1e-7);
            Assert.Equal(lr / Math.Pow(1 + 0.05 * lr * step, 0.75), optimizer.GroupScalarsOf(0)["eta"], 1e-15);
        }
    }

    [Fact]
    public void LarsGroupsStepAsTheReferenceWithTheirOwnRecordsAndTensorDimensions()
    {
        using var scope = NewDisposeScope();
        var h = new LarsHyperparameters(Lr: 0.5, WeightDecay: 1e-3);
        var head = h with { Lr = 0.2, TrustCoef = 0.02, ExcludeBiasAndNorm = true, Nesterov = true };
        var generator = new Generator().manual_seed(9);
        Tensor[] starts = [randn([3, 2], generator: generator, dtype: float64), randn([4], generator: generator, dtype: float64), randn([2, 2], generator: generator, dtype: float64), randn([3], generator: generator, dtype: float64)];
        Parameter[] parameters = [.. starts.Select(s => new Parameter(s.clone()))];
        using var optimizer = new AdaptiveOptimizer(
            [new AdaptiveOptimizer.ParamGroup(parameters[..2]), new AdaptiveOptimizer.ParamGroup(parameters[2..], head)], h);
        (LarsHyperparameters Record, int[] Tensors)[] groups = [(h, [0, 1]), (head, [2, 3])];
        var states = groups.Select(g => g.Tensors.Select(t => OptimizerState.Initial(g.Record, (int)starts[t].numel())).ToImmutableArray()).ToArray();
        var values = groups.Select(g => g.Tensors.Select(t => ImmutableArray.Create(starts[t].data<double>().ToArray())).ToImmutableArray()).ToArray();
        for (int step = 0; step < 4; step++)
        {
            var gradients = starts.Select(s => randn(s.shape, generator: generator, dtype: float64)).ToArray();
            for (int t = 0; t < parameters.Length; t++) AdapterProperties.Backward(parameters[t], gradients[t]);
            optimizer.step();
            for (int g = 0; g < groups.Length; g++)
            {
                var results = ReferenceStep.StepGroup(groups[g].Record, states[g], values[g],
                    [.. groups[g].Tensors.Select(t => ImmutableArray.Create(gradients[t].data<double>().ToArray()))],
                    [.. groups[g].Tensors.Select(t => (int)starts[t].dim())]);
                (states[g], values[g]) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
                for (int k = 0; k < groups[g].Tensors.Length; k++)
                {
                    double[] actual = parameters[groups[g].Tensors[k]].data<double>().ToArray();
                    for (int i = 0; i < actual.Length; i++) Assert.Equal(values[g][k][i], actual[i], 1e-14);
                }
            }
        }
    }

    private static void AssertGroupsMatch(Hyperparameters h, Hyperparameters head, Func<Parameter[], optim.Optimizer> builtinFor)
    {
        using var scope = NewDisposeScope();
        Parameter[] ours = [Vector(), Vector()], theirs = [Vector(), Vector()];
        using var optimizer = new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup([ours[0]]), new AdaptiveOptimizer.ParamGroup([ours[1]], head)], h);
        using var builtin = builtinFor(theirs);
        var random = new Random(3);
        for (int step = 1; step <= 12; step++)
        {
            for (int k = 0; k < 2; k++)
            {
                var gradient = Gradient(random);
                AdapterProperties.Backward(ours[k], tensor(gradient));
                AdapterProperties.Backward(theirs[k], tensor(gradient));
            }
            optimizer.step();
            builtin.step();
            for (int k = 0; k < 2; k++)
            {
                float[] expected = theirs[k].data<float>().ToArray(), actual = ours[k].data<float>().ToArray();
                for (int i = 0; i < expected.Length; i++) Tolerance.AssertClose(expected[i], actual[i], $"{h.Algorithm} group {k} step {step} element {i}", relative: 1e-5, absolute: 1e-7);
            }
        }
    }

    private static Hyperparameters Configured(string algorithm) => algorithm switch
    {
        "asgd" => new AsgdHyperparameters(Lr: 0.05, Lambd: 0.01, T0: 2, WeightDecay: 0.01),
        "lars" => new LarsHyperparameters(WeightDecay: 5e-4, ExcludeBiasAndNorm: true),
        _ => Pure.OptimizerRegistry.Find(algorithm)!.Defaults,
    };

    private static void Step(AdaptiveOptimizer optimizer, Parameter[] parameters, Tensor[] gradients)
    {
        for (int p = 0; p < parameters.Length; p++) AdapterProperties.Backward(parameters[p], gradients[p]);
        optimizer.step();
    }

    private static float[] Gradient(Random random) => [.. Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 4 - 2))];

    private static Parameter Vector() => new(tensor(new float[] { 1, -2, 3, 0.5f }));
}
