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
    double? Loss)
{
    /// <summary>Staged algorithms' scalars after the step: the group's (Prodigy's d, …) and the tensor's (LAMB's trust ratio), by name.</summary>
    public ImmutableArray<(string Name, double Value)> Scalars { get; init; } = [];
}

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
            yield return new StepRow(step, next.Parameters, gradient, Hyperparameters.Lr, Shown(next.State, next.Parameters), update, rates, Source.Loss(next.Parameters))
            {
                Scalars = ScalarsOf(next.State),
            };
            (state, x) = (next.State, next.Parameters);
        }
    }

    /// <summary>Whether rows carry a loss: a test function has one, given gradients do not.</summary>
    public bool HasLoss => Source.Loss(X0).HasValue;

    /// <summary>
    /// What the row shows of the state: the slots, and for an algorithm with an evaluation view (Schedule-Free) the point it
    /// evaluates at, <see cref="EvaluationPoint"/> (x where the parameters are y); the next step reads the state without it.
    /// </summary>
    private OptimizerState Shown(OptimizerState state, ImmutableArray<double> parameters) =>
        Hyperparameters is StagedHyperparameters { HasEvaluationView: true } staged
            ? state with { Quantities = state.Quantities.Add(new StateQuantity(EvaluationPoint, ReferenceStep.View(staged, state, parameters, toEvaluation: true))) }
            : state;

    /// <summary>The name of Schedule-Free's evaluation point among the quantities shown: the parameters after <c>eval()</c>.</summary>
    public const string EvaluationPoint = "x_eval";

    /// <summary>
    /// The state quantities' names, in slot order: those a vector keeps (Muon's vectors keep AdamW's); then the evaluation
    /// point, for algorithms with one.
    /// </summary>
    public ImmutableArray<string> QuantityNames =>
    [
        .. (Hyperparameters is StagedHyperparameters layered ? layered.SlotsFor([X0.Length]) : Hyperparameters.Slots).OfType<StateSlot>().Select(s => s.Name),
        .. Hyperparameters is StagedHyperparameters { HasEvaluationView: true } ? [EvaluationPoint] : Array.Empty<string>(),
    ];

    /// <summary>
    /// The coordinates of x that quantity <paramref name="name"/> holds, in its order: all of them, or every
    /// slice_p-th for a sampled one (Prodigy's s and p0).
    /// </summary>
    public ImmutableArray<int> Coordinates(string name)
    {
        if (name == EvaluationPoint) return [.. Enumerable.Range(0, X0.Length)];
        int slot = Hyperparameters.Slots.IndexOf(Hyperparameters.Slots.OfType<StateSlot>().FirstOrDefault(s => s.Name == name));
        int stride = Hyperparameters is StagedHyperparameters staged && slot >= 0 && staged.Sampling.IsSampled(slot) ? staged.SampleStride : 1;
        return [.. Enumerable.Range(0, (X0.Length + stride - 1) / stride).Select(i => i * stride)];
    }

    /// <summary>The names of <see cref="StepRow.Scalars"/>: the group's scalars, then the tensor's; empty for algorithms that keep none.</summary>
    public ImmutableArray<string> ScalarNames =>
        Hyperparameters is StagedHyperparameters staged
            ? [.. staged.InitialScalars.Names, .. staged.TensorScalars(new StageInputs(staged.ContextFor(1), staged.InitialScalars, staged.InitialScalars,
                                                                                             new double[staged.SumCount], 1)).Names]
            : [];

    private ImmutableArray<(string Name, double Value)> ScalarsOf(OptimizerState state)
    {
        if (Hyperparameters is not StagedHyperparameters staged || state.Stage is not { } stage) return [];
        var inputs = new StageInputs(staged.ContextFor(state.Step), stage.Before, stage.After, stage.TensorSums.AsSpan(), stage.Dimensions);
        return [.. state.Scalars, .. staged.TensorScalars(inputs)];
    }
}
