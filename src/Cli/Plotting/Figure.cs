using ScottPlot;

namespace AdaptiveLR.Cli.Plotting;

/// <summary>
/// The layout every figure of the tool shares: panels stacked top to bottom with data areas of one
/// width and one x range, an x label under each, the legend outside the data on the right, and a
/// title (which may run over two lines) naming what produced the data.
/// </summary>
public static class Figure
{
    public const int Width = 1000;

    private const float LeftPadding = 95, BottomPadding = 55, TitleLinePadding = 19, TopPadding = 18, LegendChrome = 90, LegendCharacter = 7.4f;

    public static Multiplot Stacked(int count, out Plot[] panels)
    {
        var figure = new Multiplot();
        figure.AddPlots(count);
        panels = figure.GetPlots();
        return figure;
    }

    /// <summary>Gives every panel the same padding, so their data areas line up, with room for the title and the widest legend.</summary>
    public static void Arrange(IReadOnlyList<Plot> panels)
    {
        float legend = panels.Max(LegendWidth);
        foreach (var panel in panels) panel.Layout.Fixed(new PixelPadding(LeftPadding, Math.Max(legend, 25), BottomPadding, TopPadding + TitleHeight(panel)));
    }

    /// <summary>
    /// Writes stacked panels as a PNG in which every panel's data area has the same height: the top
    /// panel is taller by its title.
    /// </summary>
    public static void SaveStacked(Multiplot figure, IReadOnlyList<Plot> panels, string path, float panelHeight)
    {
        var rows = new ScottPlot.MultiplotLayouts.DraggableRows();
        float titleHeight = TitleHeight(panels[0]);
        rows.SetHeights(panels.Select((_, i) => i == 0 ? panelHeight + titleHeight : panelHeight));
        figure.Layout = rows;
        int height = (int)Math.Ceiling(panelHeight * panels.Count + titleHeight);
        Output.AtomicFile.WriteVia(path, temporary => figure.SavePng(temporary, Width, height));
    }

    private static float TitleHeight(Plot panel)
    {
        int lines = panel.Axes.Title.IsVisible ? panel.Axes.Title.Label.Text.Split('\n').Length : 0;
        return lines == 0 ? 0 : 12 + lines * TitleLinePadding;
    }

    /// <summary>The legend in its own column right of the data area, never over data.</summary>
    public static void LegendOutside(Plot plot) => plot.ShowLegend(Edge.Right);

    /// <summary>Characters of a title line that fit the figure's width.</summary>
    public const int TitleLineLength = 92;

    public static void Title(Plot plot, params string[] lines)
    {
        plot.Title(string.Join("\n", lines.Where(l => l.Length > 0).SelectMany(l => Wrap(l, TitleLineLength))));
        plot.Axes.Title.Label.FontSize = 12;
    }

    /// <summary>
    /// The text in lines of at most <paramref name="length"/> characters: whole clauses (ending in
    /// "; ") packed together where they fit, a clause too long for a line broken after a comma or space.
    /// </summary>
    public static IEnumerable<string> Wrap(string text, int length)
    {
        var lines = new List<string>();
        string line = "";
        foreach (string clause in text.Split("; "))
        {
            string joined = line.Length == 0 ? clause : $"{line}; {clause}";
            if (joined.Length <= length)
            {
                line = joined;
                continue;
            }
            // A full line closed by its ';' can be one character too long: it breaks like any other.
            if (line.Length > 0) lines.Add(BreakLongLines(line + ";", length, lines));
            line = BreakLongLines(clause, length, lines);
        }
        lines.Add(line);
        return lines;
    }

    /// <summary>Adds the leading parts of <paramref name="line"/> that do not fit to <paramref name="lines"/>; returns the rest.</summary>
    private static string BreakLongLines(string line, int length, List<string> lines)
    {
        while (line.Length > length)
        {
            int cut = line.LastIndexOfAny([',', ' '], length - 1);
            if (cut <= 0) cut = length - 1;
            lines.Add(line[..(cut + 1)].TrimEnd());
            line = line[(cut + 1)..].TrimStart();
        }
        return line;
    }

    /// <summary>Steps or epochs along x: whole-number ticks and one shared range with a little room at both ends.</summary>
    public static void CountAxis(IEnumerable<Plot> panels, string label, double first, double last)
    {
        double margin = last > first ? 0.03 * (last - first) : 0.5;
        foreach (var panel in panels)
        {
            panel.Axes.Bottom.TickGenerator = new IntegerTicks();
            panel.XLabel(label);
            panel.Axes.SetLimitsX(first - margin, last + margin);
        }
    }

    /// <summary>A linear y axis whose labels share one number format.</summary>
    public static void ValueAxis(Plot panel, string label)
    {
        panel.Axes.Left.TickGenerator = new UniformTicks();
        panel.YLabel(label);
    }

    private static float LegendWidth(Plot panel)
    {
        if (panel.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>().FirstOrDefault() is null) return 0;
        var texts = panel.Legend.ManualItems.Select(i => i.LabelText)
            .Concat(panel.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText));
        return LegendChrome + LegendCharacter * texts.Select(t => t?.Length ?? 0).DefaultIfEmpty(0).Max();
    }
}
