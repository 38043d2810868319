using System.Collections.Immutable;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>The result of one step: the next state and the parameters after the update.</summary>
public sealed record StepResult(OptimizerState State, ImmutableArray<double> Parameters);

/// <summary>
/// The record-level API: one step of any algorithm on <c>double</c>, element by element, through
/// the same rule the fused kernel runs. The inputs are never mutated.
/// </summary>
public static class ReferenceStep
{
    public static StepResult Step(Hyperparameters hyperparameters, OptimizerState state,
                                  ImmutableArray<double> parameters, ImmutableArray<double> gradients)
    {
        if (parameters.Length != gradients.Length)
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients", nameof(gradients));
        var slots = hyperparameters.Slots;
        var visitor = new ApplyVisitor(parameters.ToArray(), gradients, Buffers(slots, state, parameters.Length));
        long step = state.Step + 1;
        hyperparameters.WithRule<ApplyVisitor, bool>(hyperparameters.ContextFor(step), ref visitor);
        var quantities = slots.Select((slot, index) => (slot, index))
            .Where(s => s.slot is not null)
            .Select(s => new StateQuantity(s.slot!.Name, ImmutableArray.Create(visitor.State[s.index])))
            .ToImmutableArray();
        return new StepResult(new OptimizerState(step, quantities), ImmutableArray.Create(visitor.Parameters));
    }

    /// <summary>The effective per-parameter learning rate of the step that produced <paramref name="state"/>.</summary>
    public static ImmutableArray<double> EffectiveLearningRates(Hyperparameters hyperparameters, OptimizerState state, int size)
    {
        var visitor = new EffectiveLearningRateVisitor(Buffers(hyperparameters.Slots, state, size));
        return hyperparameters.WithRule<EffectiveLearningRateVisitor, ImmutableArray<double>>(hyperparameters.ContextFor(state.Step), ref visitor);
    }

    private static double[][] Buffers(ImmutableArray<StateSlot?> slots, OptimizerState state, int size) =>
        slots.Select(slot => slot is null ? new double[size] : Validated(state[slot.Name], slot.Name, size).ToArray()).ToArray();

    private static ImmutableArray<double> Validated(ImmutableArray<double> values, string name, int size) =>
        values.Length == size ? values
            : throw new ArgumentException($"state quantity '{name}' has {values.Length} elements but there are {size} parameters");

    private readonly struct ApplyVisitor(double[] parameters, ImmutableArray<double> gradients, double[][] state) : IRuleVisitor<bool>
    {
        public double[] Parameters { get; } = parameters;
        public double[][] State { get; } = state;

        public bool Visit<TRule>(in TRule rule) where TRule : struct, IElementRule
        {
            for (int i = 0; i < Parameters.Length; i++)
            {
                var (parameter, s0, s1, s2) = (new DoubleLane(Parameters[i]), new DoubleLane(State[0][i]),
                                               new DoubleLane(State[1][i]), new DoubleLane(State[2][i]));
                rule.Apply(ref parameter, new DoubleLane(gradients[i]), ref s0, ref s1, ref s2);
                (Parameters[i], State[0][i], State[1][i], State[2][i]) = (parameter.Value, s0.Value, s1.Value, s2.Value);
            }
            return true;
        }
    }

    private readonly struct EffectiveLearningRateVisitor(double[][] state) : IRuleVisitor<ImmutableArray<double>>
    {
        public ImmutableArray<double> Visit<TRule>(in TRule rule) where TRule : struct, IElementRule
        {
            var rates = new double[state[0].Length];
            for (int i = 0; i < rates.Length; i++)
                rates[i] = rule.EffectiveLearningRate(new DoubleLane(state[0][i]), new DoubleLane(state[1][i]), new DoubleLane(state[2][i])).Value;
            return ImmutableArray.Create(rates);
        }
    }
}
