using System.Collections.Immutable;
using System.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// Hyperparameters of an algorithm whose step runs in stages over a parameter group: an optional
/// reduction pass (each tensor's sums: norms, dot products), then the group's scalars advance once
/// from the sums of all its tensors (Prodigy's d), then an element pass whose rule reads the scalars
/// before and after and the tensor's own sums (LAMB's trust ratio). Any number of named slots.
/// </summary>
/// <remarks>
/// The classic algorithms are the special case of no reduction, no scalars and at most three slots;
/// they keep <see cref="IElementRule"/> and its fused kernel. One file per algorithm either way.
/// </remarks>
public abstract record StagedHyperparameters : Hyperparameters
{
    /// <summary>How many sums the reduction pass adds up per tensor; 0 means the step has no reduction pass.</summary>
    public virtual int SumCount => 0;

    /// <summary>
    /// True when a tensor's element pass reads only that tensor's own sums and <see cref="Advance"/> ignores the group's totals
    /// (LAMB's and LARS's trust ratios): each tensor's reduction pass then runs just before its element pass, while the tensor
    /// is still in cache, instead of every tensor's reduction before any element pass. The arithmetic is the same.
    /// </summary>
    public virtual bool ReducesPerTensor => false;

    /// <summary>
    /// The reduction pass visits elements 0, stride, 2·stride, … of each tensor (Prodigy's <c>slice_p</c>); its
    /// <see cref="StateSlot.Sampled"/> slots hold one value per visited element. 1: every element.
    /// </summary>
    public virtual int SampleStride => 1;

    /// <summary>Which slots are sampled and the stride, as the passes read them.</summary>
    public SlotSampling Sampling
    {
        get
        {
            // A loop, not LINQ: the step reads this once per group, and a step allocates nothing.
            var slots = Slots;
            int sampled = 0;
            for (int k = 0; k < slots.Length; k++)
                if (slots[k] is { Sampled: true }) sampled |= 1 << k;
            return new(SampleStride, sampled);
        }
    }

    /// <summary>How many values slot <paramref name="slot"/> keeps for a tensor of <paramref name="size"/> elements.</summary>
    public long SlotLength(int slot, long size) => Sampling.Length(slot, size);

    /// <summary>
    /// Named per-tensor values derived from a tensor's step (LAMB's weight norm and trust ratio), for inspection
    /// (<c>step</c>, golden fixtures); the step itself reads the sums directly. Empty by default.
    /// </summary>
    public virtual GroupScalars TensorScalars(in StageInputs inputs) => GroupScalars.Empty;

    /// <summary>The group's scalars before its first step.</summary>
    public virtual GroupScalars InitialScalars => GroupScalars.Empty;

    /// <summary>True when the algorithm evaluates at other parameters than it trains at (Schedule-Free's x and y).</summary>
    public virtual bool HasEvaluationView => false;

    /// <summary>
    /// The slots a tensor of <paramref name="shape"/> uses, as <see cref="Hyperparameters.Slots"/> with null where this
    /// tensor keeps none (Muon's matrices keep a momentum buffer, its vectors AdamW's moments). Default: every slot.
    /// </summary>
    public virtual ImmutableArray<StateSlot?> SlotsFor(ReadOnlySpan<long> shape) => Slots;

    /// <summary>
    /// Whether the tensor of <paramref name="inputs"/> has a matrix stage (<see cref="RunMatrixStage"/>) between the
    /// reduction and its element pass. Default: none.
    /// </summary>
    public virtual bool HasMatrixStage(in StageInputs inputs) => false;

    /// <summary>
    /// The matrix stage of one tensor: reads its gradient (as stored: <see cref="Hyperparameters.Maximize"/> is the
    /// stage's to apply) and slots, may update the slots, and writes <see cref="MatrixStageMemory{T}.Direction"/>, which the
    /// element pass then receives in the gradient's place (negated when maximizing, like a gradient). Matrix products go
    /// through <paramref name="operations"/>, so that the adapter runs them fast while the arithmetic stays defined here.
    /// </summary>
    public virtual void RunMatrixStage<T>(in StageInputs inputs, in MatrixStageMemory<T> memory, IMatrixOperations<T> operations)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw new NotSupportedException($"{Algorithm} has no matrix stage");

    /// <summary>Builds the reduction pass's rule (only called when <see cref="SumCount"/> &gt; 0).</summary>
    protected virtual TResult WithReductionRule<TVisitor, TResult>(StepContext context, GroupScalars scalars, ref TVisitor visitor)
        where TVisitor : struct, IReductionRuleVisitor<TResult> =>
        throw new NotSupportedException($"{Algorithm} has no reduction pass");

    /// <summary>
    /// True when one set of scalars serves every parameter group of an optimizer, as the authors of Prodigy and
    /// D-Adaptation keep d: a step reduces over the tensors of all groups, advances once (with the first group's
    /// record and scalars) and every group steps with the same scalars (<see cref="StagedStep.Run(ReadOnlySpan{StagedGroup}, GroupScalars, IStagedPasses, Span{double})"/>).
    /// False: each group keeps its own.
    /// </summary>
    public virtual bool SharesScalarsAcrossGroups => false;

    /// <summary>
    /// Turns a copy of one tensor's sums into its part of the step's totals, in place: the factors the reference applies per
    /// tensor with its group's settings (D-Adaptation's layer_scale, Prodigy's d/d0·dlr), so that groups sharing their scalars
    /// each contribute with their own, and splitting a group in two changes no total. <paramref name="context"/> is the
    /// step's (the largest learning rate of the groups), <paramref name="scalars"/> those before the step. Default: unchanged.
    /// </summary>
    public virtual void ScaleTensorSums(StepContext context, GroupScalars scalars, Span<double> sums)
    {
    }

    /// <summary>
    /// Why a group with this record cannot share its scalars with a group of <paramref name="first"/>'s (a setting the
    /// reference reads from the first group only differs), or null when it can. Only asked when <see cref="SharesScalarsAcrossGroups"/>.
    /// </summary>
    public virtual string? SharingConflict(StagedHyperparameters first) => null;

    /// <summary>
    /// The group's scalars after a step, from those before it and the totals of all the group's tensors' sums
    /// (after <see cref="ScaleTensorSums"/>; of all groups' tensors when <see cref="SharesScalarsAcrossGroups"/>).
    /// </summary>
    public virtual GroupScalars Advance(StepContext context, GroupScalars scalars, ReadOnlySpan<double> groupSums) => scalars;

    /// <summary>Builds the element pass's rule for one tensor.</summary>
    protected abstract TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor)
        where TVisitor : struct, ISlotRuleVisitor<TResult>;

    /// <summary>
    /// Builds the rule that moves the parameters between the training view and the evaluation view
    /// (its gradient reads zero). Only called when <see cref="HasEvaluationView"/>.
    /// </summary>
    protected virtual TResult WithViewRule<TVisitor, TResult>(bool toEvaluation, GroupScalars scalars, ref TVisitor visitor)
        where TVisitor : struct, ISlotRuleVisitor<TResult> =>
        throw new NotSupportedException($"{Algorithm} has a single view of the parameters");

    /// <summary>The reduction pass's rule, on −g when <see cref="Hyperparameters.Maximize"/>.</summary>
    public TResult VisitReductionRule<TVisitor, TResult>(StepContext context, GroupScalars scalars, ref TVisitor visitor)
        where TVisitor : struct, IReductionRuleVisitor<TResult>
    {
        if (!Maximize) return WithReductionRule<TVisitor, TResult>(context, scalars, ref visitor);
        var ascent = new ReductionAscentVisitor<TVisitor, TResult>(visitor);
        var result = WithReductionRule<ReductionAscentVisitor<TVisitor, TResult>, TResult>(context, scalars, ref ascent);
        visitor = ascent.Inner;
        return result;
    }

    /// <summary>The element pass's rule, on −g when <see cref="Hyperparameters.Maximize"/>.</summary>
    public TResult VisitSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor)
        where TVisitor : struct, ISlotRuleVisitor<TResult>
    {
        if (!Maximize) return WithSlotRule<TVisitor, TResult>(inputs, ref visitor);
        var ascent = new SlotAscentVisitor<TVisitor, TResult>(visitor);
        var result = WithSlotRule<SlotAscentVisitor<TVisitor, TResult>, TResult>(inputs, ref ascent);
        visitor = ascent.Inner;
        return result;
    }

    /// <summary>The view rule (see <see cref="WithViewRule"/>).</summary>
    public TResult VisitViewRule<TVisitor, TResult>(bool toEvaluation, GroupScalars scalars, ref TVisitor visitor)
        where TVisitor : struct, ISlotRuleVisitor<TResult> =>
        WithViewRule<TVisitor, TResult>(toEvaluation, scalars, ref visitor);

    /// <inheritdoc/>
    public sealed override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        throw new NotSupportedException($"{Algorithm} steps in stages (reduction, group scalars, slots); it has no three-slot element rule");
}

/// <summary>
/// What the element pass of one tensor reads: the step's context, the group's scalars before and
/// after they advanced, and this tensor's sums from the reduction pass (empty without one).
/// </summary>
public readonly ref struct StageInputs(StepContext context, GroupScalars before, GroupScalars after, ReadOnlySpan<double> tensorSums, int dimensions,
                                       ReadOnlySpan<long> shape = default)
{
    /// <summary>How many dimensions the tensor has (1 for biases and norms' scales, 2 for a linear layer's weight, …): what exclusions (LAMB, LARS) and routing (Muon) read.</summary>
    public int Dimensions { get; } = dimensions;

    /// <summary>The tensor's shape (Muon's matrix view and scale); empty where the caller gave only <see cref="Dimensions"/>.</summary>
    public ReadOnlySpan<long> Shape { get; } = shape;

    /// <summary>The step number, learning rate and weight decay in force.</summary>
    public StepContext Context { get; } = context;

    /// <summary>The group's scalars before this step.</summary>
    public GroupScalars Before { get; } = before;

    /// <summary>The group's scalars after this step's <see cref="StagedHyperparameters.Advance"/>.</summary>
    public GroupScalars After { get; } = after;

    /// <summary>This tensor's sums, <see cref="StagedHyperparameters.SumCount"/> of them.</summary>
    public ReadOnlySpan<double> TensorSums { get; } = tensorSums;
}
