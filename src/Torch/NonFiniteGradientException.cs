namespace AdaptiveLR.Torch;

/// <summary>A gradient held NaN or ∞; nothing was changed.</summary>
public sealed class NonFiniteGradientException(string parameter, long step)
    : ArithmeticException($"parameter '{parameter}': the gradient of step {step} is not finite (NaN or infinity); nothing was changed")
{
    public string Parameter { get; } = parameter;

    public long Step { get; } = step;
}
