using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// <c>maximize</c> for every element-wise algorithm in one place, as torch.optim defines it: the rule steps on
/// −g, so the parameters climb the objective. Wraps the step's rule; without <see cref="Hyperparameters.Maximize"/>
/// the rule runs unwrapped, so minimising costs nothing.
/// </summary>
public readonly struct GradientAscent<TRule>(TRule rule) : IElementRule where TRule : struct, IElementRule
{
    private readonly TRule rule = rule;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref T state0, ref T state1, ref T state2) where T : struct, ILane<T> =>
        rule.Apply(ref parameter, -gradient, ref state0, ref state1, ref state2);

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(T state0, T state1, T state2) where T : struct, ILane<T> =>
        rule.EffectiveLearningRate(state0, state1, state2);
}

/// <summary>Hands a visitor the step's rule wrapped in <see cref="GradientAscent{TRule}"/>.</summary>
internal struct GradientAscentVisitor<TVisitor, TResult>(TVisitor inner) : IRuleVisitor<TResult>
    where TVisitor : struct, IRuleVisitor<TResult>
{
    public TVisitor Inner = inner;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TResult Visit<TRule>(in TRule rule) where TRule : struct, IElementRule =>
        Inner.Visit(new GradientAscent<TRule>(rule));
}

/// <summary><c>maximize</c> for tensor-level algorithms (Adafactor), whose step reads the gradient as a whole.</summary>
public static class GradientAscent
{
    /// <summary>−g, in a new array.</summary>
    public static double[] Negated(ReadOnlySpan<double> gradients)
    {
        var negated = new double[gradients.Length];
        for (int i = 0; i < negated.Length; i++) negated[i] = -gradients[i];
        return negated;
    }

    /// <summary>Writes −g into <paramref name="destination"/>.</summary>
    public static void Negate(ReadOnlySpan<float> gradients, Span<float> destination)
    {
        for (int i = 0; i < gradients.Length; i++) destination[i] = -gradients[i];
    }
}
