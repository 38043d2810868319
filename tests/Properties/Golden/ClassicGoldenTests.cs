using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties.Golden;

/// <summary>
/// The 14 classic algorithms against golden trajectories from real PyTorch (torch 1.13's torch.optim,
/// transcriptions of the references it lacks; scripts/golden/classic.py): the reference path and the
/// adapter on float64 and float32, parameters and named state after every step.
/// </summary>
public class ClassicGoldenTests(ITestOutputHelper output)
{
    private const string Family = "classic";

    /// <summary>Float64 against float64: both compute the same formulas, differing only in operation order (a few roundings per step).</summary>
    private const double Float64Tolerance = 1e-9;

    /// <summary>
    /// The fused float32 kernel against float64 values: the inputs are rounded to float32 (unit roundoff
    /// 2⁻²⁴ ≈ 6e-8) and each step rounds again in some ten operations, so after 10 steps errors of
    /// a few 1e-7 of a tensor's magnitude are the arithmetic (at most 4.1e-7 is seen over these fixtures);
    /// 1e-5 leaves a margin of 25 while a wrong formula or hyperparameter moves values by 1e-4 and more.
    /// </summary>
    private const double Float32Tolerance = 1e-5;

    public static TheoryData<string> Fixtures() => new(GoldenFixture.Files(Family));

    [Fact]
    public void FixturesArePresentForEveryAlgorithm()
    {
        var covered = GoldenFixture.Files(Family).Select(file => GoldenFixture.Load(Family, file).Algorithm).ToHashSet();
        Assert.NotEmpty(covered);
        // The staged algorithms' trajectories are the modern family's (ModernGoldenTests), Rprop's and ASGD's from torch.optim too.
        Assert.Empty(Pure.OptimizerRegistry.All.Where(d => d.Defaults is not StagedHyperparameters).Select(d => d.Name).Except(covered));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReferencePathFollowsTheGoldenTrajectory(string file)
    {
        var fixture = GoldenFixture.Load(Family, file);
        var h = ReferenceNames.Hyperparameters(fixture);
        var comparison = new GoldenComparison($"{fixture} reference path", Float64Tolerance);
        for (int p = 0; p < fixture.Parameters.Length; p++)
        {
            var parameter = fixture.Parameters[p];
            var view = MatrixView.Of(parameter.Shape);
            var slots = Slots(h, view);
            // The record-level API sees vectors; a factored parameter steps through the tensor step on its own matrix view.
            var trajectory = h is TensorHyperparameters tensorLevel && view.Factored
                ? FactoredTrajectory(tensorLevel, view, parameter.Values, fixture.Steps.Select(step => step.Gradients[p]))
                : RecordTrajectory(h, parameter.Values, fixture.Steps.Select(step => step.Gradients[p]));
            int s = 0;
            foreach (var (values, state) in trajectory)
            {
                var step = fixture.Steps[s++];
                string where = $"step {s} {parameter.Name}";
                comparison.AssertClose(step.Parameters[p], values, where);
                AssertState(comparison, h, slots, step.State[p], state, s, where);
            }
            Assert.Equal(fixture.Steps.Length, s);
        }
        output.WriteLine($"{fixture}: max relative error {comparison.MaxRelativeError:G3}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void AdapterOnFloat64FollowsTheGoldenTrajectory(string file) => AssertAdapter(file, ScalarType.Float64, Float64Tolerance);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FusedAdapterOnFloat32FollowsTheGoldenTrajectory(string file) => AssertAdapter(file, ScalarType.Float32, Float32Tolerance);

    private void AssertAdapter(string file, ScalarType dtype, double tolerance)
    {
        var fixture = GoldenFixture.Load(Family, file);
        var h = ReferenceNames.Hyperparameters(fixture);
        var comparison = new GoldenComparison($"{fixture} adapter {dtype}", tolerance);
        GoldenReplay.ThroughAdapter(fixture, h, dtype, (s, adapter, parameters) =>
        {
            var step = fixture.Steps[s];
            for (int p = 0; p < parameters.Count; p++)
            {
                string where = $"step {s + 1} {fixture.Parameters[p].Name}";
                comparison.AssertClose(step.Parameters[p], Values(parameters[p]), where);
                var state = adapter.States[p];
                Assert.Equal(s + 1, state.Step);
                AssertState(comparison, h, Slots(h, MatrixView.Of(fixture.Parameters[p].Shape)), step.State[p], name => Values(state[name]), s + 1, where);
            }
        });
        output.WriteLine($"{fixture} {dtype}: max relative error {comparison.MaxRelativeError:G3}");
    }

    /// <summary>Every state quantity of the reference equals ours, and we keep none the reference lacks.</summary>
    private static void AssertState(GoldenComparison comparison, Hyperparameters h, ImmutableArray<StateSlot?> slots,
                                    Dictionary<string, double[]> expected, Func<string, IReadOnlyList<double>> actual, long step, string where)
    {
        var compared = new HashSet<string>();
        foreach (var (referenceName, values) in expected)
        {
            if (ReferenceNames.State(referenceName) is not { } ours)
            {
                // NAdam's μ₁…μₜ, which we compute from the step instead of keeping.
                comparison.AssertClose(values, [((NAdamHyperparameters)h).MomentumProduct(step)], $"{where} {referenceName}");
                continue;
            }
            comparison.AssertClose(values, actual(ours), $"{where} {referenceName} (ours: {ours})");
            compared.Add(ours);
        }
        Assert.Equal(slots.OfType<StateSlot>().Select(slot => slot.Name).Order(), compared.Order());
    }

    private static ImmutableArray<StateSlot?> Slots(Hyperparameters h, MatrixView view) =>
        h is TensorHyperparameters tensorLevel ? tensorLevel.SlotsFor(view) : h.Slots;

    /// <summary>ReferenceStep.Step from the initial state: the parameters and the named state after each step.</summary>
    private static IEnumerable<(IReadOnlyList<double> Values, Func<string, IReadOnlyList<double>> State)> RecordTrajectory(
        Hyperparameters h, double[] initial, IEnumerable<double[]> gradients)
    {
        var state = OptimizerState.Initial(h, initial.Length);
        var values = ImmutableArray.Create(initial);
        foreach (var gradient in gradients)
        {
            var result = ReferenceStep.Step(h, state, values, ImmutableArray.Create(gradient));
            (state, values) = (result.State, result.Parameters);
            var after = state;
            yield return (values, name => after[name]);
        }
    }

    /// <summary>The tensor-level double step on a factored matrix view (on −g when maximising, as ReferenceStep does).</summary>
    private static IEnumerable<(IReadOnlyList<double> Values, Func<string, IReadOnlyList<double>> State)> FactoredTrajectory(
        TensorHyperparameters h, MatrixView view, double[] initial, IEnumerable<double[]> gradients)
    {
        var slots = h.SlotsFor(view);
        double[] values = [.. initial];
        double[][] buffers = [.. slots.Select((slot, k) => Enumerable.Repeat(slot?.InitialValue ?? 0, h.SlotLength(k, view)).ToArray())];
        long step = 0;
        foreach (var gradient in gradients)
        {
            h.Step(h.ContextFor(++step), view, values, h.Maximize ? GradientAscent.Negated(gradient) : gradient, buffers[0], buffers[1], buffers[2]);
            double[][] copies = [.. buffers.Select(b => b.ToArray())];
            yield return ([.. values], name => copies[slots.Select((slot, k) => (slot, k)).Single(x => x.slot?.Name == name).k]);
        }
    }

    private static double[] Values(Tensor t) => GoldenReplay.Values(t);
}
