using System.Numerics;
using System.Runtime.InteropServices;

namespace AdaptiveLR.Pure.Transforms;

/// <summary>Whether memory holds only finite numbers: the guard that keeps NaN and ∞ out of optimizer state.</summary>
public static class FiniteCheck
{
    /// <summary>Whether no value is NaN or ±∞ (vectorised).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        // x − x is 0 for every finite x and NaN for NaN and ±∞; NaN never equals itself.
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var sum = Vector<float>.Zero;
        foreach (var vector in vectors) sum += vector - vector;
        if (!Vector.EqualsAll(sum, Vector<float>.Zero)) return false;
        for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return false;
        return true;
    }
}

/// <summary>What the adapter does with a gradient that holds NaN or ∞.</summary>
public enum NonFinitePolicy
{
    /// <summary>No check: as torch.optim, the values flow into the state.</summary>
    None,

    /// <summary>Throw before anything changes, naming the parameter and the step.</summary>
    Error,

    /// <summary>Skip the whole step for every parameter, leaving all state as it was, and count it.</summary>
    Skip,
}
