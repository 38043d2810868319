using System.Globalization;
using AdaptiveLR.Cli.Plotting;
using FsCheck;
using FsCheck.Xunit;
using ScottPlot;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The plots' axes say what the data is: step and epoch axes are labelled at whole numbers only,
/// a linear axis has one number format, a log axis is labelled with the values, and every axis a
/// reader can read has at least two labels.
/// </summary>
public class PlotAxisProperties
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [Property(MaxTest = 300)]
    public void CountAxesAreLabelledAtWholeNumbersOnly(int start, PositiveInt length, PositiveInt labels, int scale)
    {
        double min = start * Math.Pow(10, Math.Abs(scale) % 4) / 7.0, max = min + length.Get * Math.Pow(10, Math.Abs(scale) % 5) / 3.0;
        int maxLabels = 2 + labels.Get % 15;
        var ticks = IntegerTicks.For(min, max, maxLabels);
        var majors = ticks.Where(t => t.IsMajor).ToArray();
        Assert.All(ticks, t =>
        {
            Assert.Equal(Math.Round(t.Position), t.Position);
            Assert.InRange(t.Position, min - 1e-9, max + 1e-9);
        });
        Assert.All(majors, t => Assert.Equal(t.Position.ToString("0", Invariant), t.Label));
        Assert.DoesNotContain(majors, t => t.Label == "-0");
        Assert.InRange(majors.Length, 0, Math.Max(maxLabels, 5));
        if (Math.Floor(max) - Math.Ceiling(min) >= 1) Assert.True(majors.Length >= 2, $"{majors.Length} labels on [{min}, {max}]");
        Assert.DoesNotContain(ticks.Where(t => !t.IsMajor), minor => majors.Any(m => m.Position == minor.Position));
    }

    [Property(MaxTest = 300)]
    public void LinearAxesShareOneNumberFormat(int start, PositiveInt length, int exponent, PositiveInt labels)
    {
        double unit = Math.Pow(10, exponent % 9);
        double min = start * unit / 13.0, max = min + length.Get * unit / 11.0;
        int maxLabels = 2 + labels.Get % 12;
        var majors = UniformTicks.For(min, max, maxLabels).Where(t => t.IsMajor).ToArray();
        Assert.True(majors.Length >= 2, $"{majors.Length} labels on [{min}, {max}]");
        double step = majors[1].Position - majors[0].Position;
        Assert.Equal(majors.Length, majors.Select(t => t.Label).Distinct().Count());
        Assert.All(majors, t => Assert.Equal(t.Position, double.Parse(t.Label, Invariant), step / 100));
        var nonZero = majors.Where(t => t.Label != "0").Select(t => t.Label).ToArray();
        var exponents = nonZero.Select(l => l.Contains('e') ? l[l.IndexOf('e')..] : "").Distinct().ToArray();
        Assert.Single(exponents);
        var decimals = nonZero.Select(l => l.Split('e')[0]).Select(m => m.Contains('.') ? m.Length - m.IndexOf('.') - 1 : 0).Distinct().ToArray();
        Assert.Single(decimals);
    }

    [Fact]
    public void ALogAxisOverThreeDecadesWithRoomForTwoLabelsStillLabelsTwo()
    {
        var majors = LogTicks.For(0.8, 3.05, 2).Where(t => t.IsMajor).ToArray();
        Assert.True(majors.Length >= 2, $"{majors.Length} labels");
    }

    [Property(MaxTest = 300)]
    public void LogAxesAreLabelledWithTheValues(int start, PositiveInt length, PositiveInt labels)
    {
        double min = start % 120 / 10.0, max = min + 0.02 + length.Get % 200 / 13.0;
        var ticks = LogTicks.For(min, max, 2 + labels.Get % 12);
        var majors = ticks.Where(t => t.IsMajor).ToArray();
        Assert.True(majors.Length >= 2, $"{majors.Length} labels on 10^[{min}, {max}]");
        Assert.All(ticks, t => Assert.InRange(t.Position, min - 1e-9, max + 1e-9));
        Assert.All(majors, t =>
        {
            double value = double.Parse(t.Label, Invariant);
            Assert.Equal(1, value / Math.Pow(10, t.Position), 6);
        });
        Assert.DoesNotContain(ticks.Where(t => !t.IsMajor), minor => majors.Any(m => Math.Abs(m.Position - minor.Position) < 1e-12));
    }

    [Fact]
    public void LogAxesLabelDecadesAsPowersOfTen()
    {
        var majors = LogTicks.For(-4.2, -0.5, 10).Where(t => t.IsMajor).Select(t => t.Label);
        Assert.Equal(["1e-4", "1e-3", "1e-2", "1e-1"], majors);
    }

    [Fact]
    public void SmallLinearValuesShareOnePowerOfTen()
    {
        var labels = UniformTicks.For(0, 3.2e-4, 8).Where(t => t.IsMajor).Select(t => t.Label);
        Assert.Equal(["0", "0.5e-4", "1.0e-4", "1.5e-4", "2.0e-4", "2.5e-4", "3.0e-4"], labels);
    }

    [Property(MaxTest = 200)]
    public void TitlesWrapWithinTheirWidthLosingNothing(NonEmptyString text, PositiveInt width)
    {
        int length = 10 + width.Get % 100;
        var lines = Figure.Wrap(text.Get, length).ToArray();
        Assert.All(lines, line => Assert.True(line.Length <= length, $"'{line}' is longer than {length}"));
        static string Letters(string s) => new([.. s.Where(c => !char.IsWhiteSpace(c) && c != ';')]);
        Assert.Equal(Letters(text.Get), Letters(string.Concat(lines)));
    }

    /// <summary>A clause exactly as long as the line, then its ';': the case the property above found.</summary>
    [Fact]
    public void AFullLineClosedByItsSemicolonStillFits()
    {
        var lines = Figure.Wrap("aaaaaaaaaa; b", 10).ToArray();
        Assert.All(lines, line => Assert.True(line.Length <= 10, $"'{line}' is longer than 10"));
        Assert.Equal("aaaaaaaaaab", string.Concat(lines).Replace(";", "").Replace(" ", ""));
    }

    [Property(MaxTest = 200)]
    public void ContourLevelsRiseGeometricallyAboveTheMinimum(PositiveInt seed, PositiveInt count)
    {
        var random = new Random(seed.Get);
        double[] values = [.. Enumerable.Range(0, 400).Select(_ => Math.Pow(10, 6 * random.NextDouble() - 2) - 3)];
        int wanted = 2 + count.Get % 20;
        var levels = ContourLevels.LogSpaced(values, wanted);
        Assert.Equal(wanted, levels.Length);
        double floor = values.Min();
        Assert.All(levels, level => Assert.InRange(level, floor, values.Max()));
        var ratios = levels.Zip(levels.Skip(1), (a, b) => (b - floor) / (a - floor)).ToArray();
        Assert.All(ratios, r => Assert.Equal(ratios[0], r, 6));
        Assert.True(ratios[0] > 1);
    }
}
