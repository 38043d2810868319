using System.Collections.Immutable;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// An algorithm's hyperparameters: an immutable record with torch.optim's defaults. It knows its
/// state layout and hands out the algorithm's rule for a step.
/// </summary>
public abstract record Hyperparameters
{
    /// <summary>The registry name of the algorithm these hyperparameters configure.</summary>
    public abstract string Algorithm { get; }

    /// <summary>The learning rate (<c>lr</c>). In the adapter a parameter group's and a scheduler's learning rate take its place.</summary>
    public abstract double Lr { get; init; }

    /// <summary>The weight decay λ (<c>weight_decay</c>), L2 or decoupled as the algorithm defines it.</summary>
    public abstract double WeightDecay { get; init; }

    /// <summary>
    /// True for learning-rate-free algorithms (Prodigy, D-Adaptation): they estimate their step size
    /// themselves and lr only scales that estimate (default 1), so a learning-rate range test or a
    /// learning-rate grid does not apply to them.
    /// </summary>
    public virtual bool LearningRateFree => false;

    /// <summary>
    /// Maximise the objective instead of minimising it (torch.optim's <c>maximize</c>, default false): every
    /// algorithm steps on −g. Set it with <c>hyperparameters with { Maximize = true }</c>.
    /// </summary>
    public bool Maximize { get; init; }

    /// <summary>The three state slots of the rule: a slot is null where this configuration does not use it.</summary>
    public abstract ImmutableArray<StateSlot?> Slots { get; }

    /// <summary>These hyperparameters with the given settings in place of their values.</summary>
    public abstract Hyperparameters With(HyperparameterSettings settings);

    /// <summary>Every out-of-range value; empty when the record is valid. Never throws.</summary>
    public abstract IReadOnlyList<ValidationError> Validate();

    /// <summary>Builds the rule for one step and passes it to <paramref name="visitor"/>.</summary>
    public abstract TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor)
        where TVisitor : struct, IRuleVisitor<TResult>;

    /// <summary>
    /// Builds the rule for one step — on −g when <see cref="Maximize"/> — and passes it to <paramref name="visitor"/>:
    /// what the reference path and the fused kernel call, so that <c>maximize</c> is one mechanism for every algorithm.
    /// </summary>
    public TResult VisitRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor)
        where TVisitor : struct, IRuleVisitor<TResult>
    {
        if (!Maximize) return WithRule<TVisitor, TResult>(context, ref visitor);
        var ascent = new GradientAscentVisitor<TVisitor, TResult>(visitor);
        var result = WithRule<GradientAscentVisitor<TVisitor, TResult>, TResult>(context, ref ascent);
        visitor = ascent.Inner;
        return result;
    }

    /// <summary>The context of a step when no scheduler or parameter group overrides anything.</summary>
    public StepContext ContextFor(long step) => new(step, Lr, WeightDecay);

    /// <summary>A state layout of up to three slots, for <see cref="Slots"/>.</summary>
    protected static ImmutableArray<StateSlot?> Layout(StateSlot? slot0, StateSlot? slot1 = null, StateSlot? slot2 = null) =>
        [slot0, slot1, slot2];
}
