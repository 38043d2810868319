using System.Globalization;

namespace AdaptiveLR.Pure.Core;

/// <summary>A hyperparameter that is not allowed: its torch.optim name and what is wrong, with the allowed values.</summary>
public sealed record ValidationError(string Parameter, string Problem)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Parameter}: {Problem}";
}

/// <summary>The range checks hyperparameter records share; each returns an error or null.</summary>
public static class Allowed
{
    /// <summary>An error unless <paramref name="value"/> is finite and greater than 0.</summary>
    public static ValidationError? Positive(string name, double value) =>
        double.IsFinite(value) && value > 0 ? null : OutOfRange(name, value, "a finite number > 0");

    /// <summary>An error unless <paramref name="value"/> is finite and at least 0.</summary>
    public static ValidationError? NonNegative(string name, double value) =>
        double.IsFinite(value) && value >= 0 ? null : OutOfRange(name, value, "a finite number >= 0");

    /// <summary>[0, 1): decay rates of moving averages.</summary>
    public static ValidationError? DecayRate(string name, double value) =>
        value is >= 0 and < 1 ? null : OutOfRange(name, value, "a number in [0, 1)");

    /// <summary>[0, 1]: fractions such as dampening.</summary>
    public static ValidationError? Fraction(string name, double value) =>
        value is >= 0 and <= 1 ? null : OutOfRange(name, value, "a number in [0, 1]");

    /// <summary>An error unless <paramref name="ok"/>: for ranges the checks above do not name; <paramref name="allowed"/> says which values are.</summary>
    public static ValidationError? Require(bool ok, string name, double value, string allowed) =>
        ok ? null : OutOfRange(name, value, allowed);

    /// <summary>The errors among <paramref name="checks"/> (null means the check passed).</summary>
    public static IReadOnlyList<ValidationError> Collect(params ValidationError?[] checks) =>
        checks.OfType<ValidationError>().ToArray();

    private static ValidationError OutOfRange(string name, double value, string allowed) =>
        new(name, $"{value.ToString("R", CultureInfo.InvariantCulture)} is out of range; allowed: {allowed}");
}
