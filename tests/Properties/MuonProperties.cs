using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using FsCheck;
using FsCheck.Xunit;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// Muon: the Newton–Schulz iteration's map of singular values (scripts/golden/MODERN.md), the adapter's LibTorch products
/// against the reference products, routing (hidden matrices, head, vectors), maximize, groups and checkpoints.
/// </summary>
public class MuonProperties
{
    /// <summary>
    /// MODERN.md's figures for f⁵ on [0.01, 1] (dense grid): [0.6818, 1.1344]. The grid's step leaves the true extremes
    /// a little outside; 2e-3 covers that and the iteration's rounding, far below the distance to exactly 1.
    /// </summary>
    private const double Lowest = 0.6818 - 2e-3, Highest = 1.1344 + 2e-3;

    [Property(MaxTest = 150)]
    public void NewtonSchulzOutputsSingularValuesInTheReportedRange(PositiveInt rowsSeed, PositiveInt columnsSeed, PositiveInt seed, bool fewSteps)
    {
        int rows = rowsSeed.Get % 12 + 1, columns = columnsSeed.Get % 12 + 1, small = Math.Min(rows, columns);
        var random = new Random(seed.Get);
        // Singular values with σ/‖G‖_F ≥ 0.01: each at least 0.035 and at most 1, with at most 12 of them (‖σ‖ ≤ √12).
        double[] sigma = [.. Enumerable.Range(0, small).Select(_ => 0.035 + 0.965 * random.NextDouble())];
        double scale = Math.Pow(10, random.NextDouble() * 4 - 2);
        double[] g = WithSingularValues(rows, columns, [.. sigma.Select(s => s * scale)], random);
        double norm = Math.Sqrt(g.Sum(x => x * x));
        Assert.All(sigma, s => Assert.True(s * scale / norm >= 0.01));
        int steps = fewSteps ? 3 : 5;

        double[] x = (double[])g.Clone();
        NewtonSchulz.Orthogonalize<double>(x, rows, columns, steps, ReferenceMatrixOperations<double>.Instance);
        double[] actual = SingularValues.Of(x, rows, columns);

        // The sharper statement: every singular value goes through the scalar quintic (sorted: f⁵ is not monotone).
        double[] expected = [.. sigma.Select(s => Quintic(s * scale / (norm + NewtonSchulz.NormEpsilon), steps)).OrderDescending()];
        for (int i = 0; i < small; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-10, $"{rows}×{columns}: singular value {i} is {actual[i]:R}, the quintic gives {expected[i]:R}");
        if (steps == 5)
            Assert.All(actual, s => Assert.InRange(s, Lowest, Highest));
    }

    [Fact]
    public void TinySingularValuesAreNotLiftedToOne()
    {
        // MODERN.md: near 0, f⁵(x) ≈ a⁵x ≈ 487x — a direction with σ/‖G‖_F = 1e-4 ends near 0.05, not near 1.
        var random = new Random(5);
        double[] g = WithSingularValues(6, 4, [1, 1, 1, 1e-4 * 2], random);
        NewtonSchulz.Orthogonalize<double>(g, 6, 4, 5, ReferenceMatrixOperations<double>.Instance);
        double smallest = SingularValues.Of(g, 6, 4)[^1];
        Assert.InRange(smallest, 0.01, 0.2);
    }

    [Property(MaxTest = 60)]
    public void LibTorchProductsEqualTheReferenceProducts(PositiveInt rowsSeed, PositiveInt innerSeed, PositiveInt columnsSeed, bool transposeLeft, bool transposeRight, PositiveInt seed)
    {
        int rows = rowsSeed.Get % 40 + 1, inner = innerSeed.Get % 40 + 1, columns = columnsSeed.Get % 40 + 1;
        var random = new Random(seed.Get);
        double[] left = [.. Enumerable.Range(0, rows * inner).Select(_ => random.NextDouble() * 2 - 1)];
        double[] right = [.. Enumerable.Range(0, inner * columns).Select(_ => random.NextDouble() * 2 - 1)];
        var expected = new double[rows * columns];
        ReferenceMatrixOperations<double>.Instance.Multiply(left, transposeLeft, right, transposeRight, expected, rows, inner, columns);

        var fromTorch = new double[rows * columns];
        TorchMatrixOperations<double>.Instance.Multiply(left, transposeLeft, right, transposeRight, fromTorch, rows, inner, columns);
        var floats = new float[rows * columns];
        TorchMatrixOperations<float>.Instance.Multiply([.. left.Select(v => (float)v)], transposeLeft, [.. right.Select(v => (float)v)], transposeRight, floats, rows, inner, columns);
        for (int i = 0; i < expected.Length; i++)
        {
            // Another summation order: a few roundings of a sum of `inner` terms of magnitude ≤ 1.
            Assert.True(Math.Abs(fromTorch[i] - expected[i]) <= 1e-14 * inner, $"float64 element {i}: {fromTorch[i]:R} vs {expected[i]:R}");
            // float32 inputs and sums: the inputs' rounding (2⁻²⁴ each) and the sum's, over `inner` terms.
            Assert.True(Math.Abs(floats[i] - expected[i]) <= 4e-7 * inner, $"float32 element {i}: {floats[i]:R} vs {expected[i]:R}");
        }
    }

    [Property(MaxTest = 40)]
    public void TheAdaptersFloat32StepFollowsTheReferenceGroupStep(PositiveInt rowsSeed, PositiveInt columnsSeed, PositiveInt seed, bool maximize)
    {
        int rows = rowsSeed.Get % 20 + 1, columns = columnsSeed.Get % 20 + 1;
        var muon = new MuonHyperparameters { Maximize = maximize };
        var random = new Random(seed.Get);
        long[][] shapes = [[rows, columns], [rows], [2, columns, 1, 2]];
        var values = shapes.Select(s => Gaussian(random, Length(s))).ToImmutableArray();
        var states = shapes.Select(s => OptimizerState.Initial(muon, (int)Length(s))).ToImmutableArray();
        using var scope = NewDisposeScope();
        var parameters = shapes.Select((s, t) => new Parameter(tensor(values[t].Select(v => (float)v).ToArray()).reshape(s))).ToList();
        using var optimizer = new AdaptiveOptimizer(parameters, muon);
        for (int step = 0; step < 3; step++)
        {
            var gradients = shapes.Select(s => Gaussian(random, Length(s))).ToImmutableArray();
            var results = ReferenceStep.StepGroup(muon, states, values, gradients, shapes: [.. shapes.Select(s => s.ToImmutableArray())]);
            (states, values) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
            for (int t = 0; t < shapes.Length; t++) parameters[t].grad = tensor(gradients[t].Select(v => (float)v).ToArray()).reshape(shapes[t]);
            optimizer.step();
        }
        for (int t = 0; t < shapes.Length; t++)
        {
            float[] actual = parameters[t].data<float>().ToArray();
            // Three steps of lr 0.02 along orthogonalised directions of order 1 (or AdamW steps of 3e-4) in float32.
            for (int i = 0; i < actual.Length; i++)
                Assert.True(Math.Abs(actual[i] - values[t][i]) <= 1e-5 * (1 + Math.Abs(values[t][i])), $"tensor {t} element {i}: {actual[i]:R} vs {values[t][i]:R}");
        }
    }

    [Property(MaxTest = 30)]
    public void MaximizeIsDescentOnTheNegatedGradient(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var muon = new MuonHyperparameters(WeightDecay: 0.1, AdamWeightDecay: 0.1);
        long[][] shapes = [[5, 3], [4], [3, 2, 2, 2]];
        var start = shapes.Select(s => Gaussian(random, Length(s))).ToImmutableArray();
        var gradients = shapes.Select(s => Gaussian(random, Length(s))).ToImmutableArray();
        var negated = gradients.Select(g => g.Select(v => -v).ToImmutableArray()).ToImmutableArray();
        ImmutableArray<ImmutableArray<long>> shapeList = [.. shapes.Select(s => s.ToImmutableArray())];
        var up = ReferenceStep.StepGroup(muon with { Maximize = true }, [.. shapes.Select(s => OptimizerState.Initial(muon, (int)Length(s)))], start, gradients, shapes: shapeList);
        var down = ReferenceStep.StepGroup(muon, [.. shapes.Select(s => OptimizerState.Initial(muon, (int)Length(s)))], start, negated, shapes: shapeList);
        for (int t = 0; t < shapes.Length; t++)
        {
            for (int i = 0; i < down[t].Parameters.Length; i++)
                Assert.True(down[t].Parameters[i] == up[t].Parameters[i], $"tensor {t} element {i}: {up[t].Parameters[i]:R} vs {down[t].Parameters[i]:R}");
            foreach (var quantity in down[t].State.Quantities)
                for (int i = 0; i < quantity.Values.Length; i++)
                    Assert.True(quantity.Values[i] == up[t].State[quantity.Name][i], $"tensor {t} {quantity.Name}[{i}]: {up[t].State[quantity.Name][i]:R} vs {quantity.Values[i]:R}");
        }
    }

    [Fact]
    public void HiddenMatricesTakeMuonAndTheHeadBiasesAndEmbeddingsTakeAdamW()
    {
        using var scope = NewDisposeScope();
        (string, Parameter)[] named =
        [
            ("embed.weight", new Parameter(randn(10, 4))), ("conv.weight", new Parameter(randn(3, 2, 2, 2))), ("conv.bias", new Parameter(randn(3))),
            ("fc.weight", new Parameter(randn(5, 12))), ("fc.bias", new Parameter(randn(5))), ("head.weight", new Parameter(randn(2, 5))), ("head.bias", new Parameter(randn(2))),
        ];
        var muon = new MuonHyperparameters();
        Assert.Equal(["conv.weight", "fc.weight"], MuonGroups.Orthogonalised(named, muon));
        using var optimizer = new AdaptiveOptimizer(MuonGroups.Of(named, muon), new Pure.Transforms.OptimizerChain(muon, []), named);
        foreach (var (_, p) in named) p.grad = ones_like(p);
        optimizer.step();
        foreach (var state in optimizer.States)
        {
            bool orthogonalised = state.Name is "conv.weight" or "fc.weight";
            Assert.Equal(orthogonalised, Has(state, "momentum_buffer"));
            Assert.Equal(!orthogonalised, Has(state, "exp_avg") && Has(state, "exp_avg_sq"));
        }
    }

    [Fact]
    public void TheAdamWPartFollowsTheGroupsSchedule()
    {
        // A scheduler halving the group's lr halves adam_lr too: the same step as a record with both halved.
        using var scope = NewDisposeScope();
        var muon = new MuonHyperparameters();
        var random = new Random(11);
        long[][] shapes = [[4, 3], [4]];
        var start = shapes.Select(s => Gaussian(random, Length(s))).ToImmutableArray();
        var gradients = shapes.Select(s => Gaussian(random, Length(s))).ToImmutableArray();
        var parameters = shapes.Select((s, t) => new Parameter(tensor(start[t].ToArray()).reshape(s))).ToList();
        using var optimizer = new AdaptiveOptimizer(parameters, muon);
        optimizer.ParamGroups.First().LearningRate = muon.Lr / 2;
        for (int t = 0; t < shapes.Length; t++) parameters[t].grad = tensor(gradients[t].ToArray()).reshape(shapes[t]);
        optimizer.step();
        var halved = muon with { Lr = muon.Lr / 2, AdamLr = muon.AdamLr / 2 };
        var expected = ReferenceStep.StepGroup(halved, [.. shapes.Select(s => OptimizerState.Initial(halved, (int)Length(s)))], start, gradients,
                                               shapes: [.. shapes.Select(s => s.ToImmutableArray())]);
        for (int t = 0; t < shapes.Length; t++)
        {
            double[] actual = parameters[t].data<double>().ToArray();
            for (int i = 0; i < actual.Length; i++) Assert.Equal(expected[t].Parameters[i], actual[i], 1e-12);
        }
    }

    [Fact]
    public void CheckpointRoundTripContinuesBitIdentically()
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator().manual_seed(7);
        long[][] shapes = [[6, 5], [6], [3, 2, 2, 2], [2, 6], [2]];
        var muon = new MuonHyperparameters(WeightDecay: 0.01);
        (string, Parameter)[] Named(IReadOnlyList<Parameter> ps) => [.. ps.Select((p, i) => ($"p{i}", p))];
        var a = shapes.Select(s => new Parameter(randn(s, generator: generator))).ToList();
        var b = a.Select(p => new Parameter(p.detach().clone())).ToList();
        using var first = new AdaptiveOptimizer(MuonGroups.Of(Named(a), muon), new Pure.Transforms.OptimizerChain(muon, []), Named(a));
        using var second = new AdaptiveOptimizer(MuonGroups.Of(Named(b), muon), new Pure.Transforms.OptimizerChain(muon, []), Named(b));
        var gradients = Enumerable.Range(0, 5).Select(_ => shapes.Select(s => randn(s, generator: generator)).ToList()).ToList();
        for (int step = 0; step < 3; step++)
        {
            for (int t = 0; t < a.Count; t++) a[t].grad = gradients[step][t].clone();
            first.step();
        }
        var saved = new MemoryStream();
        first.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        using (no_grad()) for (int t = 0; t < a.Count; t++) b[t].copy_(a[t]);
        second.load_state_dict(new BinaryReader(saved));
        for (int step = 3; step < 5; step++)
        {
            for (int t = 0; t < a.Count; t++)
            {
                a[t].grad = gradients[step][t].clone();
                b[t].grad = gradients[step][t].clone();
            }
            first.step();
            second.step();
        }
        for (int t = 0; t < a.Count; t++)
        {
            Assert.Equal(a[t].data<float>().ToArray(), b[t].data<float>().ToArray());
            foreach (string name in new[] { "momentum_buffer", "exp_avg", "exp_avg_sq" }.Where(n => Has(first.States[t], n)))
                Assert.Equal(first.States[t][name].data<float>().ToArray(), second.States[t][name].data<float>().ToArray());
        }
        Assert.Equal(5, second.States[^1].Step);
    }

    [Fact]
    public void NsStepsOutsideItsRangeIsRefused()
    {
        Assert.Contains(new MuonHyperparameters(NsSteps: 0).Validate(), e => e.Parameter == "ns_steps");
        Assert.Contains(new MuonHyperparameters(Momentum: 1).Validate(), e => e.Parameter == "momentum");
        Assert.Empty(new MuonHyperparameters().Validate());
    }

    private static bool Has(AdaptiveOptimizer.State state, string name)
    {
        try
        {
            return state[name] is not null;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The scalar quintic f(x) = ax + bx³ + cx⁵, <paramref name="steps"/> times.</summary>
    private static double Quintic(double x, int steps)
    {
        for (int i = 0; i < steps; i++) x = NewtonSchulz.A * x + NewtonSchulz.B * x * x * x + NewtonSchulz.C * x * x * x * x * x;
        return x;
    }

    /// <summary>U diag(σ) Vᵀ with U, V random orthonormal columns (Gram–Schmidt of Gaussian vectors).</summary>
    private static double[] WithSingularValues(int rows, int columns, double[] sigma, Random random)
    {
        double[][] u = Orthonormal(rows, sigma.Length, random), v = Orthonormal(columns, sigma.Length, random);
        var g = new double[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                for (int k = 0; k < sigma.Length; k++)
                    g[i * columns + j] += u[k][i] * sigma[k] * v[k][j];
        return g;
    }

    private static double[][] Orthonormal(int length, int count, Random random)
    {
        var vectors = new double[count][];
        for (int k = 0; k < count; k++)
        {
            double[] w = [.. Gaussian(random, length)];
            for (int pass = 0; pass < 2; pass++)
                for (int j = 0; j < k; j++)
                {
                    double dot = w.Zip(vectors[j]).Sum(p => p.First * p.Second);
                    for (int i = 0; i < length; i++) w[i] -= dot * vectors[j][i];
                }
            double norm = Math.Sqrt(w.Sum(x => x * x));
            vectors[k] = [.. w.Select(x => x / norm)];
        }
        return vectors;
    }

    private static ImmutableArray<double> Gaussian(Random random, long length) =>
        [.. Enumerable.Range(0, (int)length).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))];

    private static long Length(long[] shape) => shape.Aggregate(1L, (n, s) => n * s);
}
