using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using FsCheck;
using FsCheck.Xunit;
using Xunit;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// Prodigy's and D-Adaptation's parameter groups share one d, as in their authors' code, on the record-level API: with
/// identical hyperparameters, splitting a group's tensors into several groups changes nothing, bit for bit (each tensor's
/// sums are scaled and added to the totals in the same order either way); with different weight decay, eps and lr-0 groups,
/// every group holds the same scalars after every step and d never decreases.
/// </summary>
public class SharedGroupScalarsProperties
{
    [Property(MaxTest = 40)]
    public void SplittingTheTensorsIntoGroupsChangesNothing(PositiveInt seed, bool prodigy, bool drift)
    {
        var random = new Random(seed.Get);
        var h = prodigy ? LearningRateFreeProperties.ProdigyVariants(seed.Get).Single() : DAdaptVariant(random);
        var tensors = Tensors(random, count: random.Next(2, 6));
        int split = random.Next(1, tensors.Length);
        ImmutableArray<StagedGroup> groups = [new(h, split), new(h, tensors.Length - split)];
        var (one, several) = (Initial(h, tensors), Initial(h, tensors));
        var (x1, x2) = (tensors, tensors);
        foreach (var gradients in Gradients(random, tensors, drift, steps: 8))
        {
            var alone = ReferenceStep.StepGroup(h, one, x1, gradients);
            var split2 = ReferenceStep.StepGroups(groups, several, x2, gradients);
            (one, x1) = ([.. alone.Select(r => r.State)], [.. alone.Select(r => r.Parameters)]);
            (several, x2) = ([.. split2.Select(r => r.State)], [.. split2.Select(r => r.Parameters)]);
            for (int t = 0; t < tensors.Length; t++)
            {
                Assert.Equal(x1[t].ToArray(), x2[t].ToArray());
                Assert.Equal(one[t].Scalars, several[t].Scalars);
                foreach (var slot in h.Slots.OfType<StateSlot>()) Assert.Equal(one[t][slot.Name].ToArray(), several[t][slot.Name].ToArray());
            }
        }
    }

    [Property(MaxTest = 40)]
    public void EveryGroupHoldsTheSameDWhichNeverDecreases(PositiveInt seed, bool prodigy, bool drift)
    {
        var random = new Random(seed.Get);
        var first = prodigy ? LearningRateFreeProperties.ProdigyVariants(seed.Get).Single() : DAdaptVariant(random);
        StagedHyperparameters second = first switch
        {
            ProdigyHyperparameters p => p with { WeightDecay = random.NextDouble() * 0.2, Eps = 1e-6, SafeguardWarmup = !p.SafeguardWarmup },
            DAdaptAdamHyperparameters d => d with { WeightDecay = random.NextDouble() * 0.2, Eps = 1e-6, LayerScale = 0.5 },
            _ => throw new InvalidOperationException(),
        };
        // A third group with lr 0, as the reference allows: it takes part in no sum and does not move.
        var frozen = second with { Lr = 0 };
        var tensors = Tensors(random, count: 4);
        ImmutableArray<StagedGroup> groups = [new(first, 2), new(second, 1), new(frozen, 1)];
        var states = Initial(first, tensors);
        var x = tensors;
        foreach (var gradients in Gradients(random, tensors, drift, steps: 12))
        {
            var results = ReferenceStep.StepGroups(groups, states, x, gradients);
            var d = states[0].Scalars["d"];
            (states, x) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
            Assert.All(states, s => Assert.Equal(states[0].Scalars, s.Scalars));
            Assert.True(states[0].Scalars["d"] >= d, $"d fell from {d:R} to {states[0].Scalars["d"]:R}");
            Assert.Equal(tensors[3].ToArray(), x[3].ToArray());
        }
    }

    [Fact]
    public void GroupsMayDifferInLrOnlyByZeroAndNotInSettingsTheReferenceReadsOnce()
    {
        var h = new ProdigyHyperparameters();
        var tensors = Tensors(new Random(1), count: 2);
        var states = Initial(h, tensors);
        ImmutableArray<ImmutableArray<double>> gradients = [.. tensors];
        var lr = Assert.Throws<ArgumentException>(() => ReferenceStep.StepGroups([new(h, 1), new(h with { Lr = 0.5 }, 1)], states, tensors, gradients));
        Assert.Contains("lr 0.5 differs from another group's 1", lr.Message);
        var betas = Assert.Throws<ArgumentException>(() => ReferenceStep.StepGroups([new(h, 1), new(h with { Beta2 = 0.99 }, 1)], states, tensors, gradients));
        Assert.Contains("betas, beta3, decouple", betas.Message);
        var dadapt = new DAdaptAdamHyperparameters();
        var mixed = Assert.Throws<ArgumentException>(() => ReferenceStep.StepGroups([new(h, 1), new(dadapt, 1)], Initial(h, tensors), tensors, gradients));
        Assert.Contains("cannot share", mixed.Message);
    }

    private static DAdaptAdamHyperparameters DAdaptVariant(Random random) =>
        new(WeightDecay: random.Next(2) * random.NextDouble() * 0.1, Decouple: random.Next(2) == 0, UseBiasCorrection: random.Next(2) == 0,
            GrowthRate: random.Next(2) == 0 ? null : 1 + random.NextDouble() * 0.1, LayerScale: 0.25 + random.NextDouble());

    /// <summary>
    /// The sharing check compares every property of the record but the per-group ones: a property added to Prodigy or
    /// D-Adaptation and not to its list of shared settings makes this fail (the check is a tuple, not a `with` copy, so that it
    /// allocates nothing in a step). A per-group property may differ; any other, changed alone, is a conflict naming the rule.
    /// </summary>
    [Theory]
    [InlineData("prodigy", "Lr WeightDecay Eps SafeguardWarmup Maximize")]
    [InlineData("dadapt-adam", "Lr WeightDecay Eps LayerScale Maximize")]
    public void EveryPropertyButThePerGroupOnesMustAgree(string algorithm, string perGroup)
    {
        var first = (StagedHyperparameters)Pure.OptimizerRegistry.Find(algorithm)!.Defaults;
        var properties = first.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic).ToList();
        Assert.Contains(properties, p => p.Name == "Beta2");
        foreach (var property in properties)
        {
            var changed = first with { };
            property.SetValue(changed, Different(property.GetValue(first), property.PropertyType));
            Assert.NotEqual(first, changed);
            string? conflict = changed.SharingConflict(first);
            if (perGroup.Split(' ').Contains(property.Name)) Assert.Null(conflict);
            else Assert.True(conflict is not null && conflict.Contains("must be the same"), $"{algorithm}: {property.Name} differs but the groups may share d");
        }
    }

    private static object Different(object? value, Type type) => value switch
    {
        bool b => !b,
        double d => d + 0.25,
        null when type == typeof(double?) => 0.5,
        _ => throw new InvalidOperationException($"no other value of {type} for the test"),
    };

    private static ImmutableArray<ImmutableArray<double>> Tensors(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => Vector(random, random.Next(1, 40)))];

    private static ImmutableArray<double> Vector(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1)];

    private static ImmutableArray<OptimizerState> Initial(StagedHyperparameters h, ImmutableArray<ImmutableArray<double>> tensors) =>
        [.. tensors.Select(t => OptimizerState.Initial(h, t.Length))];

    /// <summary>Each step's gradients: a fixed direction plus noise (as the golden fixtures), or noise alone.</summary>
    private static IEnumerable<ImmutableArray<ImmutableArray<double>>> Gradients(Random random, ImmutableArray<ImmutableArray<double>> tensors, bool drift, int steps)
    {
        var direction = tensors.Select(t => Vector(random, t.Length)).ToArray();
        for (int s = 0; s < steps; s++)
            yield return [.. direction.Select(m => m.Select(v => (drift ? v : 0) + random.NextDouble() * 2 - 1).ToImmutableArray())];
    }
}
