using System.Globalization;

namespace AdaptiveLR.Cli.Output;

/// <summary>
/// Numbers for people, one notation everywhere: plain digits where they are short, else scientific
/// with a lower-case e and a two-digit exponent (1e-08, 1.60256e-05), as in torch's and numpy's output.
/// </summary>
public static class NumberText
{
    /// <summary>Six significant digits: table cells.</summary>
    public static string Short(double value) => value.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e");

    /// <summary>Every digit needed to read the number back: hyperparameters and settings.</summary>
    public static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
}
