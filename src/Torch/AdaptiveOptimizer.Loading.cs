using AdaptiveLR.Pure.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

public sealed partial class AdaptiveOptimizer
{
    /// <summary>
    /// Loads another optimizer's state after checking all of it — same algorithm and state layout,
    /// same shapes — so that a mismatch throws, naming the parameter, and changes nothing.
    /// </summary>
    public override void load_state_dict(StateDictionary state_dict)
    {
        if (state_dict.Options.Count != _parameter_groups.Count || state_dict.State.Count != states.Count)
            throw new ArgumentException($"the state has {state_dict.Options.Count} parameter groups and {state_dict.State.Count} parameters, this optimizer {_parameter_groups.Count} and {states.Count}; the optimizer is unchanged");
        for (int i = 0; i < states.Count; i++)
        {
            if (state_dict.State[i] is not State source || state_dict.Options[groupOfState[i]] is not Options)
                throw new ArgumentException($"parameter '{states[i].Name}': the state comes from {state_dict.State[i]?.GetType().Name ?? "nothing"}, not from {nameof(AdaptiveOptimizer)}; the optimizer is unchanged");
            CheckCompatible(states[i].Name, source.Algorithm, source.Step, source.Slots, states[i].Parameter);
            CheckCompatibleTransforms(states[i].Name, source.Accumulator, source.Slow, states[i].Parameter);
        }
        base.load_state_dict(state_dict);
    }

    /// <summary>Throws, naming the parameter, unless the state fits this optimizer's algorithm and the parameter.</summary>
    internal void CheckCompatible(string name, string algorithm, long step, Tensor?[] slots, Parameter parameter)
    {
        if (algorithm != Hyperparameters.Algorithm)
            throw new InvalidDataException($"parameter '{name}': the state is {algorithm}'s but this optimizer runs {Hyperparameters.Algorithm}; the optimizer is unchanged");
        if (step < 0)
            throw new InvalidDataException($"parameter '{name}': step count {step} is negative; the optimizer is unchanged");
        var layout = LayoutOf(parameter);
        if (slots.Length != layout.Length)
            throw new InvalidDataException($"parameter '{name}': the state has {slots.Length} slots but {Hyperparameters.Algorithm} keeps {layout.Length}; the optimizer is unchanged");
        for (int k = 0; k < layout.Length; k++)
        {
            if ((layout[k] is null) != (slots[k] is null))
                throw new InvalidDataException($"parameter '{name}': state quantity {layout[k]?.Name ?? $"slot {k}"} is {(slots[k] is null ? "missing" : "unexpected")} (different hyperparameters, e.g. amsgrad, centered or momentum?); the optimizer is unchanged");
            if (slots[k] is { } slot && !slot.shape.SequenceEqual(StoredSlotShapeOf(k, parameter)))
                throw new InvalidDataException($"parameter '{name}': state quantity {layout[k]!.Name} has shape {Shape(slot)} but the parameter {Shape(parameter)} needs [{string.Join(", ", StoredSlotShapeOf(k, parameter))}] at {Name(StatePrecision)}; the optimizer is unchanged");
            if (slots[k] is { } typed && typed.dtype != SlotDtypeOf(parameter))
                throw new InvalidDataException($"parameter '{name}': state quantity {layout[k]!.Name} is {typed.dtype} but {Name(StatePrecision)} state of a {parameter.dtype} parameter is {SlotDtypeOf(parameter)} (saved at another --state-precision?); the optimizer is unchanged");
        }
    }

    /// <summary>Throws, naming the parameter, unless the transformations' state fits this optimizer's chain.</summary>
    internal void CheckCompatibleTransforms(string name, Tensor? accumulator, Tensor? slow, Parameter parameter)
    {
        if ((accumulator is null) != (Chain.Find<Pure.Transforms.AccumulateGradients>() is not { Steps: > 1 }) ||
            (slow is null) != (Chain.Find<Pure.Transforms.Lookahead>() is null))
            throw new InvalidDataException($"parameter '{name}': the state was saved with other gradient transformations (accumulation, lookahead); the optimizer is unchanged");
        foreach (var tensor in new[] { accumulator, slow })
            if (tensor is not null && !tensor.shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException($"parameter '{name}': transformation state has shape {Shape(tensor)} but the parameter {Shape(parameter)}; the optimizer is unchanged");
    }

    // Binary loading (OptimizerHelper.load_state_dict(BinaryReader)) reads group options, then each
    // parameter's state, in order, into the live objects. Each piece is held as pending and applied
    // only once the last parameter's state has been read and checked.
    internal void BeginLoadIfFirst(State state)
    {
        if (states.Count > 0 && ReferenceEquals(states[0], state))
            foreach (var other in states.Skip(1)) other.DiscardPending();
    }

    internal void CommitIfLast(State state)
    {
        if (!ReferenceEquals(states[^1], state)) return;
        if (states.Any(s => !s.HasPending))
        {
            DiscardPendingLoad();
            throw new InvalidDataException("the optimizer state stream was incomplete; the optimizer is unchanged");
        }
        if (_parameter_groups.Select(g => ((Options)g.Options).PendingProblem()).FirstOrDefault(p => p is not null) is { } problem)
        {
            DiscardPendingLoad();
            throw new InvalidDataException($"{problem}; the optimizer is unchanged");
        }
        if (_parameter_groups.Select(g => ((Options)g.Options).PendingEvaluationView).Distinct().Count() > 1)
        {
            DiscardPendingLoad();
            throw new InvalidDataException("the parameter groups are recorded in different views (some at x after eval(), some at y); the optimizer is unchanged");
        }
        foreach (var group in _parameter_groups) ((Options)group.Options).CommitPending();
        foreach (var s in states) s.CommitPending();
        AdoptFirstGroupScalars();
    }

    /// <summary>
    /// Groups that share their scalars hold the first group's: states saved before they were shared (each group its own d)
    /// continue from group 0's, which is what the authors' step reads from such a state.
    /// </summary>
    private void AdoptFirstGroupScalars()
    {
        if (Hyperparameters is not StagedHyperparameters { SharesScalarsAcrossGroups: true } || _parameter_groups.Count < 2) return;
        var first = (Options)_parameter_groups[0].Options;
        foreach (var group in _parameter_groups.Skip(1)) ((Options)group.Options).ShareScalars(first.ScalarsBeforeLastStep, first.Scalars);
    }

    internal void DiscardPendingLoad()
    {
        foreach (var group in _parameter_groups) ((Options)group.Options).DiscardPending();
        foreach (var s in states) s.DiscardPending();
    }
}
