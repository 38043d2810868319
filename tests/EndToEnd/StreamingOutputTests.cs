using Xunit;
using Xunit.Abstractions;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// <c>step</c> and <c>schedule</c> print rows as they are computed: asked for hundreds of millions of
/// steps, the built tool's first rows arrive while its peak memory stays within a limit; a plot of more
/// points than it can hold is refused before any work.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class StreamingOutputTests(ITestOutputHelper log) : IDisposable
{
    /// <summary>The tool without TorchSharp peaks near 60 MB; building every row first passes this within seconds.</summary>
    private const long MemoryLimit = 300_000_000;

    private const int Lines = 50_000;
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(120);
    private readonly TemporaryFolder folder = new();

    [Theory]
    [InlineData("step --steps 100000000 --format csv")]
    [InlineData("step --steps 100000000 --format json")]
    [InlineData("step --steps 100000000")]
    [InlineData("step --function rosenbrock --optimizers sgd,adam --lr 0.001 --steps 100000000 --format csv")]
    [InlineData("schedule --name cosine --steps 500000000 --format csv")]
    [InlineData("schedule --name warmup-cosine --warmup 1000 --steps 500000000 --format json")]
    public void RowsStreamWhileMemoryStaysBounded(string arguments)
    {
        using var tool = MemoryWatchedProcess.Start(arguments.Split(' ')).WaitForLines(Lines, MemoryLimit, StallLimit);
        log.WriteLine($"{tool.OutputLineCount} lines, peak RSS {tool.PeakResidentBytes / 1e6:0} MB; {tool.Error}");
        Assert.True(tool.KilledBecause is null, tool.KilledBecause);
        Assert.True(tool.OutputLineCount >= Lines, $"{tool.OutputLineCount} lines");
        Assert.True(tool.PeakResidentBytes < MemoryLimit, $"peak RSS {tool.PeakResidentBytes / 1e6:0} MB");
        // The rows that came are the first ones, in order.
        string[] first = tool.Output.Split('\n', 4)[..3];
        Assert.Contains(first, line => System.Text.RegularExpressions.Regex.IsMatch(line, arguments.Contains("json") ? "^\\{.*\"step\":[01][,}]" : "^(\\s*step\\s|step,|optimizer,step,)"));
    }

    [Fact]
    public void AScheduleTableOfHalfABillionStepsComputesOnlyTheRowsItShows()
    {
        using var tool = MemoryWatchedProcess.Start(["schedule", "--name", "cosine", "--steps", "500000000"]).WaitWithin(MemoryLimit, StallLimit);
        Assert.True(tool.KilledBecause is null, tool.KilledBecause);
        Assert.Equal(0, tool.ExitCode);
        Assert.Contains("499999999", tool.Output);
    }

    [Theory]
    [InlineData("schedule --name cosine --steps 500000000 --plot {0}", "500,000,000 steps of one schedule")]
    [InlineData("step --steps 100000000 --plot {0}", "100,000,001 steps of 3 line(s)")]
    [InlineData("step --function beale --optimizers sgd,adam --steps 2000000 --plot {0}", "2 path(s)")]
    public void APlotOfMorePointsThanItCanHoldIsRefusedBeforeAnyWork(string arguments, string expected)
    {
        string png = folder["plot.png"];
        using var tool = MemoryWatchedProcess.Start(string.Format(System.Globalization.CultureInfo.InvariantCulture, arguments, png).Split(' ')).WaitWithin(MemoryLimit, StallLimit);
        Assert.True(tool.KilledBecause is null, tool.KilledBecause);
        Assert.Equal(2, tool.ExitCode);
        Assert.Equal("", tool.Output.Trim());
        Assert.Contains(expected, tool.Error);
        Assert.Contains("at most 2,000,000 points", tool.Error);
        Assert.False(File.Exists(png));
    }

    public void Dispose() => folder.Dispose();
}
