using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using FsCheck.Xunit;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// <see cref="GroupScalars"/> against a model, an ordinally sorted dictionary (what it was before it became a value):
/// <c>Of</c> in any order, chains of <c>With</c> (names it has and names it lacks), the indexer, enumeration and printing
/// in ordinal order, equality and hashing with double's semantics (NaN equals NaN), <c>default</c> as Empty, and the bytes a
/// checkpoint holds for them: the count, then each name and value in ordinal order, as files written before hold them.
/// </summary>
public class GroupScalarsProperties
{
    // Upper case, digits, '_' and non-ASCII, where ordinal and culture-aware orders differ.
    private static readonly string[] Pool = ["d", "k", "dlr", "d_max", "D", "d0", "weight_sum", "ckp1", "é", "e", "Z", "step_"];

    private static SortedDictionary<string, double> Model() => new(StringComparer.Ordinal);

    private static string Printed(SortedDictionary<string, double> model) => string.Join(", ", model.Select(pair => $"{pair.Key}={pair.Value:R}"));

    private static void AssertAgrees(SortedDictionary<string, double> model, GroupScalars scalars)
    {
        Assert.Equal(model.Count, scalars.Count);
        Assert.Equal(model.Keys, scalars.Names);
        var pairs = new List<(string, double)>();
        foreach (var pair in scalars) pairs.Add(pair);
        Assert.Equal(model.Select(pair => (pair.Key, pair.Value)), pairs);
        foreach (var (name, value) in model)
        {
            Assert.Equal(value, scalars[name]);
            Assert.True(scalars.TryGetValue(name, out double found) && found.Equals(value));
        }
        foreach (string absent in Pool.Where(name => !model.ContainsKey(name)))
        {
            Assert.False(scalars.Contains(absent));
            Assert.Contains($"no group scalar '{absent}'", Assert.Throws<KeyNotFoundException>(() => scalars[absent]).Message);
        }
        Assert.Equal(Printed(model), scalars.ToString());
    }

    [Property(MaxTest = 200)]
    public void OfInAnyOrderAgreesWithTheModel(byte[] picks, double[] values, int rotation)
    {
        var model = Model();
        for (int i = 0; i < Math.Min(picks.Length, values.Length); i++) model[Pool[picks[i] % Pool.Length]] = values[i];
        var pairs = model.Select(pair => (pair.Key, pair.Value)).ToArray();
        var given = pairs.Length == 0 ? pairs : [.. pairs.Skip(Math.Abs(rotation % pairs.Length)), .. pairs.Take(Math.Abs(rotation % pairs.Length))];
        Array.Reverse(given, 0, given.Length / 2);
        var sorted = GroupScalars.Of(pairs);
        var shuffled = GroupScalars.Of(given);
        AssertAgrees(model, shuffled);
        Assert.Equal(sorted, shuffled);
        Assert.Equal(sorted.GetHashCode(), shuffled.GetHashCode());
    }

    [Property(MaxTest = 200)]
    public void WithAgreesWithTheModelAndLeavesTheOriginal((byte Name, double Value)[] start, (byte Name, double Value)[] changes)
    {
        var model = Model();
        foreach (var (name, value) in start) model[Pool[name % Pool.Length]] = value;
        var scalars = GroupScalars.Of([.. model.Select(pair => (pair.Key, pair.Value))]);
        var original = scalars;
        string printedBefore = scalars.ToString();
        foreach (var (pick, value) in changes)
        {
            string name = Pool[pick % Pool.Length];
            model[name] = value;
            scalars = scalars.With(name, value);
            AssertAgrees(model, scalars);
        }
        Assert.Equal(printedBefore, original.ToString());
        // Several at once equal the chain of single ones (the last of a name given twice wins).
        var several = original.With([.. changes.Select(c => (Pool[c.Name % Pool.Length], c.Value))]);
        Assert.Equal(scalars, several);
    }

    [Property(MaxTest = 200)]
    public void EqualExactlyWhenTheModelsAreEqual((byte Name, double Value)[] left, (byte Name, double Value)[] right, bool sameNames)
    {
        var (a, b) = (Model(), Model());
        foreach (var (name, value) in left) a[Pool[name % Pool.Length]] = value;
        foreach (var (name, value) in sameNames ? left.Zip(right, (l, r) => (l.Name, r.Value)) : right) b[Pool[name % Pool.Length]] = value;
        var (x, y) = (GroupScalars.Of([.. a.Select(p => (p.Key, p.Value))]), GroupScalars.Of([.. b.Select(p => (p.Key, p.Value))]));
        bool modelsEqual = a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out double v) && v.Equals(pair.Value));
        Assert.Equal(modelsEqual, x.Equals(y));
        Assert.Equal(modelsEqual, x == y);
        Assert.Equal(!modelsEqual, x != y);
        Assert.Equal(modelsEqual, x.Equals((object)y));
        if (modelsEqual) Assert.Equal(x.GetHashCode(), y.GetHashCode());
    }

    [Fact]
    public void DefaultIsEmpty()
    {
        GroupScalars none = default;
        Assert.Equal(GroupScalars.Empty, none);
        Assert.Equal(GroupScalars.Of(), none);
        Assert.Equal(0, none.Count);
        Assert.Empty(none.Names);
        Assert.Equal("", none.ToString());
        Assert.Equal(GroupScalars.Empty.GetHashCode(), none.GetHashCode());
        Assert.Throws<KeyNotFoundException>(() => none["d"]);
        foreach (var _ in none) Assert.Fail("default(GroupScalars) enumerated a scalar");
        Assert.Equal(GroupScalars.Of(("d", 2)), none.With("d", 2));
        Assert.Equal(0.0, GroupScalars.Of(("x", -0.0))["x"]);
        Assert.Equal(GroupScalars.Of(("x", double.NaN)), GroupScalars.Of(("x", double.NaN)));
    }

    [Fact]
    public void OfRefusesMoreThanCapacityTwiceAndNull()
    {
        var many = Enumerable.Range(0, GroupScalars.Capacity + 1).Select(i => ($"s{i:D2}", (double)i)).ToArray();
        Assert.Equal(GroupScalars.Capacity, GroupScalars.Of(many[..^1]).Count);
        var error = Assert.Throws<ArgumentException>(() => GroupScalars.Of(many));
        Assert.StartsWith($"{GroupScalars.Capacity + 1} group scalars (s00, s01,", error.Message);
        Assert.Contains($"a group keeps at most {GroupScalars.Capacity}", error.Message);
        Assert.Throws<ArgumentException>(() => GroupScalars.Of(many[..^1]).With("extra", 1));
        Assert.Contains("group scalar 'd' is given twice", Assert.Throws<ArgumentException>(() => GroupScalars.Of(("d", 1), ("k", 0), ("d", 2))).Message);
        Assert.Throws<ArgumentNullException>(() => GroupScalars.Of((null!, 1)));
        // Every algorithm's scalars fit.
        foreach (var definition in OptimizerRegistry.All)
            if (definition.Defaults is StagedHyperparameters staged) Assert.InRange(staged.InitialScalars.Count, 0, GroupScalars.Capacity);
    }

    /// <summary>
    /// The state_dict holds each group's scalars as files written before the scalars became a value did (count, then name
    /// and value in ordinal order of the names, BinaryWriter's encoding), and loading it restores equal scalars.
    /// </summary>
    [Theory]
    [InlineData("prodigy")]
    [InlineData("dadapt-adam")]
    [InlineData("schedulefree-adamw")]
    [InlineData("adan")]
    [InlineData("asgd")]
    public void ACheckpointHoldsTheScalarsAsBeforeAndRestoresThem(string algorithm)
    {
        var defaults = OptimizerRegistry.Find(algorithm)!.Defaults;
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(11);
        Parameter[] Parameters() => [new Parameter(randn([3, 4], generator: generator)), new Parameter(randn([5], generator: generator))];
        var (parameters, others) = (Parameters(), Parameters());
        using var optimizer = new AdaptiveOptimizer(parameters, defaults);
        for (int step = 0; step < 3; step++)
        {
            foreach (var parameter in parameters) parameter.grad = randn(parameter.shape, generator: generator);
            optimizer.step();
        }
        var scalars = optimizer.GroupScalarsOf(0);
        var model = Model();
        foreach (var (name, value) in scalars) model[name] = value;

        using var expected = new MemoryStream();
        using (var writer = new BinaryWriter(expected, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(model.Count);
            foreach (var (name, value) in model)
            {
                writer.Write(name);
                writer.Write(value);
            }
        }
        using var saved = new MemoryStream();
        optimizer.save_state_dict(new BinaryWriter(saved));
        Assert.True(saved.ToArray().AsSpan().IndexOf(expected.ToArray()) >= 0, $"{algorithm}: the checkpoint does not hold {Printed(model)} in the earlier layout");

        using var restored = new AdaptiveOptimizer(others, defaults);
        saved.Position = 0;
        restored.load_state_dict(new BinaryReader(saved));
        Assert.Equal(scalars, restored.GroupScalarsOf(0));
    }
}
