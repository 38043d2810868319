using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Torch;

/// <summary>
/// One parameter tensor's fused step as a <see cref="RangeJob"/>: raw pointers to the tensor memory
/// of the parameter, its gradient and its state slots (null where unused). Reused from step to
/// step, so that splitting a step across cores allocates nothing.
/// </summary>
internal sealed unsafe class KernelJob : RangeJob
{
    private Hyperparameters? hyperparameters;
    private StepContext context;
    private float* parameter, gradient, state0, state1, state2;

    public void Set(Hyperparameters rule, StepContext step, float* p, float* g, float* s0, float* s1, float* s2)
    {
        (hyperparameters, context) = (rule, step);
        parameter = p;
        gradient = g;
        state0 = s0;
        state1 = s1;
        state2 = s2;
    }

    public override void Run(int start, int count) =>
        FusedStep.Apply(hyperparameters!, context,
            new Span<float>(parameter + start, count), new ReadOnlySpan<float>(gradient + start, count),
            Slot(state0, start, count), Slot(state1, start, count), Slot(state2, start, count));

    private static Span<float> Slot(float* slot, int start, int count) => slot is null ? [] : new Span<float>(slot + start, count);
}
