using AdaptiveLR.Pure.Transforms;

namespace AdaptiveLR.Torch;

public sealed partial class AdaptiveOptimizer
{
    /// <summary>Parameters whose gradient this call only accumulates: no update for them yet.</summary>
    private bool[] skipped = [];

    /// <summary>
    /// The chain's gradient transformations, in place on the gradients (as torch's clip_grad_norm_
    /// does), in optax's order: accumulate, clip by value, clip by global norm, weight decay.
    /// </summary>
    private void TransformGradients()
    {
        var accumulate = Chain.Find<AccumulateGradients>();
        for (int i = 0; i < states.Count; i++)
        {
            skipped[i] = false;
            if (gradients[i] == IntPtr.Zero || accumulate is not { Steps: > 1 }) continue;
            var state = states[i];
            var gradient = GradientSpan(i);
            var accumulator = Span(state.Accumulator!);
            if (++state.MicroSteps < accumulate.Steps)
            {
                TransformArithmetic.Accumulate(accumulator, gradient);
                skipped[i] = true;
                continue;
            }
            TransformArithmetic.TakeMean(accumulator, gradient, accumulate.Steps);
            state.MicroSteps = 0;
        }

        if (Chain.Find<ClipByValue>() is { } clip)
            ForEachUpdated(i => TransformArithmetic.Clip(GradientSpan(i), (float)clip.Limit));

        if (Chain.Find<ClipByGlobalNorm>() is { } norm)
        {
            double sumOfSquares = 0;
            ForEachUpdated(i => sumOfSquares += TransformArithmetic.SumOfSquares(GradientSpan(i)));
            double factor = norm.Factor(Math.Sqrt(sumOfSquares));
            if (factor < 1) ForEachUpdated(i => TransformArithmetic.Scale(GradientSpan(i), (float)factor));
        }

        if (Chain.Find<MaskedWeightDecay>() is { } decay)
        {
            ForEachUpdated(i =>
            {
                if (!states[i].Decayed) return;
                var parameter = Span(states[i].Parameter);
                if (decay.Decoupled)
                    TransformArithmetic.Scale(parameter, (float)(1 - GroupOptions(i).LearningRate!.Value * decay.Rate));
                else
                    TransformArithmetic.AddDecay(GradientSpan(i), parameter, (float)decay.Rate);
            });
        }
    }

    private void SynchroniseLookahead(Lookahead lookahead)
    {
        ForEachUpdated(i =>
        {
            var state = states[i];
            if (state.Step % lookahead.SyncPeriod == 0) TransformArithmetic.Synchronise(Span(state.Parameter), Span(state.Slow!), (float)lookahead.Alpha);
        });
    }

    private void ForEachUpdated(Action<int> action)
    {
        for (int i = 0; i < states.Count; i++)
            if (gradients[i] != IntPtr.Zero && !skipped[i]) action(i);
    }

    private Options GroupOptions(int stateIndex) => (Options)_parameter_groups[groupOfState[stateIndex]].Options;

    private unsafe Span<float> GradientSpan(int stateIndex) =>
        new((float*)NativeTensor.Data(gradients[stateIndex]), checked((int)NativeTensor.ElementCount(gradients[stateIndex])));

    private static unsafe Span<float> Span(TorchSharp.torch.Tensor tensor) =>
        new((float*)NativeTensor.Data(tensor.Handle), checked((int)NativeTensor.ElementCount(tensor.Handle)));
}
