using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerState = TorchSharp.Modules.OptimizerState;

namespace AdaptiveLR.Torch;

/// <summary>
/// Where TorchSharp's built-in optimizers keep each of our named state quantities. SGD keeps no step count: its
/// state is imported as step 1 once it has a momentum buffer (our SGD, like torch's, only asks whether a step is the first).
/// </summary>
internal static class TorchSharpStateMapping
{
    public static (long Step, Dictionary<string, Tensor?> Slots) Read(OptimizerState state, Hyperparameters ours) => (state, ours) switch
    {
        (Adam.State s, AdamHyperparameters) => (s.step, new() { ["m"] = s.exp_avg, ["v"] = s.exp_avg_sq, ["v_max"] = s.max_exp_avg_sq }),
        (AdamW.State s, AdamWHyperparameters) => (s.step, new() { ["m"] = s.exp_avg, ["v"] = s.exp_avg_sq, ["v_max"] = s.max_exp_avg_sq }),
        (SGD.State s, SgdHyperparameters) => (s.momentum_buffer is null ? 0 : 1, new() { ["momentum_buffer"] = s.momentum_buffer }),
        (RMSProp.State s, RmsPropHyperparameters) => (s.step, new() { ["square_avg"] = s.square_avg, ["momentum_buffer"] = s.momentum_buffer, ["grad_avg"] = s.grad_avg }),
        (Adagrad.State s, AdagradHyperparameters) => (s.step, new() { ["sum"] = s.sum }),
        (Adadelta.State s, AdadeltaHyperparameters) => (s.step, new() { ["square_avg"] = s.square_avg, ["acc_delta"] = s.acc_delta }),
        (Adamax.State s, AdamaxHyperparameters) => (s.step, new() { ["m"] = s.exp_avg, ["u"] = s.exp_inf }),
        (NAdam.State s, NAdamHyperparameters) => (s.step, new() { ["m"] = s.exp_avg, ["v"] = s.exp_avg_sq }),
        (RAdam.State s, RAdamHyperparameters) => (s.step, new() { ["m"] = s.exp_avg, ["v"] = s.exp_avg_sq }),
        (Rprop.State s, RpropHyperparameters) => (s.step, new() { ["prev"] = s.prev, ["step_size"] = s.step_size }),
        (ASGD.State, AsgdHyperparameters) => throw AsgdScalars(),
        _ => throw new ArgumentException($"the state comes from TorchSharp's {state.GetType().DeclaringType?.Name ?? state.GetType().Name}, not from its optimizer for {ours.Algorithm}; the optimizer is unchanged"),
    };

    /// <summary>Copies our quantities into the built-in's state (its tensors, in place where it has them).</summary>
    public static void Write(OptimizerState state, long step, IReadOnlyDictionary<string, Tensor> slots, Hyperparameters ours)
    {
        Tensor? Copy(string name) => slots.TryGetValue(name, out var tensor) ? tensor.detach().clone().DetachFromDisposeScope() : null;
        switch (state)
        {
            case Adam.State s: (s.step, s.exp_avg, s.exp_avg_sq, s.max_exp_avg_sq) = (step, Copy("m")!, Copy("v")!, Copy("v_max")!); break;
            case AdamW.State s: (s.step, s.exp_avg, s.exp_avg_sq, s.max_exp_avg_sq) = (step, Copy("m")!, Copy("v")!, Copy("v_max")!); break;
            case SGD.State s: s.momentum_buffer = step > 0 ? Copy("momentum_buffer")! : null!; break;
            case RMSProp.State s: (s.step, s.square_avg, s.momentum_buffer, s.grad_avg) = (step, Copy("square_avg")!, Copy("momentum_buffer")!, Copy("grad_avg")!); break;
            case Adagrad.State s: (s.step, s.sum) = (step, Copy("sum")!); break;
            case Adadelta.State s: (s.step, s.square_avg, s.acc_delta) = (step, Copy("square_avg")!, Copy("acc_delta")!); break;
            case Adamax.State s: (s.step, s.exp_avg, s.exp_inf) = (step, Copy("m")!, Copy("u")!); break;
            case NAdam.State s:
                (s.step, s.exp_avg, s.exp_avg_sq, s.mu_product) = (step, Copy("m")!, Copy("v")!, ((NAdamHyperparameters)ours).MomentumProduct(step));
                break;
            case RAdam.State s: (s.step, s.exp_avg, s.exp_avg_sq) = (step, Copy("m")!, Copy("v")!); break;
            case Rprop.State s: (s.step, s.prev, s.step_size) = (step, Copy("prev")!, Copy("step_size")!); break;
            case ASGD.State: throw AsgdScalars();
            default: throw new ArgumentException($"TorchSharp's {state.GetType().DeclaringType?.Name} state cannot be written");
        }
    }

    // TorchSharp keeps eta and mu per parameter; here they are the group's scalars, which this mapping of slots does not carry.
    private static NotSupportedException AsgdScalars() =>
        new("TorchSharp's ASGD state files are not interchanged: its eta and mu are group scalars here (use save_state_dict); the optimizer is unchanged");
}
