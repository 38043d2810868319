using System.Text.RegularExpressions;
using Snapshooter.Xunit;
using Xunit;

namespace AdaptiveLR.Snapshots;

/// <summary>
/// What <c>lr-find</c> and a fair <c>compare</c> print, on small slices of the embedded data. Wall
/// times are masked together with their padding, so a time of another width changes nothing.
/// </summary>
[Collection(TrainingCollection.Name)]
public partial class ExperimentSnapshotTests
{
    [Fact]
    public void LrFindTable() =>
        Snapshot.Match(Succeeded("lr-find", "--optimizer", "adam", "--model", "logreg", "--limit-train", "640", "--limit-test", "10", "--steps", "30", "--start-lr", "1e-5", "--end-lr", "10"));

    [Fact]
    public void CompareOverSeedsWithTunedLearningRates()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"snapshot-compare-{Guid.NewGuid():N}");
        try
        {
            string output = Succeeded("compare", "--optimizers", "sgd,adam", "--model", "logreg", "--epochs", "2", "--seeds", "1,2",
                "--tune-lr", "0.001,0.01,0.1", "--limit-train", "320", "--limit-test", "100", "--out", folder);
            Snapshot.Match(Masked(output.Replace(Path.GetRelativePath(Environment.CurrentDirectory, folder), "<out>")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void CompareTableOfTheNoisyQuadratic()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"snapshot-quadratic-{Guid.NewGuid():N}");
        try
        {
            string output = Succeeded("compare", "--problem", "noisy-quadratic", "--optimizers", "sgd,adam", "--tune-lr", "0.003,0.03", "--epochs", "2", "--limit-train", "256", "--out", folder);
            Snapshot.Match(Masked(output.Replace(Path.GetRelativePath(Environment.CurrentDirectory, folder), "<out>")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A time with the spaces that pad it becomes " &lt;time&gt;": the snapshot holds whatever width the times had.</summary>
    public static string Masked(string output) => Times().Replace(output, " <time>");

    [Fact]
    public void MaskingIsIndependentOfTheTimesWidth() =>
        Assert.Equal(Masked("adam    9.99 s\n"), Masked("adam  123.45 s\n"));

    private static string Succeeded(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        return run.Output;
    }

    [GeneratedRegex(@" *\d+\.\d\d s\b")]
    private static partial Regex Times();
}
