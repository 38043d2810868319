using System.Collections.Immutable;
using AdaptiveLR.Properties.Golden;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using FsCheck;
using FsCheck.Xunit;
using Xunit;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// LAMB's trust ratio (You et al. 2019, the reference's clamp): 0 ≤ φ ≤ clamp_value, r = φ/‖u‖, and the step's
/// length is lr·min(‖θ‖, clamp_value) whatever the gradient's scale; excluded 1-D tensors take the plain step lr·u.
/// </summary>
public class LambProperties
{
    [Property(MaxTest = 80)]
    public void TheStepLengthIsLrTimesTheClampedWeightNorm(PositiveInt seed, NormalFloat logScale, bool decay)
    {
        var random = new Random(seed.Get);
        double scale = Math.Pow(10, Math.Clamp(logScale.Get, -3, 3));
        var h = new LambHyperparameters(Lr: 0.01, WeightDecay: decay ? 0.01 : 0, ClampValue: 0.5 + 10 * random.NextDouble());
        int n = random.Next(2, 40);
        ImmutableArray<double> x = [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * 3)];
        var state = OptimizerState.Initial(h, n);
        for (int step = 0; step < 5; step++)
        {
            ImmutableArray<double> g = [.. Enumerable.Range(0, n).Select(_ => scale * (random.NextDouble() * 2 - 1))];
            var result = ReferenceStep.StepGroup(h, [state], [x], [g], [2])[0];
            var (weightNorm, adamNorm, trust) = h.Trust(result.State.Stage!.TensorSums.AsSpan());
            double norm = Math.Sqrt(x.Sum(v => v * v));
            Assert.InRange(weightNorm, 0, h.ClampValue);
            // Relative, not Assert.Equal's 12 decimals: two values an ulp apart can round to different 12th decimals.
            Tolerance.AssertClose(Math.Min(norm, h.ClampValue), weightNorm, "‖θ‖ clamped", relative: 1e-12, absolute: 0);
            Tolerance.AssertClose(weightNorm / adamNorm, trust, "trust ratio", relative: 1e-12, absolute: 0);
            double length = Math.Sqrt(result.Parameters.Select((v, i) => (v - x[i]) * (v - x[i])).Sum());
            Assert.True(Math.Abs(length - h.Lr * weightNorm) <= 1e-9 * h.Lr * weightNorm, $"step length {length:R}, lr·φ = {h.Lr * weightNorm:R}");
            (state, x) = (result.State, result.Parameters);
        }
    }

    [Fact]
    public void ExcludedOneDimensionalTensorsTakeThePlainStepAndOthersTheTrustRatio()
    {
        var h = new LambHyperparameters(Lr: 0.1, ExcludeFromTrust: true);
        ImmutableArray<double> weight = [3, 4, 0, 0], bias = [3, 4];
        var results = ReferenceStep.StepGroup(h, [OptimizerState.Initial(h, 4), OptimizerState.Initial(h, 2)], [weight, bias], [[1, 1, 1, 1], [1, 1]], [2, 1]);
        // After one step m/(√v + ε) = 0.1/(0.0316… + 1e-6) per element: the weight moves lr·‖θ‖ = 0.5 in all, the bias lr·u per element.
        double u = 0.1 / (Math.Sqrt(0.001) + 1e-6);
        Assert.Equal(0.5, Math.Sqrt(results[0].Parameters.Select((v, i) => (v - weight[i]) * (v - weight[i])).Sum()), 1e-12);
        Assert.Equal(bias.Select(v => v - 0.1 * u).ToArray(), results[1].Parameters.ToArray());
        Assert.Equal(5 / (u * Math.Sqrt(2)), h.TensorScalars(Inputs(h, results[1].State))["trust_ratio"], 1e-12);
    }

    /// <summary>The per-tensor values the reference records (weight_norm, adam_norm, trust_ratio, step) after every step of every LAMB fixture.</summary>
    [Theory]
    [InlineData("lamb-defaults.json")]
    [InlineData("lamb-weight-decay.json")]
    [InlineData("lamb-clamp.json")]
    [InlineData("lamb-adam.json")]
    [InlineData("lamb-exclude.json")]
    public void TensorScalarsFollowTheGoldenTrajectory(string file)
    {
        var fixture = GoldenFixture.Load("modern", file);
        var h = (LambHyperparameters)ReferenceNames.Hyperparameters(fixture);
        var comparison = new GoldenComparison(fixture.ToString(), 1e-9);
        var states = fixture.Parameters.Select(p => OptimizerState.Initial(h, p.Values.Length)).ToImmutableArray();
        var values = fixture.Parameters.Select(p => ImmutableArray.Create(p.Values)).ToImmutableArray();
        for (int s = 0; s < fixture.Steps.Length; s++)
        {
            var results = ReferenceStep.StepGroup(h, states, values, [.. fixture.Steps[s].Gradients.Select(g => ImmutableArray.Create(g))],
                                                  [.. fixture.Parameters.Select(p => p.Shape.Length)]);
            (states, values) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
            for (int p = 0; p < states.Length; p++)
            {
                var expected = fixture.Steps[s].State[p];
                var scalars = h.TensorScalars(Inputs(h, states[p]));
                foreach (string name in new[] { "weight_norm", "adam_norm", "trust_ratio" })
                    comparison.AssertClose(expected[name], [scalars[name]], $"step {s + 1} {fixture.Parameters[p].Name} {name}");
                Assert.Equal(expected["step"][0], states[p].Step);
            }
        }
    }

    private static StageInputs Inputs(StagedHyperparameters h, OptimizerState state) =>
        new(h.ContextFor(state.Step), state.Stage!.Before, state.Stage.After, state.Stage.TensorSums.AsSpan(), state.Stage.Dimensions);
}
