using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AdaptiveLR.Cli.LrFind;

/// <summary>What <c>lr-find</c> prints: a table of the test (at most about 25 rows, the suggested steps always among them) and the suggestions; or every point as JSON Lines or CSV.</summary>
public static class LrFindReport
{
    private const int TableRows = 25;
    private const string RowFormat = "{0,5}  {1,10}  {2,10}  {3,10}  {4}";

    public static void WriteTable(LrRangeTest.Result result, LrRangeTestSettings settings, TextWriter output)
    {
        var points = result.Points;
        var s = result.Suggestions;
        int every = Math.Max(1, (int)Math.Ceiling(points.Length / (double)TableRows));
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, RowFormat, "step", "lr", "loss", "smoothed", "").TrimEnd());
        foreach (var p in points)
        {
            string mark = p.Step == s.SteepestIndex ? "<- steepest descent" : p.Step == s.MinimumIndex ? "<- minimum" : "";
            bool last = p.Step == points[^1].Step;
            if ((p.Step - 1) % every != 0 && mark.Length == 0 && !last) continue;
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, RowFormat, p.Step, Rate(p.LearningRate), Loss(p.Loss), Loss(p.SmoothedLoss), mark).TrimEnd());
        }
        output.WriteLine(result.Diverged
            ? $"stopped at step {points[^1].Step} of {settings.Steps}: the smoothed loss rose above {settings.DivergenceFactor.ToString(CultureInfo.InvariantCulture)}x its best (lr {Rate(points[^1].LearningRate)})"
            : $"ran all {settings.Steps} steps without diverging; a larger --end-lr shows where it does");
        output.WriteLine(Suggestion(s));
    }

    /// <summary>"suggested lr: 1.2e-03 (steepest descent of the smoothed loss); 4.5e-03 (minimum 4.5e-02 / 10)".</summary>
    public static string Suggestion(LrSuggestions s)
    {
        if (s.MinimumOver10 is null) return $"no suggestion: fewer than {LrSuggestions.MinimumPoints} finite points; lower --start-lr or raise --steps";
        string steepest = s.Steepest is { } lr ? $"{Rate(lr)} (steepest descent of the smoothed loss, step {s.SteepestIndex})" : "none (the smoothed loss never fell)";
        string suggested = $"suggested lr: {steepest}; {Rate(s.MinimumOver10.Value)} (the minimum's {Rate(10 * s.MinimumOver10.Value)} / 10, step {s.MinimumIndex})";
        return s.ClearDescent ? suggested : $"{suggested}; but the smoothed loss never fell 1% below its value after the first tenth of the test: no clear descent, raise --end-lr or --steps";
    }

    public static void WriteJson(LrRangeTest.Result result, TextWriter output)
    {
        foreach (var p in result.Points)
        {
            var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("step", p.Step);
                json.WriteNumber("lr", p.LearningRate);
                Number(json, "loss", p.Loss);
                Number(json, "smoothed_loss", p.SmoothedLoss);
                json.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        }
        var s = result.Suggestions;
        var summary = new MemoryStream();
        using (var json = new Utf8JsonWriter(summary))
        {
            json.WriteStartObject();
            json.WriteBoolean("diverged", result.Diverged);
            Number(json, "suggested_lr_steepest", s.Steepest ?? double.NaN);
            Number(json, "suggested_lr_minimum_over_10", s.MinimumOver10 ?? double.NaN);
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(summary.ToArray()));
    }

    public static void WriteCsv(LrRangeTest.Result result, TextWriter output)
    {
        output.WriteLine("step,lr,loss,smoothed_loss");
        foreach (var p in result.Points)
            output.WriteLine(string.Join(',', p.Step.ToString(CultureInfo.InvariantCulture), R(p.LearningRate), R(p.Loss), R(p.SmoothedLoss)));
    }

    public static string Rate(double lr) => lr.ToString("0.00e+00", CultureInfo.InvariantCulture);

    private static string Loss(double loss) => double.IsFinite(loss) ? loss.ToString("0.0000", CultureInfo.InvariantCulture) : loss.ToString(CultureInfo.InvariantCulture);

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }
}
