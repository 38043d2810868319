using AdaptiveLR.Pure.Core;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

public sealed partial class AdaptiveOptimizer
{
    private readonly StagedTensors stagedTensors = new();

    // The groups of a step with shared scalars, and their records and learning rates for the check before it, reused from step to step.
    private StagedGroup[] sharedGroups = [];
    private (StagedHyperparameters, double)[] sharingCheck = [];

    /// <summary>
    /// A staged algorithm (<see cref="StagedHyperparameters"/>), group by group: each tensor's reduction, the
    /// group's scalars advanced once, each tensor's element pass — on float32 CPU memory in place, otherwise on
    /// double copies written back in the tensors' own dtype.
    /// </summary>
    private void StepStagedGroups()
    {
        stagedTensors.Sharing = (ShareCoresFrom, get_num_threads());
        if (Hyperparameters is StagedHyperparameters { SharesScalarsAcrossGroups: true })
        {
            StepSharedGroups();
            return;
        }
        for (int group = 0; group < _parameter_groups.Count; group++)
        {
            var options = (Options)_parameter_groups[group].Options;
            var algorithm = (StagedHyperparameters)options.Hyperparameters!;
            stagedTensors.Begin();
            for (int i = 0; i < states.Count; i++)
            {
                if (groupOfState[i] != group || gradients[i] == IntPtr.Zero || skipped[i]) continue;
                var state = states[i];
                state.Step++;
                stagedTensors.Add(state, gradients[i], new StepContext(state.Step, options.LearningRate!.Value, options.WeightDecay!.Value));
            }
            if (stagedTensors.Count == 0) continue;
            var before = options.Scalars;
            options.Scalars = StagedStep.Run(algorithm, before, stagedTensors, stagedTensors.Sums(algorithm.SumCount));
            options.ScalarsBeforeLastStep = before;
            stagedTensors.End();
        }
    }

    /// <summary>
    /// An algorithm whose groups share their scalars (Prodigy, D-Adaptation), as its authors step it: the tensors of all
    /// groups in one staged step, each with its group's record; every group then holds the same scalars.
    /// </summary>
    private void StepSharedGroups()
    {
        if (sharedGroups.Length != _parameter_groups.Count) sharedGroups = new StagedGroup[_parameter_groups.Count];
        var groups = sharedGroups;
        stagedTensors.Begin();
        for (int group = 0; group < groups.Length; group++)
        {
            var options = (Options)_parameter_groups[group].Options;
            int first = stagedTensors.Count;
            for (int i = 0; i < states.Count; i++)
            {
                if (groupOfState[i] != group || gradients[i] == IntPtr.Zero || skipped[i]) continue;
                var state = states[i];
                state.Step++;
                stagedTensors.Add(state, gradients[i], new StepContext(state.Step, options.LearningRate!.Value, options.WeightDecay!.Value));
            }
            groups[group] = new StagedGroup((StagedHyperparameters)options.Hyperparameters!, stagedTensors.Count - first);
        }
        if (stagedTensors.Count == 0) return;
        var before = ((Options)_parameter_groups[0].Options).Scalars;
        var after = StagedStep.Run(groups, before, stagedTensors, stagedTensors.Sums(groups[0].Algorithm.SumCount));
        for (int group = 0; group < groups.Length; group++) ((Options)_parameter_groups[group].Options).ShareScalars(before, after);
        stagedTensors.End();
    }

    /// <summary>
    /// Refuses, before anything changes, groups that cannot take one step with shared scalars: the reference's rule that their
    /// learning rates differ only by being 0, and settings it reads from the first group only. Nothing for the other algorithms.
    /// </summary>
    private void EnsureGroupsCanShareScalars()
    {
        if (Hyperparameters is not StagedHyperparameters { SharesScalarsAcrossGroups: true } || _parameter_groups.Count < 2) return;
        if (sharingCheck.Length != _parameter_groups.Count) sharingCheck = new (StagedHyperparameters, double)[_parameter_groups.Count];
        for (int group = 0; group < sharingCheck.Length; group++)
        {
            var options = (Options)_parameter_groups[group].Options;
            sharingCheck[group] = ((StagedHyperparameters)options.Hyperparameters!, options.LearningRate!.Value);
        }
        if (SharedGroupScalars.Problem(sharingCheck) is { } problem) throw new InvalidOperationException($"{problem}; the optimizer is unchanged");
    }

    /// <summary>
    /// Moves every parameter of a staged algorithm with two views (Schedule-Free) to its evaluation view
    /// (<paramref name="evaluation"/> true) or back to its training view. No-op for the others; calling it
    /// for the view the parameters are in already is an error the caller must avoid (see <see cref="InEvaluationView"/>).
    /// </summary>
    private void MoveToView(bool evaluation)
    {
        using var noGrad = no_grad();
        for (int group = 0; group < _parameter_groups.Count; group++)
        {
            var options = (Options)_parameter_groups[group].Options;
            if (options.Hyperparameters is not StagedHyperparameters { HasEvaluationView: true } algorithm) continue;
            stagedTensors.Begin();
            // A parameter that has not stepped has no z yet (the authors create it at the first step): both views are the parameter itself.
            for (int i = 0; i < states.Count; i++)
                if (groupOfState[i] == group && states[i].Step > 0) stagedTensors.Add(states[i], IntPtr.Zero, new StepContext(states[i].Step, options.LearningRate!.Value, options.WeightDecay!.Value));
            var visitor = new ViewVisitor(stagedTensors, algorithm.Sampling);
            algorithm.VisitViewRule<ViewVisitor, bool>(evaluation, options.Scalars, ref visitor);
            stagedTensors.End();
            options.EvaluationView = evaluation;
        }
    }

    /// <summary>The scalars of parameter group <paramref name="group"/> (Prodigy's d, …); empty for algorithms that keep none.</summary>
    public GroupScalars GroupScalarsOf(int group) => ((Options)_parameter_groups[group].Options).Scalars;

    /// <summary>
    /// True while the parameters hold the evaluation view (after <see cref="eval"/>, before <see cref="train"/>); saved with the
    /// state (<c>save_state_dict</c>) and restored by loading it, so that the model saved beside it is known to hold x or y.
    /// </summary>
    public bool InEvaluationView => _parameter_groups.Count > 0 && ((Options)_parameter_groups[0].Options).EvaluationView;

    /// <summary>Whether the algorithm evaluates at other parameters than it trains at (Schedule-Free).</summary>
    public bool HasEvaluationView => Hyperparameters is StagedHyperparameters { HasEvaluationView: true };

    /// <summary>
    /// The parameters to evaluate at, as the authors' <c>optimizer.eval()</c>: Schedule-Free moves them from y to
    /// x. Call it before evaluating and before saving the model; <see cref="train"/> before the next step.
    /// Idempotent; nothing for algorithms with one view.
    /// </summary>
    public void eval()
    {
        if (InEvaluationView || !HasEvaluationView) return;
        MoveToView(evaluation: true);
    }

    /// <summary>The parameters to train at (the authors' <c>optimizer.train()</c>): back from x to y. Idempotent.</summary>
    public void train()
    {
        if (!InEvaluationView) return;
        MoveToView(evaluation: false);
    }

    /// <summary>The authors' optimizer refuses to step at x: the step's arithmetic is for y.</summary>
    private void EnsureTrainingView()
    {
        if (InEvaluationView)
            throw new InvalidOperationException($"{Hyperparameters.Algorithm}: step() while the parameters hold the evaluation view x (after eval()); call train() first; the optimizer is unchanged");
    }

    /// <summary>The effective learning rate of every element of <paramref name="state"/>'s parameter after its last step, for a staged algorithm (zeros before the first).</summary>
    public float[] StagedEffectiveLearningRates(State state)
    {
        var options = (Options)_parameter_groups[groupOfState[states.IndexOf(state)]].Options;
        var algorithm = (StagedHyperparameters)options.Hyperparameters!;
        var rates = new float[state.Parameter.numel()];
        if (state.Step == 0) return rates;
        using var scope = NewDisposeScope();
        var sampling = algorithm.Sampling;
        var floats = state.Slots.Select((slot, k) => sampling.IsSampled(k) ? null : slot?.detach().to(float32, CPU).contiguous()).ToArray();
        var visitor = new RateVisitor(floats, rates);
        var inputs = new StageInputs(new StepContext(state.Step, options.LearningRate!.Value, options.WeightDecay!.Value),
                                     options.ScalarsBeforeLastStep, options.Scalars, state.LastSums, state.Dimensions, state.Parameter.shape);
        algorithm.VisitSlotRule<RateVisitor, bool>(inputs, ref visitor);
        return rates;
    }

    private readonly struct ViewVisitor(StagedTensors tensors, SlotSampling sampling) : ISlotRuleVisitor<bool>
    {
        public bool Visit<TRule>(in TRule rule) where TRule : struct, ISlotRule
        {
            for (int t = 0; t < tensors.Count; t++) tensors.Apply(t, rule, sampling);
            return true;
        }
    }

    private readonly unsafe struct RateVisitor(Tensor?[] slots, float[] rates) : ISlotRuleVisitor<bool>
    {
        public bool Visit<TRule>(in TRule rule) where TRule : struct, ISlotRule
        {
            Span<IntPtr> pointers = stackalloc IntPtr[slots.Length];
            for (int k = 0; k < slots.Length; k++) pointers[k] = slots[k] is { } slot ? NativeTensor.Data(slot.Handle) : IntPtr.Zero;
            SlotKernel.EffectiveLearningRates(rule, pointers, rates);
            return true;
        }
    }
}
