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

    public static Command Create(TextWriter output)
    {
        var schedule = new ScheduleOptions("--name", "The schedule");
        var steps = NumberParsing.PositiveInteger("--steps", "Number of steps (default 1000)", 1000);
        var lr = NumberParsing.FiniteNumber("--lr", "The base (peak) learning rate (default 0.1)");
        var metrics = new Option<string>("--metrics") { Description = "plateau: the metric after each step (lower is better), e.g. 1,0.8,0.8,0.8" };
        var format = OutputFormat.Option();
        var plot = new Option<string>("--plot") { Description = "Also draw the learning rate over the steps to this PNG file" };

        var command = new Command("schedule", "Print (and plot) a learning-rate schedule: constant, step, exponential, cosine, warmup-cosine, one-cycle or plateau.");
        schedule.AddTo(command);
        foreach (var option in new Option[] { steps, lr, metrics, format, plot }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(schedule.Name) is null) throw new UsageException($"--name is required; allowed: {string.Join(", ", ScheduleOptions.Names)}");
            double baseLr = parsed.GetValue(lr) ?? 0.1;
            if (baseLr <= 0) throw new UsageException($"--lr: {baseLr} is out of range; allowed: a finite number > 0");
            string? plotPath = parsed.GetValue(plot);
            if (plotPath is not null) AtomicFile.EnsureWritable(plotPath, "--plot");
            string? metricsText = parsed.GetValue(metrics);
            int count = parsed.GetValue(steps);

            // A closed-form schedule is computed step by step as it is printed; plateau's rates follow the given metrics, already in memory.
            object? resolved = schedule.Resolve(parsed, baseLr, count);
            var rates = resolved switch
            {
                Pure.Schedules.Schedule s when metricsText is null => new Rates(count, s.LearningRate),
                Pure.Schedules.Schedule => throw new UsageException("--metrics applies to --name plateau only"),
                ReduceOnPlateau plateau => Rates.Of(Plateau(plateau, metricsText ?? throw new UsageException("--metrics is required for --name plateau, e.g. --metrics 1,0.8,0.8,0.8"))),
                _ => throw new InvalidOperationException("unknown schedule type"),
            };
            if (plotPath is not null) PlotLimits.Check(rates.Count, 1, "one schedule");
            Write(rates, parsed.GetValue(format)!, output);
            if (plotPath is not null) SchedulePlot.Save([.. Enumerable.Range(0, rates.Count).Select(step => rates.At(step))], TransformText.Describe(resolved!), plotPath);
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
                for (int step = 0; step < rates.Count; step++) output.WriteLine($"{{\"step\":{step},\"lr\":{Number(rates.At(step))}}}");
                break;
            case OutputFormat.Csv:
                output.WriteLine("step,lr");
                for (int step = 0; step < rates.Count; step++) output.WriteLine($"{step},{Number(rates.At(step))}");
                break;
            default:
                // Evenly spaced rows and the last step: the shape of the schedule at a glance.
                var shown = Enumerable.Range(0, TableRows).Select(i => (int)((long)i * (rates.Count - 1) / (TableRows - 1))).Append(rates.Count - 1).Distinct();
                output.WriteLine($"{"step",8}  lr");
                foreach (int step in shown) output.WriteLine($"{step,8}  {rates.At(step).ToString("G6", CultureInfo.InvariantCulture)}");
                break;
        }
    }
}
