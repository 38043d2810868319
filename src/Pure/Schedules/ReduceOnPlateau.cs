using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Schedules;

/// <summary>
/// torch's ReduceLROnPlateau (mode min, relative threshold): the learning rate falls by
/// <c>Factor</c> once the metric has not improved for more than <c>Patience</c> evaluations.
/// Unlike the other schedules it depends on the metrics seen, so it is a transition on an
/// immutable state record: <c>Update(state, metric) → state</c>.
/// </summary>
public sealed record ReduceOnPlateau(double Lr, double Factor = 0.1, int Patience = 10, double Threshold = 1e-4, int Cooldown = 0, double MinLr = 0)
{
    /// <summary>Every out-of-range value; empty when valid. Never throws.</summary>
    public IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(Allowed.Positive("lr", Lr),
            Factor is > 0 and < 1 ? null : new ValidationError("factor", $"{Factor} is out of range; allowed: a number in (0, 1)"),
            Allowed.NonNegative("patience", Patience), Allowed.NonNegative("threshold", Threshold),
            Allowed.NonNegative("cooldown", Cooldown), Allowed.NonNegative("min_lr", MinLr));

    /// <summary>The state before the first observation: the initial learning rate, no best loss yet.</summary>
    public PlateauState Initial => new(Lr, double.PositiveInfinity, 0, 0);

    /// <summary>The state after observing <paramref name="metric"/> (lower is better).</summary>
    public PlateauState Update(PlateauState state, double metric)
    {
        bool improved = metric < state.Best * (1 - Threshold);
        var next = improved ? state with { Best = metric, BadEvaluations = 0 } : state with { BadEvaluations = state.BadEvaluations + 1 };
        if (next.CooldownLeft > 0) next = next with { CooldownLeft = next.CooldownLeft - 1, BadEvaluations = 0 };
        if (next.BadEvaluations <= Patience) return next;
        return next with { LearningRate = Math.Max(next.LearningRate * Factor, MinLr), BadEvaluations = 0, CooldownLeft = Cooldown };
    }
}

/// <summary>ReduceOnPlateau's state: the learning rate now, the best metric so far, and the counters.</summary>
public sealed record PlateauState(double LearningRate, double Best, int BadEvaluations, int CooldownLeft);
