using System.Collections.Immutable;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary><c>maximize</c>: every algorithm steps on −g, in the reference rule, the fused kernel and the adapter.</summary>
public class MaximizeTests
{
    public static TheoryData<string> Algorithms => [.. OptimizerRegistry.Names];

    /// <summary>The algorithms with an element rule for the fused kernel; staged ones maximise through the staged core (the other tests here).</summary>
    public static TheoryData<string> FusedKernelAlgorithms => [.. OptimizerRegistry.All.Where(d => d.Defaults is not StagedHyperparameters).Select(d => d.Name)];

    /// <summary>Maximising with gradients g is, bit for bit, minimising with −g (the gradients are random, the algorithm's defaults).</summary>
    [Theory]
    [MemberData(nameof(Algorithms))]
    public void MaximisingIsMinimisingTheNegatedGradient(string algorithm)
    {
        var h = OptimizerRegistry.Find(algorithm)!.Defaults;
        // A seed that is the same in every process (string.GetHashCode is randomised per process).
        var random = new Random(algorithm.Aggregate(17, (hash, c) => unchecked(hash * 31 + c)));
        var (up, down) = (OptimizerState.Initial(h, 5), OptimizerState.Initial(h, 5));
        ImmutableArray<double> xUp = [1, -2, 0.5, 3, -0.25], xDown = xUp;
        for (int step = 0; step < 6; step++)
        {
            ImmutableArray<double> gradient = [.. Enumerable.Range(0, 5).Select(_ => random.NextDouble() * 4 - 2)];
            var ascent = ReferenceStep.Step(h with { Maximize = true }, up, xUp, gradient);
            var descent = ReferenceStep.Step(h, down, xDown, [.. gradient.Select(g => -g)]);
            (up, xUp, down, xDown) = (ascent.State, ascent.Parameters, descent.State, descent.Parameters);
            Assert.Equal(xDown.ToArray(), xUp.ToArray());
        }
        Assert.NotEqual([1, -2, 0.5, 3, -0.25], xUp.ToArray());
    }

    [Theory]
    [MemberData(nameof(FusedKernelAlgorithms))]
    public void TheFusedKernelMaximisesAsTheReference(string algorithm)
    {
        var h = OptimizerRegistry.Find(algorithm)!.Defaults with { Maximize = true };
        // No element rule: the adapter test below covers Adafactor; staged algorithms' kernels maximise through the same
        // ascent wrapper, checked on float32 by StagedCoreProperties.
        if (h is TensorHyperparameters or StagedHyperparameters) return;
        float[] x = [1, -2, 0.5f, 3, -0.25f, 2, 1, -1, 0.75f];
        float[] gradient = [0.5f, -1, 2, 0.25f, -0.75f, 1.5f, -2, 0.1f, 1];
        var slots = h.Slots.Select(slot => Enumerable.Repeat((float)(slot?.InitialValue ?? 0), slot is null ? 0 : x.Length).ToArray()).ToArray();
        FusedStep.Apply(h, h.ContextFor(1), x, gradient, slots[0], slots[1], slots[2]);
        var expected = ReferenceStep.Step(h, OptimizerState.Initial(h, x.Length), [1, -2, 0.5, 3, -0.25, 2, 1, -1, 0.75], [.. gradient.Select(g => (double)g)]);
        for (int i = 0; i < x.Length; i++) Tolerance.AssertClose(expected.Parameters[i], x[i], $"{algorithm} element {i}");
    }

    /// <summary>Against TorchSharp's built-in optimizers with <c>maximize: true</c> (those that have it), through the adapter.</summary>
    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("rmsprop")]
    public void TheAdapterMaximisesAsTorchSharp(string algorithm)
    {
        using var scope = NewDisposeScope();
        var h = OptimizerRegistry.Find(algorithm)!.Defaults with { Maximize = true };
        var ours = new Parameter(tensor(new float[] { 1, -2, 3 }));
        var theirs = new Parameter(tensor(new float[] { 1, -2, 3 }));
        using var optimizer = new AdaptiveOptimizer([ours], h);
        using var builtin = algorithm switch
        {
            "sgd" => optim.SGD([theirs], h.Lr, maximize: true),
            "adam" => optim.Adam([theirs], h.Lr, maximize: true),
            "adamw" => optim.AdamW([theirs], h.Lr, weight_decay: h.WeightDecay, maximize: true),
            _ => (optim.Optimizer)optim.RMSProp([theirs], h.Lr, maximize: true),
        };
        for (int step = 1; step <= 5; step++)
        {
            AdapterProperties.Backward(ours, tensor(new float[] { 0.5f, -1, 2 }));
            AdapterProperties.Backward(theirs, tensor(new float[] { 0.5f, -1, 2 }));
            optimizer.step();
            builtin.step();
            float[] expected = theirs.data<float>().ToArray(), actual = ours.data<float>().ToArray();
            for (int i = 0; i < 3; i++) Tolerance.AssertClose(expected[i], actual[i], $"{algorithm} step {step} element {i}");
        }
    }

    /// <summary>Adafactor (tensor-level) maximises on a matrix through the adapter as its reference step does on −g, leaving the gradient as it was.</summary>
    [Fact]
    public void AdafactorMaximisesThroughTheAdapter()
    {
        using var scope = NewDisposeScope();
        var h = new AdafactorHyperparameters(Lr: 0.01, RelativeStep: false);
        var up = new Parameter(tensor(new float[] { 1, -2, 3, 0.5f, -1, 2 }).reshape(2, 3));
        var down = new Parameter(tensor(new float[] { 1, -2, 3, 0.5f, -1, 2 }).reshape(2, 3));
        using var ascending = new AdaptiveOptimizer([up], h with { Maximize = true });
        using var descending = new AdaptiveOptimizer([down], h);
        var gradient = tensor(new float[] { 0.5f, -1, 2, 0.25f, 1, -0.5f }).reshape(2, 3);
        for (int step = 0; step < 3; step++)
        {
            AdapterProperties.Backward(up, gradient);
            AdapterProperties.Backward(down, -gradient);
            ascending.step();
            descending.step();
            Assert.Equal(gradient.data<float>().ToArray(), up.grad!.data<float>().ToArray());
        }
        Assert.Equal(down.data<float>().ToArray(), up.data<float>().ToArray());
    }
}
