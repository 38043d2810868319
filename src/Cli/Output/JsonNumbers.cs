using System.Text.Json;

namespace AdaptiveLR.Cli.Output;

/// <summary>
/// Numbers in every JSON output (<c>step</c>, <c>schedule</c>, <c>bench</c>, <c>metrics.json</c>):
/// JSON has no NaN or ∞, so a non-finite number is written as <c>null</c> (as JavaScript's
/// JSON.stringify does); the table and CSV formats spell it NaN, Infinity or -Infinity.
/// </summary>
public static class JsonNumbers
{
    public static void Write(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    public static void WriteValue(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteNullValue();
    }

    /// <summary>The number as a JSON literal, for lines written without a writer.</summary>
    public static string Literal(double value) =>
        double.IsFinite(value) ? value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "null";
}
