using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Properties.Golden;
using AdaptiveLR.Torch;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// Schedule-Free AdamW and SGD: the paper's invariants (x is the weighted running average of z, y interpolates z and x),
/// the evaluation view against the reference's x, and the adapter's eval()/train() with checkpoints and parameter groups.
/// </summary>
public class ScheduleFreeProperties
{
    /// <summary>Generated Schedule-Free records (both algorithms; warmup, r, weight_lr_power, weight decay, inner momentum varied).</summary>
    public static Arbitrary<StagedHyperparameters> Algorithms() =>
        (from adamw in Gen.Elements(true, false)
         from lr in Gen.Elements(1e-3, 0.0025, 0.01, 0.1, 1.0)
         from beta in Gen.Elements(0.5, 0.8, 0.9, 0.95)
         from warmup in Gen.Choose(0, 6)
         from r in Gen.Elements(0.0, 0.5, 1.0, 2.0)
         from power in Gen.Elements(0.0, 1.0, 2.0)
         from decay in Gen.Elements(0.0, 0.01, 0.1)
         from inner in Gen.Elements(0.0, 0.0, 0.9)
         select adamw
             ? (StagedHyperparameters)new ScheduleFreeAdamWHyperparameters(Lr: lr, Beta1: beta, WeightDecay: decay, WarmupSteps: warmup, R: r, WeightLrPower: power, InnerMomentum: inner)
             : new ScheduleFreeSgdHyperparameters(Lr: lr / 10, Momentum: beta, WeightDecay: decay, WarmupSteps: warmup, R: r, WeightLrPower: power)).ToArbitrary();

    private static double Beta(StagedHyperparameters h) => h switch
    {
        ScheduleFreeAdamWHyperparameters a => a.Beta1,
        ScheduleFreeSgdHyperparameters s => s.Momentum,
        _ => throw new ArgumentException(h.Algorithm),
    };

    [Property(MaxTest = 60, Arbitrary = [typeof(ScheduleFreeProperties)])]
    public void EvaluationPointIsTheWeightedAverageOfZ(StagedHyperparameters h, PositiveInt length, PositiveInt steps, int seed)
    {
        int n = length.Get % 9 + 1, count = steps.Get % 12 + 1;
        var random = new Random(seed);
        var y = ImmutableArray.CreateRange(Enumerable.Range(0, n).Select(_ => random.NextDouble() * 4 - 2));
        var state = OptimizerState.Initial(h, n);
        var weightedZ = new double[n];
        double previousSum = 0;
        for (int t = 1; t <= count; t++)
        {
            var g = ImmutableArray.CreateRange(Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1));
            var result = ReferenceStep.Step(h, state, y, g);
            (state, y) = (result.State, result.Parameters);
            double weightSum = state.Scalars["weight_sum"], weight = weightSum - previousSum;
            previousSum = weightSum;
            var z = state["z"];
            for (int i = 0; i < n; i++) weightedZ[i] += weight * z[i];
            var x = ReferenceStep.View(h, state, y, toEvaluation: true);
            double beta = Beta(h);
            for (int i = 0; i < n; i++)
            {
                double scale = 1 + Math.Abs(x[i]) + Math.Abs(z[i]);
                // x_T = Σ w_t z_t / Σ w_t (the weights are positive: lr > 0, so lr_max^p > 0).
                Assert.True(Math.Abs(weightedZ[i] / weightSum - x[i]) <= 1e-9 * scale, $"step {t} element {i}: Σwz/Σw = {weightedZ[i] / weightSum}, x = {x[i]}");
                // y = (1 − β)z + βx.
                Assert.True(Math.Abs((1 - beta) * z[i] + beta * x[i] - y[i]) <= 1e-9 * scale, $"step {t} element {i}: y = {y[i]}");
            }
            if (t == 1) Assert.Equal(1, state.Scalars["ckp1"]);
        }
    }

    [Property(MaxTest = 40)]
    public void WithoutWarmupAndRTheAverageIsUniform(PositiveInt steps, bool sgd)
    {
        StagedHyperparameters h = sgd ? new ScheduleFreeSgdHyperparameters(Lr: 0.1) : new ScheduleFreeAdamWHyperparameters();
        var state = OptimizerState.Initial(h, 1);
        var y = ImmutableArray.Create(1.0);
        for (int t = 1; t <= steps.Get % 30 + 1; t++)
        {
            var result = ReferenceStep.Step(h, state, y, [Math.Sin(t)]);
            (state, y) = (result.State, result.Parameters);
            Assert.Equal(1.0 / t, state.Scalars["ckp1"], 1e-14);
        }
    }

    [Property(MaxTest = 40, Arbitrary = [typeof(ScheduleFreeProperties)])]
    public void TrainUndoesEvalUpToRounding(StagedHyperparameters h, NonEmptyArray<NormalFloat> values, int seed)
    {
        var y = ImmutableArray.CreateRange(values.Get.Select(v => (double)v.Get));
        var random = new Random(seed);
        var state = ReferenceStep.Step(h, OptimizerState.Initial(h, y.Length), y, [.. y.Select(_ => random.NextDouble() - 0.5)]);
        var back = ReferenceStep.View(h, state.State, ReferenceStep.View(h, state.State, state.Parameters, true), false);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(back[i] - state.Parameters[i]) <= 1e-12 * (1 + Math.Abs(state.Parameters[i]) + Math.Abs(state.State["z"][i])));
    }

    public static TheoryData<string> Fixtures() =>
        [.. GoldenFixture.Files("modern").Where(file => file.StartsWith("schedulefree-", StringComparison.Ordinal))];

    /// <summary>The adapter's eval() gives the reference's x after every step, and train() takes the run on at y (float64 within 1e-9, float32 within 1e-5).</summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EvalGivesTheReferenceEvaluationPoint(string file)
    {
        var fixture = GoldenFixture.Load("modern", file);
        var h = ReferenceNames.Hyperparameters(fixture);
        foreach (var (dtype, tolerance) in new[] { (ScalarType.Float64, 1e-9), (ScalarType.Float32, 1e-5) })
        {
            var comparison = new GoldenComparison($"{fixture} eval {dtype}", tolerance);
            using var scope = NewDisposeScope();
            var parameters = fixture.Parameters.Select(p => new Parameter(tensor(p.Values, dtype: dtype).reshape(p.Shape))).ToList();
            using var optimizer = new AdaptiveOptimizer(parameters, h);
            for (int s = 0; s < fixture.Steps.Length; s++)
            {
                var step = fixture.Steps[s];
                for (int p = 0; p < parameters.Count; p++)
                    AdapterProperties.Backward(parameters[p], tensor(step.Gradients[p], dtype: dtype).reshape(fixture.Parameters[p].Shape));
                optimizer.step();
                optimizer.eval();
                Assert.True(optimizer.InEvaluationView);
                for (int p = 0; p < parameters.Count; p++) comparison.AssertClose(step.State[p]["x"], Values(parameters[p]), $"step {s + 1} {fixture.Parameters[p].Name} x");
                optimizer.train();
                Assert.False(optimizer.InEvaluationView);
                for (int p = 0; p < parameters.Count; p++) comparison.AssertClose(step.Parameters[p], Values(parameters[p]), $"step {s + 1} {fixture.Parameters[p].Name} y");
            }
        }
    }

    [Fact]
    public void StepAtTheEvaluationPointIsRefusedAndChangesNothing()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(new float[] { 1, -2, 3 }));
        using var optimizer = new AdaptiveOptimizer([p], new ScheduleFreeAdamWHyperparameters());
        AdapterProperties.Backward(p, tensor(new float[] { 0.5f, 0.1f, -1 }));
        optimizer.step();
        optimizer.eval();
        var before = p.data<float>().ToArray();
        var z = optimizer.States[0]["z"].data<float>().ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => optimizer.step());
        Assert.Contains("call train() first", error.Message);
        Assert.Equal(before, p.data<float>().ToArray());
        Assert.Equal(z, optimizer.States[0]["z"].data<float>().ToArray());
        Assert.Equal(1, optimizer.States[0].Step);
    }

    [Fact]
    public void ParametersWithoutAStepKeepTheirValuesInBothViews()
    {
        using var scope = NewDisposeScope();
        var stepped = new Parameter(tensor(new float[] { 1, 2 }));
        var idle = new Parameter(tensor(new float[] { 3, 4 }));
        using var optimizer = new AdaptiveOptimizer([stepped, idle], new ScheduleFreeSgdHyperparameters(Lr: 0.1));
        optimizer.eval();
        Assert.Equal([1f, 2f], stepped.data<float>().ToArray());
        optimizer.train();
        AdapterProperties.Backward(stepped, tensor(new float[] { 1, -1 }));
        optimizer.step();
        optimizer.eval();
        Assert.Equal([3f, 4f], idle.data<float>().ToArray());
        Assert.NotEqual([1f, 2f], stepped.data<float>().ToArray());
    }

    /// <summary>Two groups with their own lr and β: each group's eval() is its own reference's x.</summary>
    [Fact]
    public void ParameterGroupsEvaluateWithTheirOwnBeta()
    {
        var first = new ScheduleFreeSgdHyperparameters(Lr: 0.05, Momentum: 0.9, WarmupSteps: 2);
        var second = first with { Lr = 0.2, Momentum = 0.6 };
        using var scope = NewDisposeScope();
        var a = new Parameter(tensor(new double[] { 1, -1, 0.5 }));
        var b = new Parameter(tensor(new double[] { 2, 0.25 }));
        using var optimizer = new AdaptiveOptimizer(
            [new AdaptiveOptimizer.ParamGroup([a], first), new AdaptiveOptimizer.ParamGroup([b], second)], first);
        var states = new[] { OptimizerState.Initial(first, 3), OptimizerState.Initial(second, 2) };
        var values = new[] { ImmutableArray.Create(1.0, -1, 0.5), ImmutableArray.Create(2.0, 0.25) };
        for (int step = 1; step <= 4; step++)
        {
            var gradients = new[] { ImmutableArray.Create(Math.Sin(step), Math.Cos(step), 0.3), ImmutableArray.Create(-0.5 * step, 1.0) };
            AdapterProperties.Backward(a, tensor(gradients[0].ToArray()));
            AdapterProperties.Backward(b, tensor(gradients[1].ToArray()));
            optimizer.step();
            for (int g = 0; g < 2; g++)
            {
                var result = ReferenceStep.Step(g == 0 ? first : second, states[g], values[g], gradients[g]);
                (states[g], values[g]) = (result.State, result.Parameters);
            }
        }
        optimizer.eval();
        var expectedA = ReferenceStep.View(first, states[0], values[0], true);
        var expectedB = ReferenceStep.View(second, states[1], values[1], true);
        foreach (var (expected, actual) in new[] { (expectedA, a), (expectedB, b) })
        {
            double[] values2 = actual.data<double>().ToArray();
            for (int i = 0; i < expected.Length; i++) Tolerance.AssertClose(expected[i], values2[i], $"element {i}", relative: 1e-12, absolute: 1e-12);
        }
        // The groups' x differ from what one β would give: the second group's β is its own.
        Assert.NotEqual(ReferenceStep.View(first, states[1], values[1], true)[0], expectedB[0], 6);
    }

    /// <summary>
    /// Saved at x (after eval()) with the model, loaded into a fresh optimizer: the view is restored, and train() then the
    /// next steps continue bit-identically with the run that was never interrupted.
    /// </summary>
    [Theory]
    [InlineData("schedulefree-adamw")]
    [InlineData("schedulefree-sgd")]
    public void StateDictRoundTripAtTheEvaluationPointContinuesBitIdentically(string algorithm)
    {
        var h = Pure.OptimizerRegistry.Find(algorithm)!.Defaults with { Lr = 0.01, WeightDecay = 0.01 };
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(11);
        var start = randn([4, 3], generator: generator);
        var (p, q) = (new Parameter(start.clone()), new Parameter(randn([4, 3], generator: generator)));
        using var first = new AdaptiveOptimizer([p], h);
        using var second = new AdaptiveOptimizer([q], h);
        var gradients = Enumerable.Range(0, 6).Select(_ => randn([4, 3], generator: generator)).ToList();
        for (int step = 0; step < 3; step++)
        {
            p.grad = gradients[step].clone();
            first.step();
        }
        first.eval();
        var saved = new MemoryStream();
        first.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        using (no_grad()) q.copy_(p);
        Assert.False(second.InEvaluationView);
        second.load_state_dict(new BinaryReader(saved));
        Assert.True(second.InEvaluationView);
        Assert.Equal(first.GroupScalarsOf(0), second.GroupScalarsOf(0));
        first.train();
        second.train();
        for (int step = 3; step < 6; step++)
        {
            p.grad = gradients[step].clone();
            q.grad = gradients[step].clone();
            first.step();
            second.step();
        }
        first.eval();
        second.eval();
        Assert.Equal(p.data<float>().ToArray(), q.data<float>().ToArray());
        Assert.Equal(first.States[0]["z"].data<float>().ToArray(), second.States[0]["z"].data<float>().ToArray());
    }

    [Fact]
    public void ARecordedViewOtherThanZeroOrOneIsRefusedAndChangesNothing()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(ones(3));
        using var optimizer = new AdaptiveOptimizer([p], new ScheduleFreeSgdHyperparameters());
        p.grad = ones(3);
        optimizer.step();
        var stream = new MemoryStream();
        optimizer.save_state_dict(new BinaryWriter(stream));
        byte[] bytes = stream.ToArray();
        // The view byte follows the group's last scalar (weight_sum, 8 bytes).
        int at = IndexOf(bytes, "weight_sum"u8.ToArray()) + "weight_sum".Length + 8;
        Assert.Equal(0, bytes[at]);
        bytes[at] = 7;
        var error = Assert.Throws<InvalidDataException>(() => optimizer.load_state_dict(new BinaryReader(new MemoryStream(bytes))));
        Assert.Contains("view", error.Message);
        Assert.False(optimizer.InEvaluationView);
        Assert.Equal(1, optimizer.GroupScalarsOf(0)["k"]);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }

    private static double[] Values(Tensor t) => t.detach().to(float64).reshape(-1).data<double>().ToArray();
}
