using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using AdaptiveLR.Torch;
using FsCheck;
using FsCheck.Xunit;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// The staged core (any number of slots, a reduction pass, group scalars) on a small algorithm made for
/// testing it: five slots, each slot k ← ½·slot k + (k+1)·g; the step θ ← θ − lr·g/‖g‖ with the norm over
/// the whole group; a group scalar counting steps and one keeping the last norm. Checked by hand, the
/// float kernel against the double reference, checkpoints, and groups that share their scalars.
/// </summary>
public class StagedCoreProperties
{
    [Property(MaxTest = 60)]
    public void OneStepMatchesHandComputation(NonEmptyArray<NormalFloat> values, PositiveInt seed)
    {
        double[] x = [.. values.Get.Select(v => (double)v.Get)];
        var random = new Random(seed.Get);
        double[] g = [.. x.Select(_ => random.NextDouble() * 2 - 1)];
        var algorithm = new NormalisedSteps();
        var result = ReferenceStep.Step(algorithm, OptimizerState.Initial(algorithm, x.Length), [.. x], [.. g]);
        double norm = Math.Sqrt(g.Sum(v => v * v));
        for (int i = 0; i < x.Length; i++)
        {
            AssertClose(x[i] - algorithm.Lr * g[i] / norm, result.Parameters[i]);
            for (int k = 0; k < 5; k++) AssertClose(0.5 * (k + 10) + (k + 1) * g[i], result.State[$"s{k}"][i]);
        }
        Assert.Equal(1, result.State.Scalars["steps"]);
        AssertClose(norm, result.State.Scalars["norm"]);
        AssertClose(norm * norm, result.State.Stage!.TensorSums[0]);
    }

    // Within 10⁻¹² of max(1, |expected|): xunit's decimal-places overload rounds both sides, and two values 4·10⁻¹⁵ apart
    // across a rounding boundary (16.2634543431625 and …25004 at 12 places) failed it.
    private static void AssertClose(double expected, double actual) => Assert.Equal(expected, actual, 1e-12 * Math.Max(1, Math.Abs(expected)));

    [Property(MaxTest = 40)]
    public void FloatKernelAndGeneralPathEqualTheReferenceOverAGroup(PositiveInt lengthA, PositiveInt lengthB, PositiveInt seed, bool maximize)
    {
        int[] lengths = [lengthA.Get % 300 + 1, lengthB.Get % 70 + 1];
        var algorithm = new NormalisedSteps { Maximize = maximize };
        var random = new Random(seed.Get);
        var starts = lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToImmutableArray()).ToImmutableArray();
        var states = starts.Select(s => OptimizerState.Initial(algorithm, s.Length)).ToImmutableArray();
        var parameters = starts;
        using var scope = NewDisposeScope();
        var floats = starts.Select(s => new Parameter(tensor(s.Select(v => (float)v).ToArray()))).ToList();
        var doubles = starts.Select(s => new Parameter(tensor(s.ToArray()))).ToList();
        using var fused = new AdaptiveOptimizer(floats, algorithm);
        using var general = new AdaptiveOptimizer(doubles, algorithm);
        for (int step = 0; step < 3; step++)
        {
            var gradients = lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToImmutableArray()).ToImmutableArray();
            var results = ReferenceStep.StepGroup(algorithm, states, parameters, gradients);
            (states, parameters) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
            for (int t = 0; t < lengths.Length; t++)
            {
                floats[t].grad = tensor(gradients[t].Select(v => (float)v).ToArray());
                doubles[t].grad = tensor(gradients[t].ToArray());
            }
            fused.step();
            general.step();
        }
        for (int t = 0; t < lengths.Length; t++)
        {
            double[] expected = [.. parameters[t]];
            double[] fromGeneral = doubles[t].data<double>().ToArray();
            float[] fromFused = floats[t].data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], fromGeneral[i], 1e-12);
                // Three steps of float32 rounding on values of order 1 and a norm summed in float blocks.
                Assert.True(Math.Abs(expected[i] - fromFused[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"tensor {t} element {i}: {fromFused[i]} vs {expected[i]}");
            }
            var s4 = fused.States[t]["s4"].data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(s4[i] - states[t]["s4"][i]) <= 1e-5 * (1 + Math.Abs(states[t]["s4"][i])));
        }
        Assert.Equal(3, fused.GroupScalarsOf(0)["steps"]);
        Assert.Equal(states[0].Scalars["norm"], general.GroupScalarsOf(0)["norm"], 1e-12);
    }

    /// <summary>
    /// Groups sharing their scalars: every tensor's sums scale with its own group's weight into one total, the scalars
    /// advance once, and every group steps with them (each with its own learning rate); the adapter steps its groups so too.
    /// </summary>
    [Property(MaxTest = 40)]
    public void GroupsSharingScalarsStepWithOneTotal(PositiveInt lengthA, PositiveInt lengthB, PositiveInt lengthC, PositiveInt seed)
    {
        int[] lengths = [lengthA.Get % 90 + 1, lengthB.Get % 40 + 1, lengthC.Get % 60 + 1];
        var random = new Random(seed.Get);
        var first = new NormalisedSteps { Shared = true, Weight = 0.5 + random.NextDouble() };
        var second = first with { Weight = 0.5 + random.NextDouble(), Lr = 0 };
        ImmutableArray<StagedGroup> groups = [new(first, 2), new(second, 1)];
        var x = lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToImmutableArray()).ToImmutableArray();
        var g = lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToImmutableArray()).ToImmutableArray();
        var states = lengths.Select(n => OptimizerState.Initial(first, n)).ToImmutableArray();
        var results = ReferenceStep.StepGroups(groups, states, x, g);
        double norm = Math.Sqrt(first.Weight * SumOfSquares(g[0]) + first.Weight * SumOfSquares(g[1]) + second.Weight * SumOfSquares(g[2]));
        for (int t = 0; t < 3; t++)
        {
            double lr = t < 2 ? first.Lr : second.Lr;
            for (int i = 0; i < lengths[t]; i++) Assert.Equal(x[t][i] - lr * g[t][i] / norm, results[t].Parameters[i], 1e-12);
            Assert.Equal(norm, results[t].State.Scalars["norm"], 1e-12);
            Assert.Equal(1, results[t].State.Scalars["steps"]);
        }

        using var scope = NewDisposeScope();
        var parameters = x.Select(v => new Parameter(tensor(v.ToArray()))).ToList();
        using var adapter = new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup(parameters[..2]), new AdaptiveOptimizer.ParamGroup([parameters[2]], second)], first);
        for (int t = 0; t < 3; t++) parameters[t].grad = tensor(g[t].ToArray());
        adapter.step();
        for (int t = 0; t < 3; t++) Assert.Equal([.. results[t].Parameters], parameters[t].data<double>().ToArray());
        Assert.Equal(adapter.GroupScalarsOf(0), adapter.GroupScalarsOf(1));
        Assert.Equal(results[0].State.Scalars, adapter.GroupScalarsOf(1));
    }

    [Fact]
    public void GroupsThatKeepTheirOwnScalarsCannotStepTogether()
    {
        var algorithm = new NormalisedSteps();
        var error = Assert.Throws<ArgumentException>(() => ReferenceStep.StepGroups(
            [new(algorithm, 1), new(algorithm, 1)], [OptimizerState.Initial(algorithm, 2), OptimizerState.Initial(algorithm, 2)], [[1, 2], [3, 4]], [[1, 1], [1, 1]]));
        Assert.Contains("keeps its scalars per group", error.Message);
    }

    private static double SumOfSquares(ImmutableArray<double> values) => values.Sum(v => v * v);

    [Fact]
    public void CheckpointRoundTripContinuesBitIdentically()
    {
        var algorithm = new NormalisedSteps();
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator().manual_seed(3);
        var start = randn([37], generator: generator);
        var (a, b) = (new Parameter(start.clone()), new Parameter(start.clone()));
        using var first = new AdaptiveOptimizer([a], algorithm);
        using var second = new AdaptiveOptimizer([b], algorithm);
        var gradients = Enumerable.Range(0, 4).Select(_ => randn([37], generator: generator)).ToList();
        for (int step = 0; step < 2; step++) { a.grad = gradients[step].clone(); first.step(); }
        var saved = new MemoryStream();
        first.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        using (no_grad()) b.copy_(a);
        second.load_state_dict(new BinaryReader(saved));
        Assert.Equal(2, second.GroupScalarsOf(0)["steps"]);
        for (int step = 2; step < 4; step++)
        {
            a.grad = gradients[step].clone();
            b.grad = gradients[step].clone();
            first.step();
            second.step();
        }
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.Equal(first.States[0]["s3"].data<float>().ToArray(), second.States[0]["s3"].data<float>().ToArray());
    }

    [Fact]
    public void ScalarsOfAnotherAlgorithmAreRefusedAndChangeNothing()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(ones(5));
        using var optimizer = new AdaptiveOptimizer([p], new NormalisedSteps());
        p.grad = ones(5);
        optimizer.step();
        var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        optimizer.save_state_dict(writer);
        byte[] bytes = stream.ToArray();
        // The first group scalar's name follows the group's three doubles: rename it.
        int at = IndexOf(bytes, "norm"u8.ToArray());
        bytes[at] = (byte)'x';
        var before = p.clone();
        Assert.Throws<InvalidDataException>(() => optimizer.load_state_dict(new BinaryReader(new MemoryStream(bytes))));
        Assert.Equal(1, optimizer.GroupScalarsOf(0)["steps"]);
        Assert.Equal(before.data<float>().ToArray(), p.data<float>().ToArray());
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }

    /// <summary>The test algorithm: more slots than the classic core's three, a group-wide reduction, group scalars.</summary>
    private sealed record NormalisedSteps : StagedHyperparameters
    {
        public override string Algorithm => "normalised-steps";
        public override double Lr { get; init; } = 0.1;
        public override double WeightDecay { get; init; }
        public override ImmutableArray<StateSlot?> Slots { get; } = [.. Enumerable.Range(0, 5).Select(k => new StateSlot($"s{k}", k + 10))];
        public override int SumCount => 1;
        public override GroupScalars InitialScalars => GroupScalars.Of(("steps", 0), ("norm", 0));

        /// <summary>Whether its groups share the scalars; each group then adds its tensors' squared norms times its <see cref="Weight"/>.</summary>
        public bool Shared { get; init; }

        public double Weight { get; init; } = 1;

        public override bool SharesScalarsAcrossGroups => Shared;

        public override void ScaleTensorSums(StepContext context, GroupScalars scalars, Span<double> sums) => sums[0] *= Weight;
        public override Hyperparameters With(HyperparameterSettings settings) => this with { Lr = settings.Lr ?? Lr };
        public override IReadOnlyList<ValidationError> Validate() => [];

        public override GroupScalars Advance(StepContext context, GroupScalars scalars, ReadOnlySpan<double> groupSums) =>
            scalars.With("steps", scalars["steps"] + 1).With("norm", Math.Sqrt(groupSums[0]));

        protected override TResult WithReductionRule<TVisitor, TResult>(StepContext context, GroupScalars scalars, ref TVisitor visitor) =>
            visitor.Visit(new SquaredNorm());

        protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor) =>
            visitor.Visit(new Step(inputs.Context.LearningRate / inputs.After["norm"], Slots.Length));
    }

    private readonly struct SquaredNorm : IReductionRule
    {
        public int SlotsTouched => 0;

        public int SlotsWritten => 0;

        public bool ReadsParameter => false;

        public void Accumulate<T>(T parameter, T gradient, ref Lanes<T> state, ref Lanes<T> sums) where T : unmanaged, ILane<T> =>
            sums[0] += gradient * gradient;
    }

    private readonly struct Step(double scale, int slots) : ISlotRule
    {
        public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
        {
            for (int k = 0; k < slots; k++) state[k] = T.Broadcast(0.5) * state[k] + T.Broadcast(k + 1) * gradient;
            parameter -= T.Broadcast(scale) * gradient;
        }

        public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> => T.Broadcast(scale);
    }
}
