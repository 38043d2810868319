using System.Text.Json;
using Xunit;

namespace AdaptiveLR.Snapshots;

/// <summary><c>adaptivelr bench</c> as programs read it (the figures themselves are measurements, not test results).</summary>
public class BenchCommandTests
{
    [Fact]
    public void JsonLinesCarryTheRequiredFieldsPerCase()
    {
        var run = CliRun.Of("bench", "--optimizers", "adam,sgd", "--sizes", "2K", "--layout", "both", "--repeats", "1", "--format", "json", "--in-process");
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 4, $"{lines.Length} lines:\n{run.Output}");
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Contains(root.GetProperty("optimizer").GetString(), new[] { "adam", "sgd" });
            Assert.Equal(2000, root.GetProperty("params").GetInt64());
            Assert.Contains(root.GetProperty("layout").GetString(), new[] { "single", "model" });
            foreach (string field in new[] { "ours_ms", "torch_ms", "floor_ms" })
            {
                var value = root.GetProperty(field);
                Assert.True(value.ValueKind == JsonValueKind.Number && value.GetDouble() > 0, $"{field} in {line}");
            }
        }
    }

    [Theory]
    [InlineData("--optimizers", "adamx")]
    [InlineData("--sizes", "10X")]
    [InlineData("--sizes", "0")]
    [InlineData("--layout", "deep")]
    [InlineData("--format", "csv")]
    [InlineData("--repeats", "0")]
    public void BadInputExitsWithTwoAndOneLine(string option, string value)
    {
        var run = CliRun.Of("bench", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"adaptivelr: {option}", run.Error);
    }
}
