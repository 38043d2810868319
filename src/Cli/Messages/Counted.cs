using System.Globalization;

namespace AdaptiveLR.Cli.Messages;

/// <summary>"1 epoch", "3 epochs": a count with its noun in the right number.</summary>
public static class Counted
{
    public static string Of(long count, string singular, string? plural = null) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {(count == 1 ? singular : plural ?? singular + "s")}";
}
