using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// One algorithm's update of one element, written once for every number type: the reference path
/// runs it on <c>double</c>, the fused kernel on SIMD vectors of <c>float</c>. A rule is a struct
/// that carries the scalars of one step (bias corrections, the learning rate at this step, …),
/// computed once per step outside the element loop.
/// </summary>
/// <remarks>
/// Every rule sees three state slots; the algorithm's <see cref="Hyperparameters.Slots"/> say which
/// of them it uses. Slots it does not use are never read back or stored.
/// </remarks>
public interface IElementRule
{
    /// <summary>Updates <paramref name="parameter"/> and the state in place for one step.</summary>
    void Apply<T>(ref T parameter, T gradient, ref T state0, ref T state1, ref T state2)
        where T : struct, ILane<T>;

    /// <summary>
    /// The per-element learning rate this step applies to its update direction (the gradient or
    /// the first moment), read from the state after the step: what adaptive methods adapt.
    /// </summary>
    T EffectiveLearningRate<T>(T state0, T state1, T state2)
        where T : struct, ILane<T>;
}

/// <summary>
/// Receives an algorithm's rule for one step with its concrete type, so that callers (the reference
/// path, the fused kernel) are specialised per rule without boxing.
/// </summary>
public interface IRuleVisitor<out TResult>
{
    /// <summary>Called once with the rule of the step, as its own struct type.</summary>
    TResult Visit<TRule>(in TRule rule) where TRule : struct, IElementRule;
}
