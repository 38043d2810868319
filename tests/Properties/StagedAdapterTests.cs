using System.Collections.Immutable;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// Prodigy, D-Adaptation and LAMB through the adapter: a checkpoint in the middle of training continues bit for bit
/// (parameters, slots and the group's d), parameter groups share one d as in the authors' code, and Prodigy's sampled slots
/// (slice_p) are shaped, checked and stepped on float32 as the double reference steps them.
/// </summary>
public class StagedAdapterTests
{
    public static TheoryData<string, double?> Algorithms => new()
    {
        { "prodigy", null }, { "prodigy", 3 }, { "dadapt-adam", null }, { "lamb", null },
    };

    private static Hyperparameters Configure(string algorithm, double? sliceP) =>
        OptimizerRegistry.Find(algorithm)!.Configure(new HyperparameterSettings { SliceP = sliceP, WeightDecay = 0.01 });

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void CheckpointRoundTripContinuesBitIdentically(string algorithm, double? sliceP)
    {
        var h = Configure(algorithm, sliceP);
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator().manual_seed(11);
        var starts = new[] { randn([7, 5], generator: generator), randn([5], generator: generator) };
        var first = starts.Select(s => new Parameter(s.clone())).ToList();
        var second = starts.Select(s => new Parameter(s.clone())).ToList();
        using var a = new AdaptiveOptimizer(first, h);
        using var b = new AdaptiveOptimizer(second, h);
        var direction = starts.Select(s => randn(s.shape, generator: generator)).ToList();
        var gradients = Enumerable.Range(0, 8).Select(_ => direction.Select(m => m + randn(m.shape, generator: generator)).ToList()).ToList();
        for (int step = 0; step < 4; step++) Step(a, first, gradients[step]);
        var saved = new MemoryStream();
        a.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        using (no_grad()) for (int p = 0; p < first.Count; p++) second[p].copy_(first[p]);
        b.load_state_dict(new BinaryReader(saved));
        Assert.Equal(a.GroupScalarsOf(0), b.GroupScalarsOf(0));
        for (int step = 4; step < 8; step++)
        {
            Step(a, first, gradients[step]);
            Step(b, second, gradients[step]);
        }
        for (int p = 0; p < first.Count; p++)
        {
            Assert.Equal(first[p].data<float>().ToArray(), second[p].data<float>().ToArray());
            foreach (var slot in h.Slots.OfType<StateSlot>())
                Assert.Equal(a.States[p][slot.Name].data<float>().ToArray(), b.States[p][slot.Name].data<float>().ToArray());
        }
        Assert.Equal(a.GroupScalarsOf(0), b.GroupScalarsOf(0));
        if (h.LearningRateFree) Assert.True(a.GroupScalarsOf(0)["d"] > 1e-6, "d moved in 8 steps");
    }

    [Fact]
    public void SampledSlotsHoldEverySlicePthElementAndRefuseAnotherSlicing()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(randn([7, 5]));
        using var sliced = new AdaptiveOptimizer([p], new ProdigyHyperparameters(SliceP: 3));
        Assert.Equal([12L], sliced.States[0]["s"].shape);
        Assert.Equal([12L], sliced.States[0]["p0"].shape);
        Assert.Equal([7L, 5], sliced.States[0]["exp_avg"].shape);
        p.grad = randn([7, 5]);
        sliced.step();
        // p0 is the parameter's first value at every third element of its flattened storage.
        var saved = new MemoryStream();
        sliced.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        using var whole = new AdaptiveOptimizer([new Parameter(randn([7, 5]))], new ProdigyHyperparameters());
        var error = Assert.Throws<InvalidDataException>(() => whole.load_state_dict(new BinaryReader(saved)));
        Assert.Contains("state quantity s", error.Message);
        Assert.Equal(0, whole.States[0].Step);
    }

    [Fact]
    public void AGroupMayNotChangeTheSlicing()
    {
        using var scope = NewDisposeScope();
        var groups = new[]
        {
            new AdaptiveOptimizer.ParamGroup([new Parameter(randn([4]))]),
            new AdaptiveOptimizer.ParamGroup([new Parameter(randn([4]))], new ProdigyHyperparameters(SliceP: 2)),
        };
        var error = Assert.Throws<ArgumentException>(() => new AdaptiveOptimizer(groups, new ProdigyHyperparameters()));
        Assert.Contains("slice_p", error.Message);
    }

    /// <summary>
    /// The groups share one d, as in the authors' code: two groups of the same hyperparameters step on float32 exactly as one
    /// group of all the tensors, and every group holds the same scalars.
    /// </summary>
    [Theory]
    [InlineData("prodigy")]
    [InlineData("dadapt-adam")]
    public void GroupsShareOneD(string algorithm)
    {
        var h = OptimizerRegistry.Find(algorithm)!.Configure(new HyperparameterSettings { WeightDecay = 0.01 });
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator().manual_seed(5);
        var starts = new[] { randn([6, 4], generator: generator), randn([9], generator: generator), randn([3, 3], generator: generator) };
        var grouped = starts.Select(s => new Parameter(s.clone())).ToList();
        var alone = starts.Select(s => new Parameter(s.clone())).ToList();
        using var together = new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup(grouped[..1]), new AdaptiveOptimizer.ParamGroup(grouped[1..])], h);
        using var one = new AdaptiveOptimizer(alone, h);
        var direction = starts.Select(s => randn(s.shape, generator: generator)).ToList();
        for (int step = 0; step < 6; step++)
        {
            var gradients = direction.Select(m => m + randn(m.shape, generator: generator)).ToList();
            Step(together, grouped, gradients);
            Step(one, alone, gradients);
            Assert.Equal(one.GroupScalarsOf(0), together.GroupScalarsOf(0));
            Assert.Equal(one.GroupScalarsOf(0), together.GroupScalarsOf(1));
        }
        for (int p = 0; p < starts.Length; p++) Assert.Equal(alone[p].data<float>().ToArray(), grouped[p].data<float>().ToArray());
        Assert.True(together.GroupScalarsOf(1)["d"] > 1e-6, "d moved");
    }

    /// <summary>Groups with different non-zero lr fail at step() as the reference's do, naming the rule, with nothing changed; lr 0 is allowed.</summary>
    [Theory]
    [InlineData("prodigy")]
    [InlineData("dadapt-adam")]
    public void GroupsWithDifferentNonZeroLrAreRefusedAtStep(string algorithm)
    {
        var h = OptimizerRegistry.Find(algorithm)!.Defaults;
        using var scope = NewDisposeScope();
        var parameters = new[] { new Parameter(randn([4])), new Parameter(randn([3])) };
        var starts = parameters.Select(p => p.detach().clone()).ToList();
        using var optimizer = new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup(parameters[..1]), new AdaptiveOptimizer.ParamGroup(parameters[1..], lr: 0.5)], h);
        var gradients = parameters.Select(p => randn(p.shape)).ToList();
        var error = Assert.Throws<InvalidOperationException>(() => Step(optimizer, parameters, gradients));
        Assert.Equal("parameter group 1: lr 0.5 differs from another group's 1; the groups of " + algorithm + " share one d, so their lr may differ only by being 0 " +
                     "(as the reference: \"Setting different lr values in different parameter groups is only supported for values of 0\"); the optimizer is unchanged", error.Message);
        Assert.All(optimizer.States, s => Assert.Equal(0, s.Step));
        for (int p = 0; p < parameters.Length; p++) Assert.Equal(starts[p].data<float>().ToArray(), parameters[p].data<float>().ToArray());
        optimizer.ParamGroups.Last().LearningRate = 0;
        Step(optimizer, parameters, gradients);
        Assert.Equal(starts[1].data<float>().ToArray(), parameters[1].data<float>().ToArray());
        Assert.NotEqual(starts[0].data<float>().ToArray(), parameters[0].data<float>().ToArray());
        Assert.Equal(optimizer.GroupScalarsOf(0), optimizer.GroupScalarsOf(1));
    }

    /// <summary>A group may be given lr 0 (frozen) where the groups share d, as the reference allows; Adam's groups may not.</summary>
    [Fact]
    public void AGroupMayStartAtLrZeroWhereTheGroupsShareD()
    {
        using var scope = NewDisposeScope();
        AdaptiveOptimizer.ParamGroup[] Groups() => [new([new Parameter(randn([4]))]), new([new Parameter(randn([3]))], lr: 0)];
        using var prodigy = new AdaptiveOptimizer(Groups(), new ProdigyHyperparameters());
        Assert.Equal(0, prodigy.ParamGroups.Last().LearningRate);
        var error = Assert.Throws<ArgumentException>(() => new AdaptiveOptimizer(Groups(), new AdamHyperparameters()));
        Assert.Contains("parameter group 1: lr", error.Message);
    }

    /// <summary>
    /// A checkpoint of two groups continues bit for bit; one saved when each group kept its own d (here: group 1's d altered in
    /// the saved bytes) loads, and every group continues from group 0's scalars, which is what the authors' step reads.
    /// </summary>
    [Theory]
    [InlineData("prodigy")]
    [InlineData("dadapt-adam")]
    public void GroupsContinueFromTheFirstGroupsScalarsAfterLoading(string algorithm)
    {
        var h = OptimizerRegistry.Find(algorithm)!.Defaults;
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator().manual_seed(7);
        var starts = new[] { randn([5, 2], generator: generator), randn([4], generator: generator) };
        var (first, second) = (starts.Select(s => new Parameter(s.clone())).ToList(), starts.Select(s => new Parameter(s.clone())).ToList());
        AdaptiveOptimizer TwoGroups(List<Parameter> p) => new([new AdaptiveOptimizer.ParamGroup(p[..1]), new AdaptiveOptimizer.ParamGroup(p[1..], h with { WeightDecay = 0.1 })], h);
        using var a = TwoGroups(first);
        using var b = TwoGroups(second);
        var direction = starts.Select(s => randn(s.shape, generator: generator)).ToList();
        var gradients = Enumerable.Range(0, 8).Select(_ => direction.Select(m => m + randn(m.shape, generator: generator)).ToList()).ToList();
        for (int step = 0; step < 4; step++) Step(a, first, gradients[step]);
        var saved = new MemoryStream();
        a.save_state_dict(new BinaryWriter(saved));
        byte[] bytes = saved.ToArray();
        // Group 1's "d" is the second scalar named "d" (a length byte 1, then 'd', then its value).
        int at = IndexOf(bytes, [1, (byte)'d'], skip: 1) + 2;
        BitConverter.TryWriteBytes(bytes.AsSpan(at, 8), a.GroupScalarsOf(1)["d"] * 3);
        using (no_grad()) for (int p = 0; p < first.Count; p++) second[p].copy_(first[p]);
        b.load_state_dict(new BinaryReader(new MemoryStream(bytes)));
        Assert.Equal(a.GroupScalarsOf(0), b.GroupScalarsOf(1));
        for (int step = 4; step < 8; step++)
        {
            Step(a, first, gradients[step]);
            Step(b, second, gradients[step]);
        }
        for (int p = 0; p < first.Count; p++) Assert.Equal(first[p].data<float>().ToArray(), second[p].data<float>().ToArray());
        Assert.Equal(a.GroupScalarsOf(1), b.GroupScalarsOf(1));
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int skip)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle) && skip-- == 0) return i;
        throw new InvalidOperationException("not found");
    }

    /// <summary>The float32 kernel's sampled reduction (slice_p &gt; 1, one element at a time) against the double reference, over a group.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void SampledFloatPathFollowsTheDoubleReference(int sliceP)
    {
        // safeguard_warmup keeps lr out of s, and a large d0 makes the first steps move θ well above float32's rounding (see ModernGoldenTests).
        var h = new ProdigyHyperparameters(SliceP: sliceP, D0: 1e-2);
        using var scope = NewDisposeScope();
        var random = new Random(sliceP);
        int[] lengths = [61, 17];
        var values = lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToImmutableArray()).ToImmutableArray();
        var floats = values.Select(v => new Parameter(tensor(v.Select(x => (float)x).ToArray()))).ToList();
        using var adapter = new AdaptiveOptimizer(floats, h);
        var states = lengths.Select(n => OptimizerState.Initial(h, n)).ToImmutableArray();
        for (int step = 0; step < 5; step++)
        {
            var gradients = lengths.Select(n => Enumerable.Range(0, n).Select(_ => (double)(float)(random.NextDouble() - 0.3)).ToImmutableArray()).ToImmutableArray();
            var results = ReferenceStep.StepGroup(h, states, values, gradients);
            (states, values) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
            Step(adapter, floats, [.. gradients.Select(g => tensor(g.Select(x => (float)x).ToArray()))]);
        }
        Assert.Equal(states[0].Scalars["d"], adapter.GroupScalarsOf(0)["d"], 1e-4 * states[0].Scalars["d"]);
        for (int t = 0; t < lengths.Length; t++)
        {
            float[] ours = floats[t].data<float>().ToArray(), s = adapter.States[t]["s"].data<float>().ToArray();
            for (int i = 0; i < ours.Length; i++) Assert.True(Math.Abs(ours[i] - values[t][i]) <= 1e-4 * (1 + Math.Abs(values[t][i])), $"tensor {t} element {i}");
            Assert.Equal(states[t]["s"].Length, s.Length);
            for (int i = 0; i < s.Length; i++) Assert.True(Math.Abs(s[i] - states[t]["s"][i]) <= 1e-4 * states[t]["s"].Max(Math.Abs), $"tensor {t} s[{i}]");
        }
    }

    /// <summary>
    /// A large tensor's passes shared between the cores: the same bits on one thread and on several (sums per chunk,
    /// added in chunk order), and the unshared step's values within float32 rounding of the sums.
    /// </summary>
    [Theory]
    [InlineData("prodigy")]
    [InlineData("lamb")]
    public void SharedStagedPassesDoNotDependOnTheThreadCount(string algorithm)
    {
        var h = OptimizerRegistry.Find(algorithm)!.Defaults;
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator().manual_seed(3);
        var start = randn([300_001], generator: generator);
        var gradients = Enumerable.Range(0, 4).Select(_ => randn([300_001], generator: generator) + 0.5).ToList();
        float[] Run(int shareFrom, int threads)
        {
            int before = get_num_threads();
            set_num_threads(threads);
            try
            {
                var p = new Parameter(start.clone());
                using var optimizer = new AdaptiveOptimizer([p], h) { ShareCoresFrom = shareFrom };
                foreach (var g in gradients) Step(optimizer, [p], [g]);
                return p.data<float>().ToArray();
            }
            finally
            {
                set_num_threads(before);
            }
        }
        float[] oneThread = Run(65_536, 1), twoThreads = Run(65_536, 2), unshared = Run(int.MaxValue, 2);
        Assert.Equal(oneThread, twoThreads);
        for (int i = 0; i < unshared.Length; i++)
            Assert.True(Math.Abs(unshared[i] - oneThread[i]) <= 1e-5 * (1 + Math.Abs(unshared[i])), $"element {i}: {oneThread[i]} vs {unshared[i]}");
    }

    private static void Step(AdaptiveOptimizer optimizer, IReadOnlyList<Parameter> parameters, IReadOnlyList<Tensor> gradients)
    {
        for (int p = 0; p < parameters.Count; p++) AdapterProperties.Backward(parameters[p], gradients[p].reshape(parameters[p].shape));
        optimizer.step();
    }
}
