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
/// totals, then per tensor its matrix stage (if it has one) and its element pass.
/// </summary>
public static unsafe class StagedStep
{
    /// <summary>
    /// Steps the group; <paramref name="tensorSums"/> receives each tensor's sums
    /// (<see cref="IStagedPasses.Count"/> × <see cref="StagedHyperparameters.SumCount"/>). Returns the group's scalars after the step.
    /// </summary>
    public static GroupScalars Run(StagedHyperparameters algorithm, GroupScalars before, IStagedPasses passes, Span<double> tensorSums)
    {
        int count = passes.Count, sumCount = algorithm.SumCount;
        var sampling = algorithm.Sampling;
        if (count == 0) return before;
        if (tensorSums.Length != count * sumCount)
            throw new ArgumentException($"{count} tensors × {sumCount} sums need {count * sumCount} places, not {tensorSums.Length}", nameof(tensorSums));
        tensorSums.Clear();
        Span<double> groupSums = stackalloc double[Math.Max(sumCount, 1)];
        groupSums = groupSums[..sumCount];
        fixed (double* sums = tensorSums)
        {
            if (sumCount > 0)
            {
                for (int tensor = 0; tensor < count; tensor++)
                {
                    var reduce = new ReduceVisitor(passes, tensor, sampling, sums + tensor * sumCount, sumCount);
                    algorithm.VisitReductionRule<ReduceVisitor, bool>(passes.Context(tensor), before, ref reduce);
                    for (int j = 0; j < sumCount; j++) groupSums[j] += sums[tensor * sumCount + j];
                }
            }
            var after = algorithm.Advance(passes.Context(0), before, groupSums);
            for (int tensor = 0; tensor < count; tensor++)
            {
                var apply = new ApplyVisitor(passes, tensor, sampling);
                var inputs = new StageInputs(passes.Context(tensor), before, after, new ReadOnlySpan<double>(sums + tensor * sumCount, sumCount),
                                             passes.Dimensions(tensor), passes.Shape(tensor));
                if (algorithm.HasMatrixStage(inputs)) passes.RunMatrixStage(tensor, algorithm, inputs);
                algorithm.VisitSlotRule<ApplyVisitor, bool>(inputs, ref apply);
            }
            return after;
        }
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
