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

/// <summary>An optimizer run from x0 for a number of steps, through the record-level API.</summary>
public sealed record Trajectory(Hyperparameters Hyperparameters, GradientSource Source, ImmutableArray<double> X0, ImmutableArray<StepRow> Rows)
{
    public static Trajectory Run(Hyperparameters hyperparameters, GradientSource source, ImmutableArray<double> x0, int steps)
    {
        var rows = ImmutableArray.CreateBuilder<StepRow>(steps);
        var state = OptimizerState.Initial(hyperparameters, x0.Length);
        var x = x0;
        for (int step = 1; step <= steps; step++)
        {
            var gradient = source.GradientAt(step, x);
            var next = ReferenceStep.Step(hyperparameters, state, x, gradient);
            var update = next.Parameters.Select((value, i) => value - x[i]).ToImmutableArray();
            var rates = ReferenceStep.EffectiveLearningRates(hyperparameters, next.State, x.Length, next.Parameters);
            rows.Add(new StepRow(step, next.Parameters, gradient, hyperparameters.Lr, next.State, update, rates, source.Loss(next.Parameters)));
            (state, x) = (next.State, next.Parameters);
        }
        return new Trajectory(hyperparameters, source, x0, rows.MoveToImmutable());
    }

    /// <summary>The state quantities' names, in slot order.</summary>
    public ImmutableArray<string> QuantityNames => [.. Hyperparameters.Slots.OfType<StateSlot>().Select(s => s.Name)];
}
