namespace AdaptiveLR.Pure.Core;

/// <summary>
/// One step of any algorithm over float memory through <see cref="FusedKernel"/>: the entry point
/// of the adapter and of the kernel tests. Empty state spans are slots the algorithm does not use.
/// </summary>
public static unsafe class FusedStep
{
    /// <summary>One step of <paramref name="hyperparameters"/>' rule over float32 memory, in place, with the widest SIMD lanes the CPU has (AVX-512, AVX, <c>Vector&lt;float&gt;</c>) and a scalar tail. Unused slots may be empty.</summary>
    public static void Apply(Hyperparameters hyperparameters, StepContext context, Span<float> parameters, ReadOnlySpan<float> gradients,
                             Span<float> state0, Span<float> state1, Span<float> state2)
    {
        fixed (float* p = parameters, g = gradients, s0 = state0, s1 = state1, s2 = state2)
        {
            var visitor = new KernelVisitor(p, g, s0, s1, s2, parameters.Length, state0.Length, state1.Length, state2.Length);
            hyperparameters.VisitRule<KernelVisitor, bool>(context, ref visitor);
        }
    }

    /// <summary>The effective learning rate of every element from the state after the step of <paramref name="context"/>.</summary>
    public static void EffectiveLearningRates(Hyperparameters hyperparameters, StepContext context, Span<float> destination,
                                              ReadOnlySpan<float> state0, ReadOnlySpan<float> state1, ReadOnlySpan<float> state2)
    {
        fixed (float* d = destination, s0 = state0, s1 = state1, s2 = state2)
        {
            var visitor = new RateVisitor(d, s0, s1, s2, destination.Length, state0.Length, state1.Length, state2.Length);
            hyperparameters.WithRule<RateVisitor, bool>(context, ref visitor);
        }
    }

    // Pointers rather than spans, so that the visitor can be an ordinary struct type argument.
    // Fully optimised from the first call: a benchmark or a short run never steps through tier-0 code.
    private readonly struct KernelVisitor(float* p, float* g, float* s0, float* s1, float* s2, int length, int length0, int length1, int length2)
        : IRuleVisitor<bool>
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public bool Visit<TRule>(in TRule rule) where TRule : struct, IElementRule
        {
            FusedKernel.Apply(rule, new Span<float>(p, length), new ReadOnlySpan<float>(g, length),
                              new Span<float>(s0, length0), new Span<float>(s1, length1), new Span<float>(s2, length2));
            return true;
        }
    }

    private readonly struct RateVisitor(float* destination, float* s0, float* s1, float* s2, int length, int length0, int length1, int length2)
        : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(in TRule rule) where TRule : struct, IElementRule
        {
            FusedKernel.EffectiveLearningRates(rule, new Span<float>(destination, length),
                                               new ReadOnlySpan<float>(s0, length0), new ReadOnlySpan<float>(s1, length1), new ReadOnlySpan<float>(s2, length2));
            return true;
        }
    }
}
