using System.Buffers;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// Where one stage of a group's step runs: the adapter's float32 tensors, or double arrays on the
/// reference path. <see cref="StagedStep"/> calls it once per tensor and pass.
/// </summary>
public interface IStagedPasses
{
    /// <summary>How many tensors of the group take this step.</summary>
    int Count { get; }

    /// <summary>The context of tensor <paramref name="tensor"/>'s step.</summary>
    StepContext Context(int tensor);

    /// <summary>How many dimensions tensor <paramref name="tensor"/> has.</summary>
    int Dimensions(int tensor);

    /// <summary>The shape of tensor <paramref name="tensor"/>.</summary>
    ReadOnlySpan<long> Shape(int tensor);

    /// <summary>
    /// Runs <paramref name="algorithm"/>'s matrix stage over tensor <paramref name="tensor"/> with these passes' matrix
    /// products; the tensor's next <see cref="Apply"/> reads the stage's direction in the gradient's place.
    /// </summary>
    void RunMatrixStage(int tensor, StagedHyperparameters algorithm, in StageInputs inputs);

    /// <summary>Runs a reduction rule over the elements of tensor <paramref name="tensor"/> that <paramref name="sampling"/> visits, adding to <paramref name="sums"/>.</summary>
    void Reduce<TRule>(int tensor, in TRule rule, SlotSampling sampling, Span<double> sums) where TRule : struct, IReductionRule;

    /// <summary>Runs a slot rule over tensor <paramref name="tensor"/>; its sampled slots read as zero.</summary>
    void Apply<TRule>(int tensor, in TRule rule, SlotSampling sampling) where TRule : struct, ISlotRule;
}

/// <summary>
/// One step of a <see cref="StagedHyperparameters"/> algorithm over a parameter group, the same for
/// every kind of memory: each tensor's reduction, the group's scalars advanced once from the summed
/// totals, then per tensor its matrix stage (if it has one) and its element pass. Groups that share
/// their scalars (<see cref="StagedHyperparameters.SharesScalarsAcrossGroups"/>) take that step together.
/// </summary>
public static unsafe class StagedStep
{
    /// <summary>
    /// Steps the group; <paramref name="tensorSums"/> receives each tensor's sums
    /// (<see cref="IStagedPasses.Count"/> × <see cref="StagedHyperparameters.SumCount"/>). Returns the group's scalars after the step.
    /// </summary>
    public static GroupScalars Run(StagedHyperparameters algorithm, GroupScalars before, IStagedPasses passes, Span<double> tensorSums)
    {
        var group = new StagedGroup(algorithm, passes.Count);
        return Run(new ReadOnlySpan<StagedGroup>(in group), before, passes, tensorSums);
    }

    /// <summary>
    /// Steps groups that share their scalars, as the authors' Prodigy and D-Adaptation do: every group's tensors (the
    /// passes' tensors in group order) reduce with their group's rule, each tensor's sums scale with its group's settings
    /// (<see cref="StagedHyperparameters.ScaleTensorSums"/>) into one set of totals, the scalars advance once with the
    /// first group's record and the largest learning rate, then every tensor's element pass runs with its group's record
    /// and the shared scalars. One group is the ordinary group step. Throws (before any pass) when the groups cannot
    /// share (<see cref="SharedGroupScalars.Problem"/>) or do not cover the passes' tensors.
    /// </summary>
    public static GroupScalars Run(ReadOnlySpan<StagedGroup> groups, GroupScalars before, IStagedPasses passes, Span<double> tensorSums)
    {
        int count = passes.Count, sumCount = groups.IsEmpty ? 0 : groups[0].Algorithm.SumCount, covered = 0;
        foreach (var group in groups) covered += group.Tensors;
        if (covered != count || groups.IsEmpty)
            throw new ArgumentException($"the groups hold {covered} tensors but the passes {count}", nameof(groups));
        if (count == 0) return before;
        if (tensorSums.Length != count * sumCount)
            throw new ArgumentException($"{count} tensors × {sumCount} sums need {count * sumCount} places, not {tensorSums.Length}", nameof(tensorSums));
        var shared = passes.Context(0);
        if (groups.Length > 1)
        {
            shared = shared with { LearningRate = LargestLearningRate(passes) };
            if (GroupsProblem(groups, passes) is { } problem) throw new ArgumentException(problem, nameof(groups));
        }
        tensorSums.Clear();
        // Sampling builds its slot mask anew on each read; the one group's is read once, as before groups could share.
        var firstSampling = groups[0].Algorithm.Sampling;
        Span<double> totals = stackalloc double[Math.Max(sumCount, 1)];
        Span<double> scaled = stackalloc double[Math.Max(sumCount, 1)];
        totals = totals[..sumCount];
        scaled = scaled[..sumCount];
        fixed (double* sums = tensorSums)
        {
            if (sumCount > 0 && groups.Length == 1 && groups[0].Algorithm.ReducesPerTensor)
                return ReducePerTensor(groups[0].Algorithm, before, passes, sums, sumCount, firstSampling);
            if (sumCount > 0)
            {
                int first = 0;
                foreach (var (algorithm, tensors) in groups)
                {
                    var sampling = SamplingOf(algorithm, groups[0].Algorithm, firstSampling);
                    for (int tensor = first; tensor < first + tensors; tensor++)
                    {
                        var reduce = new ReduceVisitor(passes, tensor, sampling, sums + tensor * sumCount, sumCount);
                        algorithm.VisitReductionRule<ReduceVisitor, bool>(passes.Context(tensor), before, ref reduce);
                        new ReadOnlySpan<double>(sums + tensor * sumCount, sumCount).CopyTo(scaled);
                        algorithm.ScaleTensorSums(shared, before, scaled);
                        for (int j = 0; j < sumCount; j++) totals[j] += scaled[j];
                    }
                    first += tensors;
                }
            }
            var after = groups[0].Algorithm.Advance(shared, before, totals);
            int start = 0;
            foreach (var (algorithm, tensors) in groups)
            {
                var sampling = SamplingOf(algorithm, groups[0].Algorithm, firstSampling);
                for (int tensor = start; tensor < start + tensors; tensor++)
                    ApplyTensor(algorithm, passes, tensor, sampling, before, after, new ReadOnlySpan<double>(sums + tensor * sumCount, sumCount));
                start += tensors;
            }
            return after;
        }
    }

    /// <summary>
    /// The step of an algorithm whose element pass reads only its tensor's own sums (<see cref="StagedHyperparameters.ReducesPerTensor"/>):
    /// its scalars advance first (their group totals unread), then each tensor's reduction and, at once, its element pass.
    /// </summary>
    private static GroupScalars ReducePerTensor(StagedHyperparameters algorithm, GroupScalars before, IStagedPasses passes, double* sums, int sumCount,
                                                SlotSampling sampling)
    {
        Span<double> unread = stackalloc double[sumCount];
        var after = algorithm.Advance(passes.Context(0), before, unread);
        for (int tensor = 0; tensor < passes.Count; tensor++)
        {
            var reduce = new ReduceVisitor(passes, tensor, sampling, sums + tensor * sumCount, sumCount);
            algorithm.VisitReductionRule<ReduceVisitor, bool>(passes.Context(tensor), before, ref reduce);
            ApplyTensor(algorithm, passes, tensor, sampling, before, after, new ReadOnlySpan<double>(sums + tensor * sumCount, sumCount));
        }
        return after;
    }

    /// <summary>Tensor <paramref name="tensor"/>'s matrix stage (if it has one) and element pass, with its own sums and the group's scalars.</summary>
    private static void ApplyTensor(StagedHyperparameters algorithm, IStagedPasses passes, int tensor, SlotSampling sampling, GroupScalars before,
                                    GroupScalars after, ReadOnlySpan<double> tensorSums)
    {
        var apply = new ApplyVisitor(passes, tensor, sampling);
        var inputs = new StageInputs(passes.Context(tensor), before, after, tensorSums, passes.Dimensions(tensor), passes.Shape(tensor));
        if (algorithm.HasMatrixStage(inputs)) passes.RunMatrixStage(tensor, algorithm, inputs);
        algorithm.VisitSlotRule<ApplyVisitor, bool>(inputs, ref apply);
    }

    private static string? GroupsProblem(ReadOnlySpan<StagedGroup> groups, IStagedPasses passes)
    {
        // Rented: the check runs every step of several groups.
        var records = ArrayPool<(StagedHyperparameters, double)>.Shared.Rent(groups.Length);
        try
        {
            int first = 0;
            for (int g = 0; g < groups.Length; g++)
            {
                // A group without tensors this step takes no part (nor does its learning rate).
                records[g] = (groups[g].Algorithm, groups[g].Tensors > 0 ? passes.Context(first).LearningRate : 0);
                first += groups[g].Tensors;
            }
            return SharedGroupScalars.Problem(records.AsSpan(0, groups.Length));
        }
        finally
        {
            ArrayPool<(StagedHyperparameters, double)>.Shared.Return(records, clearArray: true);
        }
    }

    private static SlotSampling SamplingOf(StagedHyperparameters algorithm, StagedHyperparameters first, SlotSampling firstSampling) =>
        ReferenceEquals(algorithm, first) ? firstSampling : algorithm.Sampling;

    private static double LargestLearningRate(IStagedPasses passes)
    {
        double largest = 0;
        for (int tensor = 0; tensor < passes.Count; tensor++) largest = Math.Max(largest, passes.Context(tensor).LearningRate);
        return largest;
    }

    private readonly struct ReduceVisitor(IStagedPasses passes, int tensor, SlotSampling sampling, double* sums, int length) : IReductionRuleVisitor<bool>
    {
        public bool Visit<TRule>(in TRule rule) where TRule : struct, IReductionRule
        {
            passes.Reduce(tensor, rule, sampling, new Span<double>(sums, length));
            return true;
        }
    }

    private readonly struct ApplyVisitor(IStagedPasses passes, int tensor, SlotSampling sampling) : ISlotRuleVisitor<bool>
    {
        public bool Visit<TRule>(in TRule rule) where TRule : struct, ISlotRule
        {
            passes.Apply(tensor, rule, sampling);
            return true;
        }
    }
}
