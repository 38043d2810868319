using System.Globalization;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// A NaN put into the loss or into a gradient at one global step (1-based): how the tests provoke
/// the non-finite handling deterministically (<c>--inject-fault loss:STEP</c>, hidden).
/// </summary>
public sealed record InjectedFault(bool InLoss, long Step)
{
    public static InjectedFault Parse(string text, string option)
    {
        string[] parts = text.Split(':');
        if (parts.Length == 2 && parts[0] is "loss" or "gradient" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long step) && step >= 1)
            return new InjectedFault(parts[0] == "loss", step);
        throw new UsageException($"{option}: '{text}' is not allowed; allowed: loss:STEP or gradient:STEP with STEP >= 1");
    }
}
