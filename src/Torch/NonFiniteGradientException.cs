namespace AdaptiveLR.Torch;

/// <summary>A gradient held NaN or ∞; nothing was changed.</summary>
public sealed class NonFiniteGradientException(string parameter, long step)
    : ArithmeticException($"parameter '{parameter}': the gradient of step {step} is not finite (NaN or infinity); nothing was changed")
{
    /// <summary>The parameter whose gradient was not finite.</summary>
    public string Parameter { get; } = parameter;

    /// <summary>The step (1-based) that was refused.</summary>
    public long Step { get; } = step;
}
