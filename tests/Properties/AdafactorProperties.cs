using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using AdaptiveLR.Torch;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>A generated Adafactor problem: a parameter shape, a start and a gradient per step.</summary>
public sealed record AdafactorScenario(AdafactorHyperparameters Hyperparameters, long[] Shape, double[] X0, double[][] Gradients)
{
    public override string ToString() =>
        $"{Hyperparameters} shape=[{string.Join(", ", Shape)}] x0=[{string.Join(", ", X0)}] grads=[{string.Join("; ", Gradients.Select(g => string.Join(", ", g)))}]";
}

public static class AdafactorScenarios
{
    private static Gen<double> Uniform(double low, double high) => Gen.Choose(0, 10_000).Select(i => low + (high - low) * i / 10_000.0);

    private static Gen<double> LogUniform(double low, double high) => Uniform(Math.Log(low), Math.Log(high)).Select(Math.Exp);

    public static Gen<AdafactorHyperparameters> Hyperparameters =>
        from lr in LogUniform(1e-3, 0.5)
        from decay in Uniform(-1, -0.3)
        from eps1 in Gen.Elements(1e-30, 1e-10, 1e-3)
        from eps2 in LogUniform(1e-4, 1e-1)
        from clip in Gen.OneOf(LogUniform(0.1, 10), Gen.Constant(1.0))
        from weightDecay in Gen.OneOf(Gen.Constant(0.0), LogUniform(1e-4, 1e-1))
        from relative in Gen.Elements(true, false)
        select new AdafactorHyperparameters((float)lr, decay, eps1, (float)eps2, clip, weightDecay, relative);

    public static Gen<AdafactorScenario> Of(int minimumRank, int maximumRank) =>
        from h in Hyperparameters
        from rank in Gen.Choose(minimumRank, maximumRank)
        from dims in Gen.Choose(1, 5).ArrayOf(rank)
        let shape = dims.Select(d => (long)d).ToArray()
        let size = dims.Aggregate(1, (a, b) => a * b)
        from x0 in Uniform(-3, 3).Select(x => (double)(float)x).ArrayOf(size)
        from steps in Gen.Choose(1, 8)
        from gradients in Generators.GradientElement.ArrayOf(size).ArrayOf(steps)
        select new AdafactorScenario(h, shape, x0, gradients);

    public static Arbitrary<AdafactorScenario> Scenarios() => Of(1, 3).ToArbitrary();
}

/// <summary>Shapes wide enough for the float32 step's SIMD bodies and their scalar tails (up to 70 columns, 600 elements).</summary>
public static class AdafactorWideShapes
{
    public static Arbitrary<AdafactorScenario> Scenarios() =>
        (from h in AdafactorScenarios.Hyperparameters
         from rank in Gen.Choose(1, 3)
         from columns in Gen.Choose(1, 70)
         from leading in Gen.Choose(1, 4).ArrayOf(rank - 1)
         let shape = leading.Select(d => (long)d).Append(columns).ToArray()
         let size = (int)shape.Aggregate(1L, (a, b) => a * b)
         from x0 in Gen.Choose(-30_000, 30_000).Select(i => (double)(float)(i / 10_000.0)).ArrayOf(size)
         from steps in Gen.Choose(1, 4)
         from gradients in Generators.GradientElement.ArrayOf(size).ArrayOf(steps)
         select new AdafactorScenario(h, shape, x0, gradients)).ToArbitrary();
}

/// <summary>
/// Matrices tall and wide enough for every part of the float32 factored step: several chunks of rows (8 rows of up to
/// 330 columns each, the last one partial), four-lane column tiles, single-lane tiles and scalar tail columns, and
/// Σθ² carried across rows past a block of 4,096 elements.
/// </summary>
public static class AdafactorTallMatrices
{
    public static Arbitrary<AdafactorScenario> Scenarios() =>
        (from h in AdafactorScenarios.Hyperparameters
         from rows in Gen.Choose(9, 40)
         from columns in Gen.Choose(200, 330)
         from x0 in Gen.Choose(-30_000, 30_000).Select(i => (double)(float)(i / 10_000.0)).ArrayOf(rows * columns)
         from steps in Gen.Choose(1, 3)
         from gradients in Generators.GradientElement.ArrayOf(rows * columns).ArrayOf(steps)
         select new AdafactorScenario(h, [rows, columns], x0, gradients)).ToArbitrary();
}

public static class AdafactorMatrices
{
    public static Arbitrary<AdafactorScenario> Scenarios() => AdafactorScenarios.Of(2, 3).ToArbitrary();
}

/// <summary>
/// Adafactor has no TorchSharp counterpart: it is checked against a plain, independent transcription
/// of Shazeer &amp; Stern's Algorithms 4 and 5, on vectors (record-level API), on matrices and higher
/// ranks (the tensor step and the adapter on float32), and against its invariants.
/// </summary>
public class AdafactorProperties
{
    /// <summary>The paper's state: R and C for a matrix, V for a vector.</summary>
    private sealed class PaperState
    {
        public double[] R = [], C = [], V = [];
    }

    /// <summary>
    /// One step of Algorithm 4 (factored, shape of rank ≥ 2 seen as rows × last dim) or 5 (vector),
    /// with ρₜ = min(lr, 1/√t), αₜ = max(ε₂, RMS(X))ρₜ, β̂₂ₜ = 1 − t^c and update clipping.
    /// Returns Û for the invariant checks.
    /// </summary>
    private static double[] PaperStep(AdafactorHyperparameters h, long[] shape, long t, double[] x, double[] g, PaperState s)
    {
        int n = x.Length;
        bool factored = shape.Length >= 2;
        int cols = factored ? (int)shape[^1] : n;
        int rows = n / cols;
        double rho = h.RelativeStep ? Math.Min(h.Lr, 1.0 / Math.Sqrt(t)) : h.Lr;
        double rmsX = Math.Sqrt(x.Sum(v => v * v) / n);
        double alpha = Math.Max(h.Eps2, rmsX) * rho;
        double beta2 = 1 - Math.Pow(t, h.Beta2Decay);
        var vHat = new double[n];
        if (factored)
        {
            if (s.R.Length == 0) (s.R, s.C) = (new double[rows], new double[cols]);
            var squared = new double[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    squared[i, j] = g[i * cols + j] * g[i * cols + j] + h.Eps1;
            for (int i = 0; i < rows; i++)
            {
                double rowMean = Enumerable.Range(0, cols).Sum(j => squared[i, j]) / cols;
                s.R[i] = beta2 * s.R[i] + (1 - beta2) * rowMean;
            }
            for (int j = 0; j < cols; j++)
            {
                double colMean = Enumerable.Range(0, rows).Sum(i => squared[i, j]) / rows;
                s.C[j] = beta2 * s.C[j] + (1 - beta2) * colMean;
            }
            double meanR = s.R.Average();
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    vHat[i * cols + j] = s.R[i] * s.C[j] / meanR;
        }
        else
        {
            if (s.V.Length == 0) s.V = new double[n];
            for (int i = 0; i < n; i++) s.V[i] = beta2 * s.V[i] + (1 - beta2) * (g[i] * g[i] + h.Eps1);
            Array.Copy(s.V, vHat, n);
        }
        var u = g.Select((gi, i) => gi / Math.Sqrt(vHat[i])).ToArray();
        double rmsU = Math.Sqrt(u.Sum(v => v * v) / n);
        var uHat = u.Select(v => v / Math.Max(1, rmsU / h.ClipThreshold)).ToArray();
        for (int i = 0; i < n; i++) x[i] = x[i] * (1 - rho * h.WeightDecay) - alpha * uHat[i];
        return uHat;
    }

    private static List<double[]> PaperTrajectory(AdafactorScenario scenario)
    {
        var x = (double[])scenario.X0.Clone();
        var state = new PaperState();
        var result = new List<double[]>();
        for (int t = 1; t <= scenario.Gradients.Length; t++)
        {
            PaperStep(scenario.Hyperparameters, scenario.Shape, t, x, scenario.Gradients[t - 1], state);
            result.Add((double[])x.Clone());
        }
        return result;
    }

    [Property(Arbitrary = [typeof(AdafactorScenarios)])]
    public void TensorStepEqualsThePapersAlgorithm(AdafactorScenario scenario)
    {
        var h = scenario.Hyperparameters;
        var view = MatrixView.Of(scenario.Shape);
        var expected = PaperTrajectory(scenario);
        var x = (double[])scenario.X0.Clone();
        double[][] slots = [.. Enumerable.Range(0, 3).Select(k => new double[h.SlotLength(k, view)])];
        for (int t = 1; t <= scenario.Gradients.Length; t++)
        {
            h.Step<double>(h.ContextFor(t), view, x, scenario.Gradients[t - 1], slots[0], slots[1], slots[2]);
            for (int i = 0; i < x.Length; i++)
                Tolerance.AssertClose(expected[t - 1][i], x[i], $"step {t} element {i}", relative: 1e-9, absolute: 1e-12);
        }
    }

    [Property(Arbitrary = [typeof(AdafactorScenarios)])]
    public void RecordLevelStepOnVectorsEqualsThePapersUnfactoredAlgorithm(AdafactorScenario scenario)
    {
        var vector = scenario with { Shape = [scenario.X0.Length] };
        var expected = PaperTrajectory(vector);
        var actual = Trajectories.Reference(new Scenario(scenario.Hyperparameters, scenario.X0, scenario.Gradients));
        for (int t = 0; t < expected.Count; t++)
        {
            Assert.Equal(["exp_avg_sq"], actual[t].State.Quantities.Select(q => q.Name));
            for (int i = 0; i < scenario.X0.Length; i++)
                Tolerance.AssertClose(expected[t][i], actual[t].Parameters[i], $"step {t + 1} element {i}", relative: 1e-9, absolute: 1e-12);
        }
    }

    [Property(Arbitrary = [typeof(AdafactorScenarios)], MaxTest = 40)]
    public void AdapterOnFloat32EqualsThePapersAlgorithm(AdafactorScenario scenario)
    {
        using var scope = NewDisposeScope();
        var expected = PaperTrajectory(scenario);
        var parameter = new Parameter(tensor(scenario.X0.Select(v => (float)v).ToArray()).reshape(scenario.Shape));
        using var optimizer = new AdaptiveOptimizer([parameter], scenario.Hyperparameters);
        for (int t = 0; t < expected.Count; t++)
        {
            SetGradient(parameter, scenario.Gradients[t], scenario.Shape);
            optimizer.step();
            float[] actual = parameter.data<float>().ToArray();
            for (int i = 0; i < actual.Length; i++)
            {
                double scale = Math.Max(Math.Abs(scenario.X0[i]), expected.Take(t + 1).Max(x => Math.Abs(x[i])));
                Tolerance.AssertClose(expected[t][i], actual[i], $"step {t + 1} element {i}", relative: 1e-4, absolute: 1e-6, scale: scale);
            }
        }
    }

    [Property(Arbitrary = [typeof(AdafactorWideShapes)], MaxTest = 60)]
    public void Float32StepOnWideShapesEqualsThePapersAlgorithm(AdafactorScenario scenario)
    {
        var h = scenario.Hyperparameters;
        var view = MatrixView.Of(scenario.Shape);
        var expected = PaperTrajectory(scenario);
        float[] x = [.. scenario.X0.Select(v => (float)v)];
        float[][] slots = [.. Enumerable.Range(0, 3).Select(k => new float[h.SlotLength(k, view)])];
        for (int t = 1; t <= scenario.Gradients.Length; t++)
        {
            h.Step<float>(h.ContextFor(t), view, x, [.. scenario.Gradients[t - 1].Select(v => (float)v)], slots[0], slots[1], slots[2]);
            for (int i = 0; i < x.Length; i++)
            {
                double scale = Math.Max(Math.Abs(scenario.X0[i]), expected.Take(t).Max(e => Math.Abs(e[i])));
                Tolerance.AssertClose(expected[t - 1][i], x[i], $"step {t} element {i}", relative: 1e-4, absolute: 1e-6, scale: scale);
            }
        }
    }

    /// <summary>The float32 step on every lane width (AVX-512, AVX, <c>Vector&lt;float&gt;</c>), so the fallbacks for machines without AVX-512 are tested here too.</summary>
    [Property(Arbitrary = [typeof(AdafactorWideShapes)], MaxTest = 40)]
    public void Float32StepOnEveryLaneWidthEqualsThePapersAlgorithm(AdafactorScenario scenario) => AssertEveryLaneWidth(scenario);

    /// <summary>The float32 factored step over several chunks of rows, on every lane width.</summary>
    [Property(Arbitrary = [typeof(AdafactorTallMatrices)], MaxTest = 15)]
    public void Float32StepOnTallMatricesEqualsThePapersAlgorithm(AdafactorScenario scenario) => AssertEveryLaneWidth(scenario);

    private static void AssertEveryLaneWidth(AdafactorScenario scenario)
    {
        var expected = PaperTrajectory(scenario);
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) AssertFloatWidth<Float512Lane>(scenario, expected, "AVX-512");
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) AssertFloatWidth<Float256Lane>(scenario, expected, "AVX");
        AssertFloatWidth<FloatVectorLane>(scenario, expected, "Vector<float>");
    }

    private static void AssertFloatWidth<TLane>(AdafactorScenario scenario, List<double[]> expected, string width) where TLane : struct, IFloatLane<TLane>
    {
        var h = scenario.Hyperparameters;
        var view = MatrixView.Of(scenario.Shape);
        float[] x = [.. scenario.X0.Select(v => (float)v)];
        float[][] slots = [.. Enumerable.Range(0, 3).Select(k => Enumerable.Repeat(0f, h.SlotLength(k, view)).ToArray())];
        for (int t = 1; t <= scenario.Gradients.Length; t++)
        {
            h.StepFloat<TLane>(h.ContextFor(t), view, x, [.. scenario.Gradients[t - 1].Select(v => (float)v)], slots[0], slots[1], slots[2]);
            for (int i = 0; i < x.Length; i++)
            {
                double scale = Math.Max(Math.Abs(scenario.X0[i]), expected.Take(t).Max(e => Math.Abs(e[i])));
                Tolerance.AssertClose(expected[t - 1][i], x[i], $"{width}, step {t} element {i}", relative: 1e-4, absolute: 1e-6, scale: scale);
            }
        }
    }

    [Property(Arbitrary = [typeof(AdafactorScenarios)], MaxTest = 20)]
    public void AdapterGeneralPathOnFloat64EqualsThePapersAlgorithm(AdafactorScenario scenario)
    {
        using var scope = NewDisposeScope();
        var expected = PaperTrajectory(scenario);
        var parameter = new Parameter(tensor(scenario.X0).reshape(scenario.Shape));
        using var optimizer = new AdaptiveOptimizer([parameter], scenario.Hyperparameters);
        for (int t = 0; t < expected.Count; t++)
        {
            SetGradient(parameter, scenario.Gradients[t], scenario.Shape);
            optimizer.step();
        }
        double[] actual = parameter.data<double>().ToArray();
        for (int i = 0; i < actual.Length; i++)
            Tolerance.AssertClose(expected[^1][i], actual[i], $"element {i}", relative: 1e-9, absolute: 1e-12);
    }

    [Property(Arbitrary = [typeof(AdafactorScenarios)])]
    public void AccumulatorsStayPositiveAndClippedUpdatesStayWithinTheThreshold(AdafactorScenario scenario)
    {
        var h = scenario.Hyperparameters with { WeightDecay = 0 };
        var view = MatrixView.Of(scenario.Shape);
        var x = (double[])scenario.X0.Clone();
        double[][] slots = [.. Enumerable.Range(0, 3).Select(k => new double[h.SlotLength(k, view)])];
        for (int t = 1; t <= scenario.Gradients.Length; t++)
        {
            var before = (double[])x.Clone();
            h.Step<double>(h.ContextFor(t), view, x, scenario.Gradients[t - 1], slots[0], slots[1], slots[2]);
            foreach (var slot in slots) Assert.All(slot, value => Assert.True(value > 0, $"step {t}: accumulator {value}"));
            double rho = h.RelativeStep ? Math.Min(h.Lr, 1.0 / Math.Sqrt(t)) : h.Lr;
            double alpha = Math.Max(h.Eps2, Math.Sqrt(before.Sum(v => v * v) / before.Length)) * rho;
            double rmsUpdate = Math.Sqrt(before.Select((b, i) => (b - x[i]) / alpha).Sum(u => u * u) / x.Length);
            Assert.True(rmsUpdate <= h.ClipThreshold * (1 + 1e-6), $"step {t}: RMS(Û) = {rmsUpdate} > d = {h.ClipThreshold}");
        }
    }

    [Property(Arbitrary = [typeof(AdafactorScenarios)])]
    public void EffectiveLearningRateIsTheStepSizeOverTheRootOfTheSecondMoment(AdafactorScenario scenario)
    {
        // Documented approximation: αₜ from the parameters after the step, no clipping factor.
        var h = scenario.Hyperparameters;
        var results = Trajectories.Reference(new Scenario(h, scenario.X0, scenario.Gradients));
        var last = results[^1];
        long t = last.State.Step;
        double rho = h.RelativeStep ? Math.Min(h.Lr, 1.0 / Math.Sqrt(t)) : h.Lr;
        double alpha = Math.Max(h.Eps2, Math.Sqrt(last.Parameters.Sum(v => v * v) / last.Parameters.Length)) * rho;
        var rates = Pure.Core.ReferenceStep.EffectiveLearningRates(h, last.State, scenario.X0.Length, last.Parameters);
        for (int i = 0; i < rates.Length; i++)
            Tolerance.AssertClose(alpha / Math.Sqrt(last.State["exp_avg_sq"][i]), rates[i], $"element {i}", relative: 1e-12, absolute: 0);
        Assert.Throws<ArgumentException>(() => Pure.Core.ReferenceStep.EffectiveLearningRates(h, last.State, scenario.X0.Length));
    }

    [Property(Arbitrary = [typeof(AdafactorMatrices)], MaxTest = 30)]
    public void FactoredMemoryIsRowsPlusColumns(AdafactorScenario scenario)
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(scenario.X0.Select(v => (float)v).ToArray()).reshape(scenario.Shape));
        using var optimizer = new AdaptiveOptimizer([parameter], scenario.Hyperparameters);
        SetGradient(parameter, scenario.Gradients[0], scenario.Shape);
        optimizer.step();
        long columns = scenario.Shape[^1], rows = scenario.X0.Length / columns;
        var state = optimizer.States[0];
        Assert.Equal([rows], state["exp_avg_sq_row"].shape);
        Assert.Equal([columns], state["exp_avg_sq_col"].shape);
        Assert.Equal(rows + columns, state["exp_avg_sq_row"].numel() + state["exp_avg_sq_col"].numel());
        Assert.Throws<KeyNotFoundException>(() => state["exp_avg_sq"]);
    }

    [Fact]
    public void VectorsKeepAnUnfactoredSecondMomentShapedLikeTheParameter()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(new float[] { 1, -2, 3 }));
        using var optimizer = new AdaptiveOptimizer([parameter], new AdafactorHyperparameters());
        SetGradient(parameter, [0.5, -1, 2], [3]);
        optimizer.step();
        Assert.Equal([3L], optimizer.States[0]["exp_avg_sq"].shape);
        Assert.Equal(new float[] { 0.25f + 1e-30f, 1, 4 }, optimizer.States[0]["exp_avg_sq"].data<float>().ToArray());
    }

    [Fact]
    public void StateDictRoundTripContinuesBitIdentically()
    {
        using var scope = NewDisposeScope();
        var h = new AdafactorHyperparameters(WeightDecay: 0.01);
        var random = new Random(7);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        var weight = new Parameter(tensor(Values(12)).reshape(3, 4));
        var bias = new Parameter(tensor(Values(4)));
        using var optimizer = new AdaptiveOptimizer([weight, bias], h);
        var gradients = Enumerable.Range(0, 7).Select(_ => (Values(12), Values(4))).ToList();
        void Run(AdaptiveOptimizer o, Parameter w, Parameter b, int from, int to)
        {
            for (int t = from; t < to; t++)
            {
                SetGradient(w, [.. gradients[t].Item1.Select(v => (double)v)], [3, 4]);
                SetGradient(b, [.. gradients[t].Item2.Select(v => (double)v)], [4]);
                o.step();
            }
        }
        Run(optimizer, weight, bias, 0, 3);

        var saved = new MemoryStream();
        optimizer.save_state_dict(new BinaryWriter(saved));
        var weightCopy = new Parameter(weight.detach().clone());
        var biasCopy = new Parameter(bias.detach().clone());
        using var restored = new AdaptiveOptimizer([weightCopy, biasCopy], h);
        saved.Position = 0;
        restored.load_state_dict(new BinaryReader(saved));

        Run(optimizer, weight, bias, 3, 7);
        Run(restored, weightCopy, biasCopy, 3, 7);
        Assert.Equal(weight.data<float>().ToArray(), weightCopy.data<float>().ToArray());
        Assert.Equal(bias.data<float>().ToArray(), biasCopy.data<float>().ToArray());
        Assert.Equal(optimizer.States[0]["exp_avg_sq_row"].data<float>().ToArray(), restored.States[0]["exp_avg_sq_row"].data<float>().ToArray());
        Assert.Equal(optimizer.States[0]["exp_avg_sq_col"].data<float>().ToArray(), restored.States[0]["exp_avg_sq_col"].data<float>().ToArray());
    }

    [Fact]
    public void StateOfAnotherShapeIsRejected()
    {
        using var scope = NewDisposeScope();
        var h = new AdafactorHyperparameters();
        var matrix = new Parameter(ones(3, 4));
        using var optimizer = new AdaptiveOptimizer([matrix], h);
        SetGradient(matrix, [.. Enumerable.Repeat(0.5, 12)], [3, 4]);
        optimizer.step();
        var saved = new MemoryStream();
        optimizer.save_state_dict(new BinaryWriter(saved));
        var other = new Parameter(ones(4, 3));
        using var target = new AdaptiveOptimizer([other], h);
        saved.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() => target.load_state_dict(new BinaryReader(saved)));
        Assert.Contains("exp_avg_sq_row", error.Message);
    }

    /// <summary>Sets the parameter's gradient to <paramref name="gradient"/> through autograd: d/dθ Σ θᵢgᵢ = g.</summary>
    private static void SetGradient(Parameter parameter, double[] gradient, long[] shape)
    {
        parameter.grad?.zero_();
        using var g = tensor(gradient).reshape(shape).to(parameter.dtype);
        (parameter * g).sum().backward();
    }
}
