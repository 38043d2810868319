using System.CommandLine;
using System.Globalization;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Pure.Schedules;

namespace AdaptiveLR.Cli.Schedule;

/// <summary><c>adaptivelr schedule</c>: prints and plots a learning-rate schedule, step by step.</summary>
public static class ScheduleCommand
{
    private const int TableRows = 20;

    /// <summary>The most steps one schedule may have (every rate is kept to draw the plot: 8 bytes a step).</summary>
    public const int MaxSteps = 1_000_000_000;

    /// <param name="error">Where the written plot is announced when stdout carries JSON or CSV.</param>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var schedule = new ScheduleOptions("--name", "The schedule");
        var steps = NumberParsing.BoundedInteger("--steps", $"Number of steps, up to {MaxSteps.ToString("N0", CultureInfo.InvariantCulture)}", 1000, MaxSteps);
        var lr = NumberParsing.FiniteNumber("--lr", "The base (peak) learning rate (> 0)");
        lr.DefaultValueFactory = _ => 0.1;
        var metrics = new Option<string>("--metrics") { Description = "plateau: the metric after each step (lower is better), e.g. 1,0.8,0.8,0.8" };
        var format = OutputFormat.Option();
        var plot = new Option<string>("--plot") { Description = "Also draw the learning rate over the steps to this PNG file" };

        var command = new Command("schedule", "Print (and plot) a learning-rate schedule: constant, step, exponential, cosine, warmup-cosine, one-cycle or plateau.");
        schedule.AddTo(command);
        foreach (var option in new Option[] { steps, lr, metrics, format, plot }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(schedule.Name) is null) throw new UsageException($"--name is required; allowed: {string.Join(", ", ScheduleOptions.Names)}");
            double baseLr = parsed.GetValue(lr)!.Value;
            if (baseLr <= 0) throw new UsageException($"--lr: {baseLr} is out of range; allowed: a finite number > 0");
            string? plotPath = parsed.GetValue(plot);
            if (plotPath is not null) AtomicFile.EnsureWritable(plotPath, "--plot");
            string? metricsText = parsed.GetValue(metrics);
            int count = parsed.GetValue(steps)!.Value;

            // A closed-form schedule is computed step by step as it is printed; plateau's rates follow the given metrics, already in memory.
            object? resolved = schedule.Resolve(parsed, baseLr, count);
            if (resolved is not null && ScheduleOptions.GrowthProblem(resolved, count, double.MaxValue, "the largest double") is { } growth) throw new UsageException(growth);
            var rates = resolved switch
            {
                Pure.Schedules.Schedule s when metricsText is null => new Rates(count, s.LearningRate),
                Pure.Schedules.Schedule => throw new UsageException("--metrics applies to --name plateau only"),
                ReduceOnPlateau plateau => Rates.Of(Plateau(plateau, metricsText ?? throw new UsageException("--metrics is required for --name plateau, e.g. --metrics 1,0.8,0.8,0.8"))),
                _ => throw new InvalidOperationException("unknown schedule type"),
            };
            string chosenFormat = parsed.GetValue(format)!;
            if (plotPath is not null) PlotLimits.Check(rates.Count, 1, "one schedule");
            Write(rates, chosenFormat, output);
            if (plotPath is null) return CliApp.Success;
            SchedulePlot.Save([.. Enumerable.Range(0, rates.Count).Select(step => rates.At(step))], TransformText.Describe(resolved!), plotPath);
            (chosenFormat == OutputFormat.Table ? output : error).WriteLine($"wrote {plotPath}");
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>The learning rate in force at each step, the metric of a step deciding the next.</summary>
    private static double[] Plateau(ReduceOnPlateau plateau, string metricsText)
    {
        double[] metrics = NumberParsing.ParseList(metricsText, "--metrics", "the metrics");
        var rates = new double[metrics.Length];
        var state = plateau.Initial;
        for (int step = 0; step < metrics.Length; step++)
        {
            rates[step] = state.LearningRate;
            state = plateau.Update(state, metrics[step]);
        }
        return rates;
    }

    /// <summary>The learning rate at each of <paramref name="Count"/> steps, computed when asked for.</summary>
    private sealed record Rates(int Count, Func<long, double> At)
    {
        public static Rates Of(double[] rates) => new(rates.Length, step => rates[step]);
    }

    private static void Write(Rates rates, string format, TextWriter output)
    {
        string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        switch (format)
        {
            case OutputFormat.Json:
                for (int step = 0; step < rates.Count; step++) output.WriteLine($"{{\"step\":{step},\"lr\":{JsonNumbers.Literal(rates.At(step))}}}");
                break;
            case OutputFormat.Csv:
                output.WriteLine("step,lr");
                for (int step = 0; step < rates.Count; step++) output.WriteLine($"{step},{Number(rates.At(step))}");
                break;
            default:
                // Evenly spaced rows and the last step: the shape of the schedule at a glance.
                var shown = Enumerable.Range(0, TableRows).Select(i => (int)((long)i * (rates.Count - 1) / (TableRows - 1))).Append(rates.Count - 1).Distinct();
                output.WriteLine($"{"step",8}  lr");
                foreach (int step in shown) output.WriteLine($"{step,8}  {NumberText.Short(rates.At(step))}");
                break;
        }
    }
}
