using System.Text.RegularExpressions;
using Snapshooter.Xunit;
using Xunit;

namespace AdaptiveLR.Snapshots;

/// <summary>Runs alone: training draws the initial weights and dropout from TorchSharp's global generator.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "training";
}

/// <summary>What <c>train</c> and <c>config</c> print, exactly as users see it (wall-clock times masked).</summary>
[Collection(TrainingCollection.Name)]
public partial class TrainSnapshotTests
{
    [Fact]
    public void TrainSummary()
    {
        string folder = $"snapshot-run-{Environment.ProcessId}";
        try
        {
            var run = CliRun.Of("train", "--epochs", "2", "--limit-train", "512", "--limit-test", "256", "--out", folder);
            Assert.Equal("", run.Error);
            Assert.Equal(0, run.ExitCode);
            Snapshot.Match(MaskSeconds(run.Output.Replace(folder, "<out>")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The mask itself: an epoch row and the load line read the same after masking, whatever the time and however wide it prints.</summary>
    [Theory]
    [InlineData(0.004, 9.99)]
    [InlineData(0.45, 10.0)]
    [InlineData(9.99, 123.45)]
    [InlineData(1.5, 12345.67)]
    public void TheTimeMaskIgnoresTheWidthOfTheTime(double fast, double slow)
    {
        static string Row(double seconds)
        {
            var output = new StringWriter();
            new Cli.Train.TrainingReport(output).Epoch(new Cli.Training.EpochMetrics(1, 2.2987, 2.2538, 0.2344, seconds, 0, [], 0.001, 0));
            output.WriteLine($"(loaded in {Cli.Train.TrainingReport.Seconds(seconds)})");
            return output.ToString();
        }

        Assert.NotEqual(Row(fast), Row(slow));
        Assert.Equal(MaskSeconds(Row(fast)), MaskSeconds(Row(slow)));
        Assert.Contains("23.44% #.## s", MaskSeconds(Row(slow)));
    }

    /// <summary>The defaults and their sources; of the optimizers only Adam's, so that adding an algorithm does not change it.</summary>
    [Fact]
    public void ConfigDefaults() => Snapshot.Match(WithoutOtherOptimizers(Succeeded("config")));

    [Fact]
    public void ConfigWithFlags() => Snapshot.Match(WithoutOtherOptimizers(Succeeded("config", "--epochs", "3", "--lr", "0.01", "--data", "/usr/share/datasets/fashion-mnist")));

    private static string Succeeded(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        return run.Output;
    }

    private static string WithoutOtherOptimizers(string table) =>
        string.Join('\n', table.Split('\n').Where(line => !line.StartsWith("Optimizers:", StringComparison.Ordinal) || line.StartsWith("Optimizers:adam:", StringComparison.Ordinal)));

    /// <summary>
    /// Wall-clock times, with the padding in front of them, become one space and <c>#.## s</c>:
    /// the snapshot stays the same whether an epoch takes 0.4 s or 40 s.
    /// </summary>
    public static string MaskSeconds(string output) => Seconds().Replace(output, " #.## s");

    [GeneratedRegex(@" +\d+\.\d+ s\b")]
    private static partial Regex Seconds();
}
