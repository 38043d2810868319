using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Step;

/// <summary>One step as <c>adaptivelr step</c> shows it: x after the step and everything that produced it.</summary>
public sealed record StepRow(
    int Step,
    ImmutableArray<double> X,
    ImmutableArray<double> Gradient,
    double LearningRate,
    OptimizerState State,
    ImmutableArray<double> Update,
    ImmutableArray<double> EffectiveLearningRate,
    double? Loss);

/// <summary>
/// An optimizer run from x0 for a number of steps, through the record-level API. The rows are computed
/// as they are enumerated, never kept: renderers print each as it comes, so memory stays constant for
/// any number of steps (enumerating again recomputes the same rows).
/// </summary>
public sealed record Trajectory(Hyperparameters Hyperparameters, GradientSource Source, ImmutableArray<double> X0, int Steps)
{
    public static Trajectory Run(Hyperparameters hyperparameters, GradientSource source, ImmutableArray<double> x0, int steps) =>
        new(hyperparameters, source, x0, steps);

    public IEnumerable<StepRow> Rows()
    {
        var state = OptimizerState.Initial(Hyperparameters, X0.Length);
        var x = X0;
        for (int step = 1; step <= Steps; step++)
        {
            var gradient = Source.GradientAt(step, x);
            var next = ReferenceStep.Step(Hyperparameters, state, x, gradient);
            var current = x;
            var update = next.Parameters.Select((value, i) => value - current[i]).ToImmutableArray();
            var rates = ReferenceStep.EffectiveLearningRates(Hyperparameters, next.State, x.Length, next.Parameters);
            yield return new StepRow(step, next.Parameters, gradient, Hyperparameters.Lr, next.State, update, rates, Source.Loss(next.Parameters));
            (state, x) = (next.State, next.Parameters);
        }
    }

    /// <summary>Whether rows carry a loss: a test function has one, given gradients do not.</summary>
    public bool HasLoss => Source.Loss(X0).HasValue;

    /// <summary>The state quantities' names, in slot order.</summary>
    public ImmutableArray<string> QuantityNames => [.. Hyperparameters.Slots.OfType<StateSlot>().Select(s => s.Name)];
}
