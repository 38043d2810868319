using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>The adapter works wherever TorchSharp expects an optimizer: groups, schedulers, state_dict, zero_grad.</summary>
public class AdapterContractTests
{
    private static readonly double[] Gradient = [0.5, -1.5, 2.0];

    [Fact]
    public void ParameterGroupsUseTheirOwnLearningRateAndWeightDecay()
    {
        using var scope = NewDisposeScope();
        var h = new AdamHyperparameters(Lr: 0.01);
        var (first, second) = (new Parameter(tensor(new float[] { 1, 2, 3 })), new Parameter(tensor(new float[] { 1, 2, 3 })));
        using var optimizer = new AdaptiveOptimizer(
            [new AdaptiveOptimizer.ParamGroup([first]), new AdaptiveOptimizer.ParamGroup([second], lr: 0.1, weightDecay: 0.5)], h);
        for (int step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            AdapterProperties.Backward(first, tensor(Gradient.Select(g => (float)g).ToArray()));
            AdapterProperties.Backward(second, tensor(Gradient.Select(g => (float)g).ToArray()));
            optimizer.step();
        }
        AssertEqualsReference(h, first, 3);
        AssertEqualsReference(h with { Lr = 0.1, WeightDecay = 0.5 }, second, 3);
    }

    [Fact]
    public void LearningRateSchedulersDriveTheStep()
    {
        using var scope = NewDisposeScope();
        var h = new RmsPropHyperparameters(Lr: 0.1);
        var parameter = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new AdaptiveOptimizer([parameter], h);
        var scheduler = optim.lr_scheduler.StepLR(optimizer, step_size: 1, gamma: 0.5);
        var state = OptimizerState.Initial(h, 3);
        var x = System.Collections.Immutable.ImmutableArray.Create(1.0, 2.0, 3.0);
        for (int step = 1; step <= 4; step++)
        {
            double lr = 0.1 * Math.Pow(0.5, step - 1);
            Assert.Equal(lr, optimizer.ParamGroups.Single().LearningRate, 1e-12);
            AdapterProperties.Backward(parameter, tensor(Gradient.Select(g => (float)g).ToArray()));
            optimizer.step();
            scheduler.step();
            var expected = ReferenceStep.Step(h with { Lr = lr }, state, x, [.. Gradient]);
            (state, x) = (expected.State, expected.Parameters);
        }
        float[] actual = parameter.data<float>().ToArray();
        for (int i = 0; i < 3; i++) Tolerance.AssertClose(x[i], actual[i], $"element {i}");
    }

    [Fact]
    public void ParametersWithoutGradientAreSkipped()
    {
        using var scope = NewDisposeScope();
        var (used, unused) = (new Parameter(tensor(new float[] { 1, 2, 3 })), new Parameter(tensor(new float[] { 4, 5 })));
        using var optimizer = new AdaptiveOptimizer([used, unused], new AdamHyperparameters());
        AdapterProperties.Backward(used, tensor(new float[] { 1, 1, 1 }));
        optimizer.step();
        Assert.Equal([4f, 5f], unused.data<float>().ToArray());
        Assert.Equal(0, optimizer.States[1].Step);
        Assert.Equal(1, optimizer.States[0].Step);
    }

    [Fact]
    public void BinaryStateDictRoundTripContinuesBitIdentically()
    {
        using var scope = NewDisposeScope();
        var h = new AdamHyperparameters(Lr: 0.05, AmsGrad: true);
        var original = new Parameter(tensor(new float[] { 1, -2, 3 }));
        using var optimizer = new AdaptiveOptimizer([original], h);
        Train(optimizer, original, 3);

        var saved = new MemoryStream();
        optimizer.save_state_dict(new BinaryWriter(saved));
        var copy = new Parameter(original.detach().clone());
        using var restored = new AdaptiveOptimizer([copy], h);
        saved.Position = 0;
        restored.load_state_dict(new BinaryReader(saved));

        Assert.Equal(3, restored.States[0].Step);
        Train(optimizer, original, 4);
        Train(restored, copy, 4);
        Assert.Equal(original.data<float>().ToArray(), copy.data<float>().ToArray());
        Assert.True(restored.States[0].ApproximatelyEquals(optimizer.States[0]));
    }

    [Fact]
    public void InMemoryStateDictLoadsIntoAnotherOptimizer()
    {
        using var scope = NewDisposeScope();
        var h = new SgdHyperparameters(Lr: 0.1, Momentum: 0.9);
        var original = new Parameter(tensor(new float[] { 1, -2, 3 }));
        using var optimizer = new AdaptiveOptimizer([original], h);
        Train(optimizer, original, 2);
        var copy = new Parameter(original.detach().clone());
        using var restored = new AdaptiveOptimizer([copy], h);
        restored.load_state_dict(optimizer.state_dict());
        Train(optimizer, original, 2);
        Train(restored, copy, 2);
        Assert.Equal(original.data<float>().ToArray(), copy.data<float>().ToArray());
    }

    [Fact]
    public void StateFromAnotherAlgorithmIsRejectedAndChangesNothing()
    {
        using var scope = NewDisposeScope();
        var adamParameter = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var adam = new AdaptiveOptimizer([("encoder.weight", adamParameter)], new AdamHyperparameters());
        Train(adam, adamParameter, 2);
        var rmsParameter = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var rmsprop = new AdaptiveOptimizer([rmsParameter], new RmsPropHyperparameters());
        Train(rmsprop, rmsParameter, 1);
        var saved = new MemoryStream();
        rmsprop.save_state_dict(new BinaryWriter(saved));

        var before = Snapshot(adam);
        saved.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() => adam.load_state_dict(new BinaryReader(saved)));
        Assert.Contains("encoder.weight", error.Message);
        Assert.Contains("rmsprop", error.Message);
        Assert.Equal(before, Snapshot(adam));

        var inMemory = Assert.Throws<InvalidDataException>(() => adam.load_state_dict(rmsprop.state_dict()));
        Assert.Contains("encoder.weight", inMemory.Message);
        Assert.Equal(before, Snapshot(adam));
    }

    [Fact]
    public void StateWithMismatchedShapesOrTruncatedIsRejectedAndChangesNothing()
    {
        using var scope = NewDisposeScope();
        var h = new AdamHyperparameters();
        var (a, b) = (new Parameter(tensor(new float[] { 1, 2, 3 })), new Parameter(tensor(new float[] { 1, 2 })));
        using var target = new AdaptiveOptimizer([("layer1.weight", a), ("layer2.bias", b)], h);
        Train(target, a, 1);
        var before = Snapshot(target);

        var (c, d) = (new Parameter(tensor(new float[] { 1, 2, 3 })), new Parameter(tensor(new float[] { 1, 2, 3, 4 })));
        using var other = new AdaptiveOptimizer([c, d], h);
        var saved = new MemoryStream();
        other.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        var shapeError = Assert.Throws<InvalidDataException>(() => target.load_state_dict(new BinaryReader(saved)));
        Assert.Contains("layer2.bias", shapeError.Message);
        Assert.Equal(before, Snapshot(target));

        var good = new MemoryStream();
        target.save_state_dict(new BinaryWriter(good));
        var truncated = new MemoryStream(good.ToArray()[..(int)(good.Length - 5)]);
        Assert.Throws<InvalidDataException>(() => target.load_state_dict(new BinaryReader(truncated)));
        Assert.Equal(before, Snapshot(target));
    }

    [Fact]
    public void SparseGradientsAreRejectedNamingTheParameterAndChangeNothing()
    {
        using var scope = NewDisposeScope();
        var embedding = nn.Embedding(10, 3, sparse: true);
        var dense = new Parameter(tensor(new float[] { 1, 2 }));
        using var optimizer = new AdaptiveOptimizer([.. embedding.named_parameters(), ("head", dense)], new AdamHyperparameters());
        AdapterProperties.Backward(dense, tensor(new float[] { 1, 1 }));
        embedding.forward(tensor(new long[] { 1, 2 })).sum().backward();
        float[] denseBefore = dense.data<float>().ToArray();
        var error = Assert.Throws<ArgumentException>(() => optimizer.step());
        Assert.Contains("weight", error.Message);
        Assert.Contains("sparse", error.Message);
        Assert.Equal(denseBefore, dense.data<float>().ToArray());
        Assert.All(optimizer.States, s => Assert.Equal(0, s.Step));
    }

    [Fact]
    public void InvalidHyperparametersAndGroupsAreRejected()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(new float[] { 1 }));
        Assert.Contains("lr", Assert.Throws<ArgumentException>(() => new AdaptiveOptimizer([parameter], new AdamHyperparameters(Lr: -1))).Message);
        Assert.Contains("weight_decay", Assert.Throws<ArgumentException>(
            () => new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup([parameter], weightDecay: -1)], new AdamHyperparameters())).Message);
    }

    private static void Train(AdaptiveOptimizer optimizer, Parameter parameter, int steps)
    {
        for (int step = 0; step < steps; step++)
        {
            optimizer.zero_grad();
            (parameter * parameter).sum().backward();
            optimizer.step();
        }
    }

    private static string Snapshot(AdaptiveOptimizer optimizer) =>
        string.Join(" | ", optimizer.States.Select(s =>
            $"{s.Step}: {string.Join(", ", s.Parameter.data<float>().ToArray())} / " +
            string.Join(" / ", optimizer.Hyperparameters.Slots.OfType<StateSlot>().Select(slot => string.Join(", ", s[slot.Name].data<float>().ToArray())))) +
        $" lr {string.Join(", ", optimizer.ParamGroups.Select(g => g.LearningRate))}");

    private static void AssertEqualsReference(Hyperparameters h, Parameter parameter, int steps)
    {
        var state = OptimizerState.Initial(h, 3);
        var x = System.Collections.Immutable.ImmutableArray.Create(1.0, 2.0, 3.0);
        for (int step = 0; step < steps; step++)
        {
            var next = ReferenceStep.Step(h, state, x, [.. Gradient]);
            (state, x) = (next.State, next.Parameters);
        }
        float[] actual = parameter.data<float>().ToArray();
        for (int i = 0; i < 3; i++) Tolerance.AssertClose(x[i], actual[i], $"{h} element {i}");
    }
}
