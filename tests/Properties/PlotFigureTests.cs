using System.Collections.Immutable;
using AdaptiveLR.Cli.Compare;
using AdaptiveLR.Cli.Plotting;
using AdaptiveLR.Cli.Schedule;
using AdaptiveLR.Cli.Step;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure;
using ScottPlot;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The figures as built (not as pixels): every path inside the axis limits, legends outside the
/// data, panels of one figure on one x range with an x label each, percentiles present for a
/// single epoch, and a learning rate axis that starts at zero.
/// </summary>
public class PlotFigureTests
{
    private static Trajectory Run(string optimizer, double lr, TestFunction function, int steps) =>
        Trajectory.Run(OptimizerRegistry.Find(optimizer)!.Defaults with { Lr = lr }, function, function.Start, steps);

    public static TheoryData<string, double, int> ReadmePaths => new()
    {
        { "rosenbrock", 0.002, 3000 },
        { "beale", 0.002, 3000 },
        { "quadratic2d", 0.002, 3000 },
        { "beale", 0.1, 500 },
    };

    [Theory]
    [MemberData(nameof(ReadmePaths))]
    public void EveryPathLiesInsideTheAxisLimitsOrIsNamedAsClipped(string functionName, double lr, int steps)
    {
        var function = (TestFunction)TestFunction.Find(functionName)!;
        var trajectories = new[] { "sgd", "adam", "rmsprop", "lion" }.Select(o => Run(o, lr, function, steps)).ToArray();
        var plot = PathsPlot.Build(trajectories, function);
        var limits = plot.Axes.GetLimits();
        var announced = plot.Legend.ManualItems.Select(i => i.LabelText).Where(t => t.EndsWith(" (leaves the frame)")).ToArray();
        foreach (var trajectory in trajectories)
        {
            var points = PathsPlot.Points(trajectory);
            bool inside = points.All(p => p.X >= limits.Left && p.X <= limits.Right && p.Y >= limits.Bottom && p.Y <= limits.Top);
            Assert.Equal(!inside, announced.Contains($"{trajectory.Hyperparameters.Algorithm} (leaves the frame)"));
        }
        Assert.True(limits.Left <= function.Minimum[0] && function.Minimum[0] <= limits.Right && limits.Bottom <= function.Minimum[1] && function.Minimum[1] <= limits.Top);
        AssertLegendOutside(plot);
    }

    [Fact]
    public void ThePathsOfTheReadmeCommandAllFitTheFrame()
    {
        var function = new Rosenbrock();
        var plot = PathsPlot.Build([.. new[] { "sgd", "adam", "rmsprop", "lion" }.Select(o => Run(o, 0.002, function, 3000))], function);
        Assert.DoesNotContain("clipped", plot.Axes.Title.Label.Text);
        Assert.Equal(4, plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Count(s => s.Data.GetScatterPoints().Count == 3001));
    }

    [Fact]
    public void TrajectoryPanelsShareTheStepAxis()
    {
        var trajectory = Trajectory.Run(OptimizerRegistry.Find("rmsprop")!.Defaults with { Lr = 0.1 }, new Quadratic(), [5.0], 20);
        TrajectoryPlot.Build(trajectory, out var panels);
        AssertSharedCountAxis(panels, "step", 0, 20);
    }

    [Fact]
    public void TrainingCurvesShareTheEpochAxisWithALegendOutsideEachPanel()
    {
        TrainingPlots.BuildCurves(History(3), ["title"], out var panels);
        AssertSharedCountAxis(panels, "epoch", 1, 3);
        foreach (var panel in panels) AssertLegendOutside(panel);
    }

    [Fact]
    public void ComparisonHasOneLegendAndDistinctLooks()
    {
        var plan = new TrainingPlan(OptimizerRegistry.Find("adam")!.Defaults, "ours", 64, 1000, 1);
        var results = new[] { "sgd", "rmsprop", "adam", "adamw", "amsgrad" }
            .Select(name => new ComparisonResult(plan with { Hyperparameters = OptimizerRegistry.Find(name)!.Defaults }, [.. History(3)]))
            .ToArray();
        ComparisonPlot.Build(results, "data", out var panels);
        AssertSharedCountAxis(panels, panels[0].Axes.Bottom.Label.Text, 1 - ComparisonPlot.Dodge / 2, 3 + ComparisonPlot.Dodge / 2);
        Assert.StartsWith("epoch", panels[0].Axes.Bottom.Label.Text);
        Assert.Equal(5, panels[0].GetPlottables().SelectMany(p => p.LegendItems).Count(i => !string.IsNullOrEmpty(i.LabelText)));
        Assert.DoesNotContain(panels[1].GetPlottables().SelectMany(p => p.LegendItems), i => !string.IsNullOrEmpty(i.LabelText));
        var looks = panels[0].GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Select(s => (s.Color.WithAlpha(1), s.LinePattern, s.MarkerShape)).ToArray();
        Assert.Equal(looks.Length, looks.Select(l => l.Item1).Distinct().Count());
        Assert.Equal(looks.Length, looks.Select(l => l.MarkerShape).Distinct().Count());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void EffectiveLearningRatesShowEveryLayersPercentilesOnALogAxis(int epochs)
    {
        var history = History(epochs);
        TrainingPlots.BuildEffectiveLearningRates(history, ["title"], out var panels);
        Assert.Equal(history[0].EffectiveLearningRates.Length, panels.Length);
        for (int i = 0; i < panels.Length; i++)
        {
            var band = Assert.Single(panels[i].GetPlottables().OfType<ScottPlot.Plottables.FillY>());
            Assert.Contains("10th–90th percentile", band.LegendText);
            Assert.IsType<LogTicks>(panels[i].Axes.Left.TickGenerator);
            var limits = panels[i].Axes.GetLimits();
            foreach (var rates in history.Select(e => e.EffectiveLearningRates[i]))
            {
                Assert.InRange(Math.Log10(rates.P10), limits.Bottom, limits.Top);
                Assert.InRange(Math.Log10(rates.P90), limits.Bottom, limits.Top);
            }
        }
        AssertSharedCountAxis(panels, "epoch", 1, epochs);
    }

    [Fact]
    public void ScheduleAxisStartsAtZeroAndHoldsThePeak()
    {
        double[] rates = [.. Enumerable.Range(0, 1000).Select(step => step < 100 ? 3e-4 * (step + 1) / 100 : 3e-4 * (1 + Math.Cos(Math.PI * (step - 100) / 900)) / 2)];
        var plot = SchedulePlot.Build(rates, "warmup-cosine");
        var limits = plot.Axes.GetLimits();
        Assert.Equal(0, limits.Bottom);
        Assert.True(limits.Top >= 3e-4);
        Assert.IsType<IntegerTicks>(plot.Axes.Bottom.TickGenerator);
    }

    private static List<EpochMetrics> History(int epochs) =>
        [.. Enumerable.Range(1, epochs).Select(e => new EpochMetrics(e, 1.0 / e, 0.5 / e, 0.9 + 0.01 * e, 1, 0.1,
            [.. new[] { "conv1", "conv2", "fc1", "fc2" }.Select((layer, i) => new LayerLearningRates(layer, 1e-3 * (i + 1) / e, 1e-2 * (i + 1), 0.2 * (i + 1)))], 1e-3, 0))];

    private static void AssertSharedCountAxis(Plot[] panels, string label, double first, double last)
    {
        var ranges = panels.Select(p => (p.Axes.GetLimits().Left, p.Axes.GetLimits().Right)).Distinct().ToArray();
        var range = Assert.Single(ranges);
        Assert.True(range.Left < first && range.Right > last, $"[{range.Left}, {range.Right}] does not hold [{first}, {last}]");
        Assert.All(panels, p =>
        {
            Assert.Equal(label, p.Axes.Bottom.Label.Text);
            Assert.IsType<IntegerTicks>(p.Axes.Bottom.TickGenerator);
        });
    }

    private static void AssertLegendOutside(Plot plot)
    {
        Assert.False(plot.Legend.IsVisible, "a legend inside the data area");
        Assert.Single(plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>());
    }
}
