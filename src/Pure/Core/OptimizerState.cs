using System.Collections.Immutable;

namespace AdaptiveLR.Pure.Core;

/// <summary>One named state buffer of an algorithm, element by element.</summary>
public sealed record StateQuantity(string Name, ImmutableArray<double> Values);

/// <summary>
/// An algorithm's state after <see cref="Step"/> steps: its named buffers (<c>m</c>, <c>v</c>,
/// <c>square_avg</c>, …) in slot order. Immutable; a step returns a new one.
/// </summary>
public sealed record OptimizerState(long Step, ImmutableArray<StateQuantity> Quantities)
{
    /// <summary>The state before the first step of <paramref name="size"/> parameters.</summary>
    public static OptimizerState Initial(Hyperparameters hyperparameters, int size) =>
        new(0, [.. hyperparameters.Slots.Select((slot, k) => (slot, k)).Where(s => s.slot is not null)
                    .Select(s => new StateQuantity(s.slot!.Name, ImmutableArray.CreateRange(Enumerable.Repeat(s.slot.InitialValue,
                        hyperparameters is StagedHyperparameters staged ? (int)staged.SlotLength(s.k, size) : size))))])
        {
            Scalars = hyperparameters is StagedHyperparameters staged ? staged.InitialScalars : GroupScalars.Empty,
        };

    /// <summary>The parameter group's scalars now (staged algorithms: Prodigy's d, …); empty for the others.</summary>
    public GroupScalars Scalars { get; init; } = GroupScalars.Empty;

    /// <summary>What the last step of a staged algorithm reduced; null before the first step and for the others.</summary>
    public StageRecord? Stage { get; init; }

    /// <summary>The buffer called <paramref name="name"/>.</summary>
    public ImmutableArray<double> this[string name] =>
        Quantities.FirstOrDefault(q => q.Name == name)?.Values
        ?? throw new KeyNotFoundException($"no state quantity '{name}'; this state has: {string.Join(", ", Quantities.Select(q => q.Name))}");
}
