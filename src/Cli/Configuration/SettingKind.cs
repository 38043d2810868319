using System.Globalization;
using AdaptiveLR.Cli.Options;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>What values a configuration key accepts, checked on the text of every layer before binding.</summary>
public sealed record SettingKind(string Allowed, Func<string, bool> Accepts)
{
    /// <summary>What exactly is wrong with a refused value, where "'value' is not allowed" would not say (which item of a list).</summary>
    public Func<string, string?> Problem { get; init; } = _ => null;

    public static SettingKind PositiveInteger { get; } = new("an integer >= 1", text => Integer(text) >= 1);

    /// <summary>A size in bytes: a 64-bit integer.</summary>
    public static SettingKind PositiveByteCount { get; } = new("a number of bytes >= 1 (an integer)",
        text => long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value >= 1);

    public static SettingKind NonNegativeInteger { get; } = new("an integer >= 0", text => Integer(text) >= 0);

    public static SettingKind IntegerBetween(int minimum, int maximum) =>
        new($"an integer from {minimum} to {maximum}", text => Integer(text) is var value && value >= minimum && value <= maximum);

    /// <summary>Empty (JSON null) means "not set".</summary>
    public static SettingKind OptionalPositiveInteger { get; } = new("an integer >= 1, or null for all", text => text.Length == 0 || Integer(text) >= 1);

    /// <summary>Empty (JSON null) means "not used".</summary>
    public static SettingKind OptionalCount { get; } = new("an integer >= 1, or null", text => text.Length == 0 || Integer(text) >= 1);

    public static SettingKind OptionalNonNegativeInteger { get; } = new("an integer >= 0, or null", text => text.Length == 0 || Integer(text) >= 0);

    /// <summary>Empty (JSON null) means "not set".</summary>
    public static SettingKind OptionalFiniteNumber { get; } = new("a finite number, or null", text => text.Length == 0 || NumberParsing.TryParseFinite(text, out _));

    public static SettingKind OptionalPath { get; } = new("a path, or null", _ => true);

    public static SettingKind Path { get; } = new("a non-empty path", text => text.Trim().Length > 0);

    public static SettingKind FiniteNumber { get; } = new("a finite number", text => NumberParsing.TryParseFinite(text, out _));

    public static SettingKind Boolean { get; } = new("true or false", text => bool.TryParse(text, out _));

    public static SettingKind OneOf(IEnumerable<string> names)
    {
        string[] allowed = [.. names];
        return new(string.Join(", ", allowed), text => allowed.Contains(text))
        {
            Problem = text => Messages.NearestNames.Suggestion(text, allowed) is { } hint ? $"'{text}' is not allowed ({hint})" : null,
        };
    }

    /// <summary>Empty (JSON null) means "the default".</summary>
    public static SettingKind OptionalOneOf(IEnumerable<string> names)
    {
        string[] allowed = [.. names];
        return new($"{string.Join(", ", allowed)}, or null", text => text.Length == 0 || allowed.Contains(text));
    }

    public static SettingKind ListOf(IEnumerable<string> names)
    {
        string[] allowed = [.. names];
        string? ProblemOf(string text)
        {
            string[] items = text.Split(',', StringSplitOptions.TrimEntries);
            if (text.Trim().Length == 0) return "the list is empty";
            if (items.FirstOrDefault(i => i.Length == 0) is not null) return $"'{text}' has an empty name";
            if (items.FirstOrDefault(i => !allowed.Contains(i)) is { } unknown)
                return $"unknown name '{unknown}' in '{text}'{Messages.NearestNames.Hint(unknown, allowed)}";
            if (items.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1) is { } twice) return $"'{twice.Key}' appears twice in '{text}'";
            return null;
        }
        return new($"a comma-separated list of {string.Join(", ", allowed)}", text => ProblemOf(text) is null) { Problem = ProblemOf };
    }

    private static long Integer(string text) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : -1;
}
