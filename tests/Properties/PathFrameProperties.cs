using AdaptiveLR.Cli.Plotting;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>A paths plot's frame holds every point of every path, or names the paths it clips.</summary>
public class PathFrameProperties
{
    [Property(MaxTest = 300, Replay = "(13093282788604236926,12652517306645739245,93)")]
    public void EveryPointIsInsideTheFrameOrItsPathIsNamedAsClipped(PositiveInt seed, PositiveInt paths)
    {
        var random = new Random(seed.Get);
        var view = (XMin: -2.0, XMax: 2.0, YMin: -1.0, YMax: 3.0);
        var generated = Enumerable.Range(0, 1 + paths.Get % 5).Select(i => ($"path{i}", (IReadOnlyList<(double X, double Y)>)Path(random))).ToArray();
        var frame = PathFrame.Around(view, generated);
        Assert.True(frame.XMin <= view.XMin && frame.XMax >= view.XMax && frame.YMin <= view.YMin && frame.YMax >= view.YMax);
        foreach (var (name, points) in generated)
        {
            bool allInside = points.All(p => frame.Contains(p.X, p.Y));
            Assert.Equal(!allInside, frame.Clipped.Contains(name));
            var drawable = frame.Drawable(points);
            Assert.All(drawable, p => Assert.True(frame.Contains(p.X, p.Y)));
            Assert.Equal(points.Take(drawable.Count), drawable);
            if (allInside) Assert.Equal(points.Count, drawable.Count);
        }
    }

    [Fact]
    public void APointJustBeyondTheReachIsOutsideTheFrameAndItsPathIsClipped()
    {
        var view = (XMin: 0.0, XMax: 1.0, YMin: 0.0, YMax: 1.0);
        double reach = view.XMax + PathFrame.Reach * 1.0, justBeyond = reach + 0.01;
        var frame = PathFrame.Around(view, [("near", [(0.5, 0.5), (reach - 0.01, 0.5)]), ("far", [(0.5, 0.5), (justBeyond, 0.5)])]);
        Assert.False(frame.Contains(justBeyond, 0.5));
        Assert.Equal(["far"], frame.Clipped);
    }

    /// <summary>A walk from the start that sometimes runs far away and sometimes stops being finite.</summary>
    private static (double X, double Y)[] Path(Random random)
    {
        var (x, y) = (-1.2, 1.0);
        double reach = random.Next(4) switch { 0 => 0.05, 1 => 0.5, 2 => 3, _ => 50 };
        return [.. Enumerable.Range(0, 1 + random.Next(60)).Select(step =>
        {
            (x, y) = (x + reach * (random.NextDouble() - 0.5), y + reach * (random.NextDouble() - 0.5));
            return random.Next(80) == 0 ? (double.NaN, y) : (x, y);
        })];
    }
}
