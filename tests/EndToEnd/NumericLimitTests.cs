using System.Text;
using System.Text.Json;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// Numbers at and beyond their limits: non-finite values written in the documented JSON form (null),
/// a run under <c>--nonfinite skip</c> that keeps checkpointing, plot paths refused before any work,
/// and a configuration file saved with a UTF-8 byte order mark.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class NumericLimitTests : IDisposable
{
    private readonly TemporaryFolder Files = new();

    [Fact]
    public void StepJsonWritesNonFiniteNumbersAsNullAndFinishesAsTheTableDoes()
    {
        string[] arguments = ["step", "--optimizer", "sgd", "--lr", "10", "--grads=1,1e308,1e308", "--x0=0"];
        var table = CliRun.Of(arguments).Succeeded();
        Assert.Contains("-Infinity", table.Output);

        var lines = CliRun.Of([.. arguments, "--format", "json"]).Succeeded().Output.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        var rows = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(-10, rows[0].GetProperty("x").GetDouble());
        Assert.All(rows.Skip(1), row => Assert.Equal(JsonValueKind.Null, row.GetProperty("x").ValueKind));
        Assert.All(rows.Skip(1), row => Assert.Equal(JsonValueKind.Null, row.GetProperty("update").ValueKind));
    }

    [Fact]
    public void AnOverflowingRunUnderSkipKeepsCheckpointingAndWritesValidJson()
    {
        string run = Files["skip"];
        var result = CliRun.Of("train", "--optimizer", "adam", "--lr", "1e38", "--nonfinite", "skip", "--epochs", "2",
            "--limit-train", "256", "--limit-test", "64", "--out", run);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(Path.Combine(run, "checkpoint.bin")));
        using var metrics = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, "metrics.json")));
        var epochs = metrics.RootElement.GetProperty("epochs");
        Assert.Equal(2, epochs.GetArrayLength());
        // The diverged values are there, as null: JSON has no NaN or ∞.
        Assert.Contains(epochs.EnumerateArray(), e => e.GetProperty("test_loss").ValueKind == JsonValueKind.Null);
        Assert.Contains("skipped", result.Output);

    }

    [Theory]
    [InlineData("step", "--steps", "3")]
    [InlineData("schedule", "--name", "cosine", "--steps", "3")]
    public void PlotPathsAreRefusedBeforeAnyOutput(params string[] command)
    {
        foreach (string path in new[] { "", " ", Files[new string('n', 300) + ".png"], Files[new string('n', 250) + ".png"], Path.Combine(Files["missing"], "plot.png"), Files.Path })
        {
            string line = CliRun.Of([.. command, "--plot", path]).FailedWithUsageError();
            Assert.StartsWith("adaptivelr: --plot: ", line);
        }
        Assert.Empty(Directory.GetFileSystemEntries(Files.Path));
    }

    [Theory]
    [InlineData("table", true)]
    [InlineData("csv", false)]
    [InlineData("json", false)]
    public void WrittenPlotsAreAnnouncedWithTheirPath(string format, bool onStdout)
    {
        string path = Files[$"plot-{format}.png"];
        var run = CliRun.Of("step", "--steps", "3", "--format", format, "--plot", path);
        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(path));
        // JSON and CSV keep stdout for data: the announcement goes to stderr there.
        Assert.Equal($"wrote {path}", (onStdout ? run.Output : run.Error).TrimEnd('\n').Split('\n')[^1]);
        if (!onStdout) Assert.DoesNotContain("wrote", run.Output);
    }

    [Fact]
    public void AConfigurationWithAByteOrderMarkIsRead()
    {
        string path = Files["bom.json"];
        File.WriteAllText(path, "{ \"Training\": { \"Epochs\": 3 } }", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);
        var run = CliRun.Of("config", "--config", path).Succeeded();
        Assert.Matches(@"Training:Epochs\s+3\s+--config", run.Output);
    }

    [Fact]
    public void AStepScheduleWithGammaAboveOneTrainsWhileTheRateStaysFinite()
    {
        var run = CliRun.Of("train", "--optimizer", "sgd", "--schedule", "step", "--step-size", "2", "--gamma", "1.5", "--epochs", "1",
            "--limit-train", "256", "--limit-test", "64", "--out", Files["growing"]);
        Assert.True(run.ExitCode == 0, run.Error);
        using var metrics = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Files["growing"], "metrics.json")));
        Assert.Equal(1e-3, metrics.RootElement.GetProperty("epochs")[0].GetProperty("lr").GetDouble(), 1e-12);
    }

    [Fact]
    public void TheBatchSizeMayEqualTheTrainingSplit()
    {
        var run = CliRun.Of("train", "--epochs", "1", "--batch-size", "128", "--limit-train", "128", "--limit-test", "64", "--out", Files["whole"]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("1 epoch", run.Output);
        Assert.DoesNotContain("1 epochs", run.Output);
    }

    public void Dispose() => Files.Dispose();
}
