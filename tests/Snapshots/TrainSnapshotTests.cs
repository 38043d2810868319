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
            Snapshot.Match(Seconds().Replace(run.Output.Replace(folder, "<out>"), "#.## s"));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
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

    [GeneratedRegex(@"\d+\.\d\d s")]
    private static partial Regex Seconds();
}
