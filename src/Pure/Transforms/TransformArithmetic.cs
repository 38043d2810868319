using System.Numerics;
using System.Runtime.InteropServices;

namespace AdaptiveLR.Pure.Transforms;

/// <summary>
/// The element-wise arithmetic of the gradient transformations, on float memory (the adapter's
/// tensors) and on double memory (the reference): one definition for both through generic math.
/// </summary>
public static class TransformArithmetic
{
    /// <summary>Σ gᵢ², accumulated in double.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> values)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var total = Vector<double>.Zero;
        foreach (var vector in vectors)
        {
            Vector.Widen(vector, out var low, out var high);
            total += low * low + high * high;
        }
        double sum = Vector.Sum(total);
        for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++) sum += (double)values[i] * values[i];
        return sum;
    }

    /// <summary>Σ v², for global gradient norms.</summary>
    public static double SumOfSquares(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double value in values) sum += value * value;
        return sum;
    }

    /// <summary>Multiplies every value by <paramref name="factor"/>, in place.</summary>
    public static void Scale<T>(Span<T> values, T factor) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++) values[i] *= factor;
    }

    /// <summary>Clamps every value to [−<paramref name="limit"/>, <paramref name="limit"/>], in place.</summary>
    public static void Clip<T>(Span<T> values, T limit) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++) values[i] = T.Clamp(values[i], -limit, limit);
    }

    /// <summary>g ← g + λθ.</summary>
    public static void AddDecay<T>(Span<T> gradients, ReadOnlySpan<T> parameters, T rate) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < gradients.Length; i++) gradients[i] += rate * parameters[i];
    }

    /// <summary>a ← a + g: one micro-batch into the accumulator.</summary>
    public static void Accumulate<T>(Span<T> accumulator, ReadOnlySpan<T> gradients) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < accumulator.Length; i++) accumulator[i] += gradients[i];
    }

    /// <summary>g ← (a + g)/k and a ← 0: the mean of the k micro-batches, ready for the update.</summary>
    public static void TakeMean<T>(Span<T> accumulator, Span<T> gradients, int steps) where T : IFloatingPointIeee754<T>
    {
        T inverse = T.One / T.CreateChecked(steps);
        for (int i = 0; i < gradients.Length; i++)
        {
            gradients[i] = (accumulator[i] + gradients[i]) * inverse;
            accumulator[i] = T.Zero;
        }
    }

    /// <summary>Lookahead's synchronisation: φ ← φ + α(θ − φ), θ ← φ.</summary>
    public static void Synchronise<T>(Span<T> fast, Span<T> slow, T alpha) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < fast.Length; i++)
        {
            slow[i] += alpha * (fast[i] - slow[i]);
            fast[i] = slow[i];
        }
    }
}
