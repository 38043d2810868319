using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using FsCheck;
using FsCheck.Xunit;
using Xunit;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// The papers' and the authors' code's invariants of Adan, ADOPT and AdEMAMix (scripts/golden/MODERN.md), on the
/// reference path with random gradients: heavy-tailed ones, so that clipping and outliers happen.
/// </summary>
public class ElementwiseStagedInvariantProperties
{
    /// <summary>ADOPT: nothing moves at step 1, and the normalised gradient behind every later m is within ±(t − 1)^¼.</summary>
    [Property(MaxTest = 80)]
    public void AdoptClipsTheNormalisedGradientAndDoesNotMoveAtStepOne(PositiveInt seed, bool decouple, bool withDecay)
    {
        var h = new AdoptHyperparameters(Lr: 0.01, WeightDecay: withDecay ? 0.1 : 0, Decouple: decouple);
        var random = new Random(seed.Get);
        var x = HeavyTailed(random, 16);
        var state = OptimizerState.Initial(h, x.Length);
        var first = ReferenceStep.Step(h, state, x, HeavyTailed(random, 16));
        Assert.Equal(x.ToArray(), first.Parameters.ToArray());
        Assert.All(first.State["exp_avg"], m => Assert.Equal(0, m));
        (state, x) = (first.State, first.Parameters);
        for (long t = 2; t <= 30; t++)
        {
            var result = ReferenceStep.Step(h, state, x, HeavyTailed(random, 16));
            double bound = AdoptHyperparameters.ClipBound(t);
            for (int i = 0; i < x.Length; i++)
            {
                // m = β₁m' + (1 − β₁)u, so u = (m − β₁m')/(1 − β₁).
                double normalised = (result.State["exp_avg"][i] - h.Beta1 * state["exp_avg"][i]) / (1 - h.Beta1);
                Assert.True(Math.Abs(normalised) <= bound * (1 + 1e-9) + 1e-12, $"step {t} element {i}: |u| = {Math.Abs(normalised)} > {bound}");
                Assert.True(Math.Abs(result.State["exp_avg"][i]) <= bound * (1 + 1e-9), $"step {t} element {i}: |m| above the clip bound");
            }
            (state, x) = (result.State, result.Parameters);
        }
    }

    /// <summary>The clipping is what holds the bound: without it, a gradient far above √v gives |u| beyond (t − 1)^¼.</summary>
    [Fact]
    public void AdoptWithoutClippingExceedsTheBound()
    {
        var h = new AdoptHyperparameters(UseClipping: false);
        var state = ReferenceStep.Step(h, OptimizerState.Initial(h, 1), [0.0], [1.0]).State;
        var result = ReferenceStep.Step(h, state, [0.0], [100.0]);
        double normalised = result.State["exp_avg"][0] / (1 - h.Beta1);
        Assert.Equal(100, normalised, 1e-9);
        var clipped = new AdoptHyperparameters();
        var bounded = ReferenceStep.Step(clipped, ReferenceStep.Step(clipped, OptimizerState.Initial(clipped, 1), [0.0], [1.0]).State, [0.0], [100.0]);
        Assert.Equal(AdoptHyperparameters.ClipBound(2), bounded.State["exp_avg"][0] / (1 - h.Beta1), 1e-9);
    }

    /// <summary>AdEMAMix with α = 0 is AdamW (Adam's update, weight decay λ·lr decoupled), whatever β₃ and its warm-up do.</summary>
    [Property(MaxTest = 60)]
    public void AdEMAMixWithoutTheSlowAverageIsAdamW(PositiveInt seed, bool withDecay, bool warmup)
    {
        var random = new Random(seed.Get);
        double beta1 = 0.5 + 0.45 * random.NextDouble(), beta2 = 0.9 + 0.099 * random.NextDouble(), lr = 0.001 + 0.1 * random.NextDouble();
        double decay = withDecay ? 0.2 * random.NextDouble() : 0;
        var mix = new AdEMAMixHyperparameters(Lr: lr, Beta1: beta1, Beta2: beta2, Alpha: 0, WeightDecay: decay, Beta3Warmup: warmup ? 5 : 0);
        var adamW = new AdamWHyperparameters(Lr: lr, Beta1: beta1, Beta2: beta2, WeightDecay: decay);
        var x = HeavyTailed(random, 9);
        var (mixState, adamState) = (OptimizerState.Initial(mix, 9), OptimizerState.Initial(adamW, 9));
        var (xMix, xAdam) = (x, x);
        for (int step = 0; step < 12; step++)
        {
            var gradient = HeavyTailed(random, 9);
            var a = ReferenceStep.Step(mix, mixState, xMix, gradient);
            var b = ReferenceStep.Step(adamW, adamState, xAdam, gradient);
            (mixState, xMix, adamState, xAdam) = (a.State, a.Parameters, b.State, b.Parameters);
            for (int i = 0; i < 9; i++)
            {
                Assert.Equal(b.Parameters[i], a.Parameters[i], 1e-12 * Math.Max(1, Math.Abs(b.Parameters[i])));
                Assert.Equal(b.State["m"][i], a.State["exp_avg_fast"][i], 1e-12 * Math.Max(1, Math.Abs(b.State["m"][i])));
                Assert.Equal(b.State["v"][i], a.State["exp_avg_sq"][i], 1e-12 * Math.Max(1, b.State["v"][i]));
            }
        }
        Assert.NotEqual(x.ToArray(), xMix.ToArray());
    }

    /// <summary>AdEMAMix's schedulers: α rises from α/T_α to α and β₃ from near β₁ to β₃, never falling, then stay.</summary>
    [Property(MaxTest = 100)]
    public void AdEMAMixWarmUpsRiseMonotonicallyToTheirFinalValues(PositiveInt alphaWarmup, PositiveInt beta3Warmup, bool fast)
    {
        var h = new AdEMAMixHyperparameters(Beta1: fast ? 0.9 : 0, Beta3: 0.9999, Alpha: 5, AlphaWarmup: alphaWarmup.Get % 500, Beta3Warmup: beta3Warmup.Get % 500);
        double previousAlpha = 0, previousBeta3 = h.Beta1;
        for (long t = 1; t <= 520; t++)
        {
            double alpha = h.AlphaAt(t), beta3 = h.Beta3At(t);
            Assert.True(alpha >= previousAlpha && alpha <= h.Alpha, $"alpha at {t}: {alpha} after {previousAlpha}");
            Assert.True(beta3 >= previousBeta3 * (1 - 1e-12) && beta3 <= h.Beta3 * (1 + 1e-15), $"beta3 at {t}: {beta3} after {previousBeta3}");
            if (t >= h.AlphaWarmup) Assert.Equal(h.Alpha, alpha);
            if (t >= h.Beta3Warmup) Assert.Equal(h.Beta3, beta3);
            (previousAlpha, previousBeta3) = (alpha, beta3);
        }
        if (h.AlphaWarmup > 1) Assert.Equal(h.Alpha / h.AlphaWarmup, h.AlphaAt(1), 1e-12);
    }

    /// <summary>Adan: the first difference is 0 (exp_avg_diff stays 0), and a clipped step's gradients have the group norm max_grad_norm.</summary>
    [Property(MaxTest = 60)]
    public void AdanStartsWithoutADifferenceAndClipsToTheGroupNorm(PositiveInt seed, bool clipped)
    {
        var h = new AdanHyperparameters(Lr: 0.01, MaxGradNorm: clipped ? 0.5 : 0);
        var random = new Random(seed.Get);
        ImmutableArray<ImmutableArray<double>> x = [HeavyTailed(random, 7), HeavyTailed(random, 3)];
        ImmutableArray<OptimizerState> states = [.. x.Select(p => OptimizerState.Initial(h, p.Length))];
        for (int step = 1; step <= 4; step++)
        {
            ImmutableArray<ImmutableArray<double>> gradients = [HeavyTailed(random, 7), HeavyTailed(random, 3)];
            var results = ReferenceStep.StepGroup(h, states, x, gradients);
            double norm = Math.Sqrt(gradients.Sum(g => g.Sum(v => v * v)));
            // neg_pre_grad keeps −c·g: its group norm is c·‖g‖ = min(‖g‖, max_grad_norm·‖g‖/(‖g‖ + ε)).
            double kept = Math.Sqrt(results.Sum(r => r.State["neg_pre_grad"].Sum(v => v * v)));
            double expected = clipped ? Math.Min(norm, h.MaxGradNorm * norm / (norm + h.Eps)) : norm;
            Assert.Equal(expected, kept, 1e-12 * Math.Max(1, expected));
            Assert.Equal(step, results[0].State.Scalars["step"]);
            if (step == 1) Assert.All(results, r => Assert.All(r.State["exp_avg_diff"], d => Assert.Equal(0, d)));
            else Assert.Contains(results[0].State["exp_avg_diff"], d => d != 0);
            (states, x) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
        }
    }

    /// <summary>Normal values with one in eight multiplied by 100: outliers for the clipping bounds.</summary>
    private static ImmutableArray<double> HeavyTailed(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ =>
        {
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return random.Next(8) == 0 ? 100 * normal : normal;
        })];
}
