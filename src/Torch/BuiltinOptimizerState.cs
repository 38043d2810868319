using System.Reflection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

/// <summary>
/// A check of TorchSharp's built-in optimizers' loaded state, which TorchSharp itself never makes:
/// every floating-point tensor and every hyperparameter finite. Their states and options keep their
/// tensors and numbers in public fields (<c>exp_avg</c>, <c>beta1</c>, …), read here by reflection
/// so that every built-in algorithm is covered; <see cref="AdaptiveOptimizer"/> checks its own while loading.
/// </summary>
public static class BuiltinOptimizerState
{
    /// <summary><see cref="InvalidDataException"/> naming the first quantity that is not finite.</summary>
    public static void CheckFinite(OptimizerHelper optimizer)
    {
        if (optimizer is AdaptiveOptimizer) return;
        var state = optimizer.state_dict();
        for (int i = 0; i < state.State.Count; i++)
        {
            foreach (var field in PublicFields(state.State[i]))
            {
                if (field.GetValue(state.State[i]) is Tensor tensor && tensor.is_floating_point() && !tensor.isfinite().all().item<bool>())
                    throw new InvalidDataException($"the optimizer's {field.Name} of parameter {i} is not finite");
            }
        }
        foreach (var options in state.Options)
        {
            foreach (var member in PublicFields(options).Select(f => (f.Name, Value: f.GetValue(options)))
                         .Concat(options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).Select(p => (p.Name, Value: p.GetValue(options)))))
            {
                if (member.Value is double value && !double.IsFinite(value))
                    throw new InvalidDataException($"the optimizer's {member.Name} is {value}");
            }
        }
    }

    private static FieldInfo[] PublicFields(object target) => target.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance);
}
