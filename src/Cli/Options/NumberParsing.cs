using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace AdaptiveLR.Cli.Options;

/// <summary>Options that take finite numbers and lists of them, with one-line errors naming the option.</summary>
public static class NumberParsing
{
    public static bool TryParseFinite(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public static Option<double?> FiniteNumber(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string token = result.Tokens.Single().Value;
            if (TryParseFinite(token, out double value)) return value;
            result.AddError($"{name}: '{token}' is not a finite number");
            return null;
        },
    };

    /// <summary>
    /// An integer from 1 to <paramref name="maximum"/> (which the description states); null when absent and
    /// <paramref name="defaultValue"/> is null (the help shows a default once, as "[default: N]", so descriptions do not repeat it).
    /// </summary>
    public static Option<int?> BoundedInteger(string name, string description, int? defaultValue, int maximum)
    {
        var option = new Option<int?>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                string token = result.Tokens.Single().Value;
                if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 1 && value <= maximum) return value;
                result.AddError($"{name}: '{token}' is not allowed; allowed: an integer from 1 to {maximum}");
                return null;
            },
        };
        if (defaultValue is int fixedDefault) option.DefaultValueFactory = _ => fixedDefault;
        return option;
    }

    public static Option<int> PositiveInteger(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string token = result.Tokens.Single().Value;
            if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 1) return value;
            result.AddError($"{name}: '{token}' is not allowed; allowed: an integer >= 1");
            return defaultValue;
        },
    };

    /// <summary>A comma-separated list of finite numbers, or a usage error naming <paramref name="option"/>.</summary>
    public static double[] ParseList(string text, string option, string what)
    {
        string[] parts = text.Split(',');
        if (text.Trim().Length == 0) throw new UsageException($"{option}: {what} is empty; expected comma-separated numbers such as 1,-2,0.5");
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!TryParseFinite(parts[i], out values[i]))
                throw new UsageException($"{option}: '{parts[i].Trim()}' (value {i + 1} of {what}) is not a finite number; expected comma-separated numbers such as 1,-2,0.5");
        }
        return values;
    }
}
