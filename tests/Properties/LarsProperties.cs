using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// LARS' defining behaviour (You et al. 2017, torchlars): the trust ratio from each tensor's own norms, the
/// scaled gradient bounded by trust_coef·‖θ‖, the step independent of the gradient's scale, and the exclusion of
/// tensors of at most one dimension.
/// </summary>
public class LarsProperties
{
    [Property(Arbitrary = [typeof(LarsGroups)], MaxTest = 200)]
    public void FirstStepIsLrTimesTheTrustRatioTimesTheDecayedGradientPerTensor(LarsGroup group)
    {
        var h = group.Hyperparameters;
        var results = group.Step();
        for (int t = 0; t < group.Parameters.Length; t++)
        {
            var (x, g) = (group.Parameters[t], group.Gradients[t]);
            bool excluded = h.ExcludeBiasAndNorm && group.Dimensions[t] <= 1;
            double decay = excluded ? 0 : h.WeightDecay;
            double parameterNorm = Norm(x), gradientNorm = Norm(g);
            double ratio = excluded || parameterNorm == 0 || gradientNorm == 0 ? 1 : h.TrustCoef * parameterNorm / (gradientNorm + decay * parameterNorm + h.Eps);
            // At step 1 the momentum buffer is the scaled gradient; Nesterov adds μ times it once more.
            double direction = h.Momentum != 0 && h.Nesterov ? 1 + h.Momentum : 1;
            double[] scaled = [.. x.Select((v, i) => (g[i] + decay * v) * ratio)];
            for (int i = 0; i < x.Length; i++)
                Tolerance.AssertClose(x[i] - h.Lr * direction * scaled[i], results[t].Parameters[i], $"tensor {t} element {i}", relative: 1e-12, absolute: 1e-15);
            // The scaled gradient is bounded by trust_coef·‖θ‖ (equal when λ = 0 = ε) for every adapted tensor.
            if (!excluded) Assert.True(Norm(scaled) <= h.TrustCoef * parameterNorm * (1 + 1e-12), $"tensor {t}: ‖r(g + λθ)‖ = {Norm(scaled)} > η‖θ‖ = {h.TrustCoef * parameterNorm}");
            var rates = ReferenceStep.EffectiveLearningRates(h, results[t].State, x.Length);
            // Relative, not Assert.Equal's 12 decimals: two values an ulp apart can round to different 12th decimals.
            Assert.All(rates, rate => Tolerance.AssertClose(h.Lr * ratio, rate, "effective lr", relative: 1e-12, absolute: 0));
        }
    }

    [Property(Arbitrary = [typeof(LarsGroups)], MaxTest = 200)]
    public void WithoutWeightDecayTheStepDoesNotDependOnTheGradientsScale(LarsGroup group, PositiveInt exponent)
    {
        double scale = Math.Pow(10, exponent.Get % 9 - 4);
        var h = group.Hyperparameters with { WeightDecay = 0, Eps = 0, ExcludeBiasAndNorm = false };
        var plain = (group with { Hyperparameters = h }).Step();
        var scaled = (group with { Hyperparameters = h, Gradients = [.. group.Gradients.Select(g => g.Select(v => v * scale).ToArray())] }).Step();
        for (int t = 0; t < plain.Length; t++)
            for (int i = 0; i < plain[t].Parameters.Length; i++)
                Tolerance.AssertClose(plain[t].Parameters[i], scaled[t].Parameters[i], $"tensor {t} element {i} at scale {scale}", relative: 1e-12, absolute: 1e-14);
    }

    private static double Norm(IEnumerable<double> values) => Math.Sqrt(values.Sum(v => v * v));
}

/// <summary>A LARS group step: tensors of some dimensions, their values and gradients.</summary>
public sealed record LarsGroup(LarsHyperparameters Hyperparameters, double[][] Parameters, double[][] Gradients, int[] Dimensions)
{
    /// <summary>One group step from the initial state.</summary>
    public ImmutableArray<StepResult> Step() =>
        ReferenceStep.StepGroup(Hyperparameters, [.. Parameters.Select(p => OptimizerState.Initial(Hyperparameters, p.Length))],
                                [.. Parameters.Select(p => ImmutableArray.Create(p))], [.. Gradients.Select(g => ImmutableArray.Create(g))], [.. Dimensions]);

    public override string ToString() =>
        $"{Hyperparameters} dims=[{string.Join(", ", Dimensions)}] x=[{string.Join("; ", Parameters.Select(p => string.Join(", ", p)))}] g=[{string.Join("; ", Gradients.Select(g => string.Join(", ", g)))}]";
}

/// <summary>LARS groups of one to three tensors (matrices and vectors), weights and gradients of various magnitudes.</summary>
public static class LarsGroups
{
    public static Arbitrary<LarsGroup> Groups() =>
        (from h in Generators.Lars
         from count in Gen.Choose(1, 3)
         from sizes in Gen.Choose(1, 8).ArrayOf(count)
         from dimensions in Gen.Choose(1, 4).ArrayOf(count)
         from parameters in Generators.GradientElement.ArrayOf(sizes.Sum())
         from gradients in Generators.GradientElement.ArrayOf(sizes.Sum())
         select new LarsGroup((LarsHyperparameters)h, Split(parameters, sizes), Split(gradients, sizes), dimensions)).ToArbitrary();

    private static double[][] Split(double[] values, int[] sizes) =>
        [.. sizes.Select((n, k) => values.Skip(sizes.Take(k).Sum()).Take(n).ToArray())];
}
