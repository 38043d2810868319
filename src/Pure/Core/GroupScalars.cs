using System.Collections.Immutable;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// The scalars an algorithm keeps per parameter group across steps — Prodigy's and D-Adaptation's
/// d and running sums, Schedule-Free's weight sum — by name, immutable. Empty for algorithms that keep none.
/// </summary>
public sealed record GroupScalars(ImmutableSortedDictionary<string, double> Values)
{
    /// <summary>No scalars.</summary>
    public static GroupScalars Empty { get; } = new(ImmutableSortedDictionary.Create<string, double>(StringComparer.Ordinal));

    /// <summary>Scalars from name/value pairs.</summary>
    public static GroupScalars Of(params ReadOnlySpan<(string Name, double Value)> values)
    {
        // A builder, not ToImmutableSortedDictionary (which sorts through a SortedDictionary first): Schedule-Free
        // builds its scalars anew each step, and this keeps that to the tree's own nodes.
        var builder = ImmutableSortedDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in values) builder.Add(name, value);
        return new(builder.ToImmutable());
    }

    /// <summary>The scalar called <paramref name="name"/>.</summary>
    public double this[string name] =>
        Values.TryGetValue(name, out double value) ? value
            : throw new KeyNotFoundException($"no group scalar '{name}'; there are: {string.Join(", ", Values.Keys)}");

    /// <summary>These scalars with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public GroupScalars With(string name, double value) => new(Values.SetItem(name, value));

    /// <summary>
    /// These scalars with each name set to its value: one new tree, where a chain of <see cref="With(string, double)"/>
    /// builds one per name (an algorithm advances several scalars every step).
    /// </summary>
    public GroupScalars With(params ReadOnlySpan<(string Name, double Value)> values)
    {
        var builder = Values.ToBuilder();
        foreach (var (name, value) in values) builder[name] = value;
        return new(builder.ToImmutable());
    }

    /// <summary>Same names and values (records compare dictionaries by reference otherwise).</summary>
    public bool Equals(GroupScalars? other) =>
        other is not null && Values.Count == other.Values.Count &&
        Values.All(pair => other.Values.TryGetValue(pair.Key, out double value) && value.Equals(pair.Value));

    /// <inheritdoc/>
    public override int GetHashCode() => Values.Aggregate(Values.Count, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value));

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", Values.Select(pair => $"{pair.Key}={pair.Value:R}"));
}
