using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

/// <summary>
/// State interchange with TorchSharp's built-in optimizers (Adam, AdamW, SGD, RMSprop, Adagrad, Adadelta,
/// Adamax, NAdam, RAdam), so that a job running <c>torch.optim.Adam</c> can move to AdaptiveOptimizer and back
/// without losing its moments. TorchSharp's own code reads and writes its files; this maps the state between
/// its fields and our named slots, checking every parameter before anything changes.
/// </summary>
public sealed partial class AdaptiveOptimizer
{
    /// <summary>
    /// Reads a file written by <c>save_state_dict</c> of TorchSharp's built-in optimizer for this optimizer's algorithm,
    /// over the same parameters in the same order, in one parameter group. Throws, changing nothing, on a file of another
    /// optimizer (TorchSharp's "Mismatched optimizer type"), other parameters or another state layout.
    /// </summary>
    public void load_torchsharp_state_dict(string location)
    {
        using var builtin = Builtin();
        builtin.load_state_dict(location);
        import_torchsharp_state(builtin);
    }

    /// <summary>
    /// Writes this optimizer's state as TorchSharp's built-in optimizer for the algorithm saves it, one parameter group,
    /// so that <c>optim.Adam(parameters).load_state_dict(location)</c> (and the others) continue from it.
    /// </summary>
    public void save_torchsharp_state_dict(string location)
    {
        using var builtin = Builtin();
        var target = builtin.state_dict();
        if (_parameter_groups.Count == 1) target.Options[0].LearningRate = _parameter_groups[0].LearningRate;
        for (int i = 0; i < states.Count; i++)
            TorchSharpStateMapping.Write(target.State[i], states[i].Step, SlotsByName(states[i]), Hyperparameters);
        builtin.save_state_dict(location);
    }

    /// <summary>
    /// Copies the state of TorchSharp's built-in optimizer for this algorithm (same parameters, same order): step counts,
    /// moments and the groups' learning rates when the group counts agree. Checked for every parameter first.
    /// </summary>
    public void import_torchsharp_state(OptimizerHelper builtin)
    {
        var source = builtin.state_dict();
        if (source.State.Count != states.Count)
            throw new ArgumentException($"the TorchSharp optimizer has {source.State.Count} parameters, this one {states.Count}; the optimizer is unchanged");
        var staged = new (long Step, Tensor?[] Slots)[states.Count];
        try
        {
            for (int i = 0; i < states.Count; i++)
            {
                var (step, named) = TorchSharpStateMapping.Read(source.State[i], Hyperparameters);
                var layout = LayoutOf(states[i].Parameter);
                var slots = new Tensor?[layout.Length];
                staged[i] = (step, slots);
                for (int k = 0; k < layout.Length; k++)
                {
                    if (layout[k] is not { } slot) continue;
                    bool saved = named.TryGetValue(slot.Name, out var tensor) && tensor is not null;
                    if (!saved && named.Values.Any(t => t is not null))
                        throw new InvalidDataException($"parameter '{states[i].Name}': the TorchSharp state has no {slot.Name}, which {Hyperparameters.Algorithm} with these hyperparameters keeps (amsgrad, centered or momentum differ?); the optimizer is unchanged");
                    slots[k] = saved
                        ? tensor!.detach().clone().DetachFromDisposeScope()
                        : full(SlotShapeOf(k, states[i].Parameter), slot.InitialValue, states[i].Parameter.dtype, states[i].Parameter.device).DetachFromDisposeScope();
                }
                foreach (var name in named.Where(n => n.Value is not null).Select(n => n.Key))
                    if (!layout.Any(s => s?.Name == name))
                        throw new InvalidDataException($"parameter '{states[i].Name}': the TorchSharp state has {name}, which {Hyperparameters.Algorithm} with these hyperparameters does not keep (amsgrad, centered or momentum differ?); the optimizer is unchanged");
                CheckCompatible(states[i].Name, Hyperparameters.Algorithm, step, slots, states[i].Parameter);
            }
        }
        catch
        {
            foreach (var (_, slots) in staged) foreach (var slot in slots ?? []) slot?.Dispose();
            throw;
        }
        for (int i = 0; i < states.Count; i++) states[i].Replace(staged[i].Step, staged[i].Slots);
        if (source.Options.Count == _parameter_groups.Count)
            for (int g = 0; g < _parameter_groups.Count; g++)
                (_parameter_groups[g].Options.InitialLearningRate, _parameter_groups[g].LearningRate) = (source.Options[g].InitialLearningRate, source.Options[g].LearningRate!.Value);
    }

    private OptimizerHelper Builtin() =>
        TorchBuiltinOptimizers.Has(Hyperparameters)
            ? (OptimizerHelper)TorchBuiltinOptimizers.Create(Hyperparameters, states.Select(s => s.Parameter))
            : throw new NotSupportedException($"TorchSharp has no built-in optimizer for {Hyperparameters.Algorithm}, so no state file to read or write");

    private Dictionary<string, Tensor> SlotsByName(State state)
    {
        var layout = LayoutOf(state.Parameter);
        var named = new Dictionary<string, Tensor>();
        for (int k = 0; k < layout.Length; k++)
            if (layout[k] is { } slot && state.Slots[k] is { } tensor) named[slot.Name] = tensor;
        return named;
    }
}
