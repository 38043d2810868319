using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// The scalars an algorithm keeps per parameter group across steps — Prodigy's and D-Adaptation's
/// d and running sums, Schedule-Free's weight sum — by name, immutable, in ordinal order of their names.
/// Empty (also <c>default</c>) for algorithms that keep none.
/// </summary>
/// <remarks>
/// A value, not a tree: the names are one sorted array that <see cref="Of"/> builds and every <see cref="With(string, double)"/>
/// shares, the values sit in the struct itself. So advancing an algorithm's scalars once per step, with
/// <see cref="With(ReadOnlySpan{ValueTuple{string, double}})"/> on the scalars before it, allocates nothing.
/// </remarks>
public readonly struct GroupScalars : IEquatable<GroupScalars>
{
    /// <summary>The most scalars a group can keep (Prodigy keeps 8).</summary>
    public const int Capacity = 12;

    // Sorted ordinally, never changed after Of; null for no scalars (default(GroupScalars) is Empty).
    private readonly string[]? names;
    private readonly Buffer values;

    private GroupScalars(string[]? names, in Buffer values)
    {
        this.names = names;
        this.values = values;
    }

    /// <summary>No scalars.</summary>
    public static GroupScalars Empty => default;

    /// <summary>How many scalars there are.</summary>
    public int Count => names?.Length ?? 0;

    /// <summary>The names, in ordinal order (the order of <see cref="GetEnumerator"/>, <see cref="ToString"/> and checkpoints).</summary>
    public ImmutableArray<string> Names => ImmutableCollectionsMarshal.AsImmutableArray(names ?? []);

    /// <summary>Scalars from name/value pairs, in any order; builds the table of names (call it once, then advance with <c>With</c>).</summary>
    public static GroupScalars Of(params ReadOnlySpan<(string Name, double Value)> values)
    {
        if (values.IsEmpty) return Empty;
        var names = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
            names[i] = values[i].Name ?? throw new ArgumentNullException(nameof(values), "a group scalar's name is null");
        Array.Sort(names, StringComparer.Ordinal);
        if (names.Length > Capacity)
            throw new ArgumentException($"{names.Length} group scalars ({string.Join(", ", names)}): a group keeps at most {Capacity}", nameof(values));
        for (int i = 1; i < names.Length; i++)
            if (names[i] == names[i - 1]) throw new ArgumentException($"group scalar '{names[i]}' is given twice", nameof(values));
        return new GroupScalars(names, default).With(values);
    }

    /// <summary>The scalar called <paramref name="name"/>.</summary>
    public double this[string name] => TryGetValue(name, out double value) ? value : throw Missing(name);

    /// <summary>Whether there is a scalar called <paramref name="name"/>, and its value.</summary>
    public bool TryGetValue(string name, out double value)
    {
        int index = IndexOf(name);
        value = index >= 0 ? values[index] : 0;
        return index >= 0;
    }

    /// <summary>Whether there is a scalar called <paramref name="name"/>.</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>These scalars with <paramref name="name"/> set to <paramref name="value"/> (added if there is none of that name).</summary>
    public GroupScalars With(string name, double value) => With([(name, value)]);

    /// <summary>
    /// These scalars with each name set to its value (the last of a name given twice wins). Setting names these scalars have
    /// allocates nothing; a name they lack is added, with a new table of names.
    /// </summary>
    public GroupScalars With(params ReadOnlySpan<(string Name, double Value)> values)
    {
        var copy = this.values;
        foreach (var (name, value) in values)
        {
            int index = IndexOf(name);
            if (index < 0) return WithNewNames(values);
            copy[index] = value;
        }
        return new GroupScalars(names, copy);
    }

    /// <summary>The name/value pairs in ordinal order of the names: <c>foreach (var (name, value) in scalars)</c>.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Same names and values (values as <see cref="double.Equals(double)"/>: NaN equals NaN).</summary>
    public bool Equals(GroupScalars other)
    {
        int count = Count;
        if (other.Count != count) return false;
        if (!ReferenceEquals(names, other.names))
            for (int i = 0; i < count; i++)
                if (!string.Equals(names![i], other.names![i], StringComparison.Ordinal)) return false;
        ReadOnlySpan<double> mine = values, theirs = other.values;
        for (int i = 0; i < count; i++)
            if (!mine[i].Equals(theirs[i])) return false;
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GroupScalars other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Count);
        foreach (var (name, value) in this)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    /// <summary>Same names and values.</summary>
    public static bool operator ==(GroupScalars left, GroupScalars right) => left.Equals(right);

    /// <summary>Other names or values.</summary>
    public static bool operator !=(GroupScalars left, GroupScalars right) => !left.Equals(right);

    /// <summary><c>name=value</c> pairs in ordinal order of the names, values round-trip formatted.</summary>
    public override string ToString()
    {
        var pairs = new List<string>(Count);
        foreach (var (name, value) in this) pairs.Add($"{name}={value:R}");
        return string.Join(", ", pairs);
    }

    private int IndexOf(string name)
    {
        var table = names;
        if (table is null) return -1;
        for (int i = 0; i < table.Length; i++)
            if (string.Equals(table[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }

    private GroupScalars WithNewNames(ReadOnlySpan<(string Name, double Value)> values)
    {
        var merged = new List<(string Name, double Value)>(Count + values.Length);
        foreach (var pair in this) merged.Add(pair);
        foreach (var (name, value) in values)
        {
            int at = merged.FindIndex(pair => string.Equals(pair.Name, name, StringComparison.Ordinal));
            if (at >= 0) merged[at] = (name, value);
            else merged.Add((name, value));
        }
        return Of(CollectionsMarshal.AsSpan(merged));
    }

    private KeyNotFoundException Missing(string name) => new($"no group scalar '{name}'; there are: {string.Join(", ", Names)}");

    /// <summary>Walks the name/value pairs without allocating.</summary>
    public struct Enumerator(GroupScalars scalars)
    {
        private int index = -1;

        /// <summary>The pair at the enumerator's position.</summary>
        public readonly (string Name, double Value) Current => (scalars.names![index], scalars.values[index]);

        /// <summary>Moves to the next pair; false after the last.</summary>
        public bool MoveNext() => ++index < scalars.Count;
    }

    [InlineArray(Capacity)]
    private struct Buffer
    {
#pragma warning disable IDE0044, IDE0051 // the inline array's element: written and read through its indexer only
        private double element;
#pragma warning restore IDE0044, IDE0051
    }
}
