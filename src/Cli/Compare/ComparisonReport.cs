using System.Globalization;
using System.Text;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Train;

namespace AdaptiveLR.Cli.Compare;

/// <summary>The comparison for people (an aligned table) and programs (<c>comparison.csv</c>).</summary>
public static class ComparisonReport
{
    public const string CsvName = "comparison.csv";
    public static void WriteTable(IReadOnlyList<ComparisonResult> results, TextWriter output)
    {
        int nameWidth = results.Select(r => r.Optimizer.Length).Append("optimizer".Length).Max();
        string RowFormat = $"{{0,-{nameWidth}}}  {{1,14}}  {{2,13}}  {{3,15}}  {{4,9}}";
        output.WriteLine(RowFormat, "optimizer", "final test acc", "best test acc", "final test loss", "time");
        foreach (var r in results)
            output.WriteLine(RowFormat, r.Optimizer, Percent(r.Final.TestAccuracy), $"{Percent(r.Best.TestAccuracy)} ({r.Best.Epoch})", r.Final.TestLoss.ToString("0.0000", CultureInfo.InvariantCulture), TrainingReport.Seconds(r.Seconds));
    }

    /// <summary>A row per optimizer and epoch, with each optimizer's hyperparameters.</summary>
    public static void WriteCsv(IReadOnlyList<ComparisonResult> results, string path)
    {
        var text = new StringBuilder("optimizer,hyperparameters,epoch,train_loss,test_loss,test_accuracy,seconds\n");
        foreach (var r in results)
        {
            foreach (var e in r.Epochs)
            {
                text.Append($"{r.Optimizer},\"{HyperparameterText.Describe(r.Plan.Hyperparameters)}\",{e.Epoch}");
                foreach (double value in new[] { e.TrainLoss, e.TestLoss, e.TestAccuracy, e.Seconds }) text.Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture));
                text.Append('\n');
            }
        }
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
