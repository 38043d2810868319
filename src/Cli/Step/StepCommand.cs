using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;

namespace AdaptiveLR.Cli.Step;

/// <summary>
/// <c>adaptivelr step</c>: runs one optimizer on a small problem through the record-level API of
/// src/Pure and prints every state transition.
/// </summary>
public static class StepCommand
{
    /// <summary>The most steps one run may ask for (bounded time and memory; rows are written as they are computed).</summary>
    public const int MaxSteps = 1_000_000_000;

    /// <param name="error">Where the written plot is announced when stdout carries JSON or CSV.</param>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var hyperparameters = new HyperparameterOptions();
        var optimizers = new Option<string>("--optimizers")
        {
            Description = "Several algorithms from the same start, e.g. sgd,adam,rmsprop (instead of --optimizer); the hyperparameter flags apply to each",
        };
        var function = new Option<string>("--function")
        {
            Description = $"The objective whose gradient drives the steps: {string.Join(", ", TestFunction.Names)} (default quadratic, f(x) = sum of x_i^2, when --grads is absent)",
        };
        var x0 = new Option<string>("--x0") { Description = "Start: a number or a vector such as 5,-3 (default: the function's classic start, 5 for quadratic; 0 for --grads)" };
        var grads = new Option<string>("--grads")
        {
            Description = "Explicit gradients instead of a function, one per step: 1,-2,0.5 for a scalar; 1,2;3,4 (steps separated by ';') for a vector",
        };
        var steps = NumberParsing.BoundedInteger("--steps", $"Number of steps, up to {Thousands(MaxSteps)} (with --plot, at most {PlotLimits.MaxPoints.ToString("N0", CultureInfo.InvariantCulture)} points in all); default 20 for quadratic, 500 for the 2-D functions, the number of gradients with --grads", null, MaxSteps);
        var format = OutputFormat.Option();
        var plot = new Option<string>("--plot")
        {
            Description = "Also draw to this PNG file: x and the state over the steps, or, for a 2-D problem, every path over the function's contour lines",
        };

        var command = new Command("step", "Run one optimizer on a small problem and print every state transition.");
        hyperparameters.AddTo(command);
        foreach (var option in new Option[] { optimizers, function, x0, grads, steps, format, plot }) command.Options.Add(option);

        command.SetAction(parsed =>
        {
            var settings = hyperparameters.ReadSettings(parsed);
            string optionName = parsed.GetValue(optimizers) is null ? "--optimizer" : "--optimizers";
            var resolved = OptimizerNames(parsed, hyperparameters.Optimizer, optimizers).Select(name => HyperparameterOptions.Resolve(name, settings, optionName)).ToList();
            string? plotPath = parsed.GetValue(plot);
            if (plotPath is not null) AtomicFile.EnsureWritable(plotPath, "--plot");

            var (source, start, count) = Problem(
                parsed.GetValue(function), parsed.GetValue(x0), parsed.GetValue(grads),
                parsed.GetValue(steps));
            bool paths = source is TestFunction && start.Length == 2;
            if (plotPath is not null && resolved.Count > 1 && !paths)
                throw new UsageException("--plot: several optimizers are drawn as paths over a 2-D function; give a 2-D --function or a 2-D --x0, or one --optimizer");
            var trajectories = resolved.Select(h => new Trajectory(h, source, start, count)).ToList();
            if (plotPath is not null)
            {
                if (paths) PlotLimits.Check(count + 1L, 2L * trajectories.Count, $"{trajectories.Count} path(s)");
                else PlotLimits.Check(count + 1L, TrajectoryPlot.Lines(trajectories[0]), $"{TrajectoryPlot.Lines(trajectories[0])} line(s) (x and the state, per coordinate)");
            }

            string chosenFormat = parsed.GetValue(format)!;
            switch (chosenFormat)
            {
                case OutputFormat.Json: trajectories.ForEach(t => StepJsonRenderer.Write(t, output)); break;
                case OutputFormat.Csv: StepCsvRenderer.Write(trajectories, output); break;
                default:
                    if (trajectories.Count == 1) StepTableRenderer.Write(trajectories[0], output);
                    else StepSummaryRenderer.Write(trajectories, output);
                    break;
            }
            if (plotPath is null) return CliApp.Success;
            if (paths) PathsPlot.Save(trajectories, (TestFunction)source, plotPath);
            else TrajectoryPlot.Save(trajectories[0], plotPath);
            (chosenFormat == OutputFormat.Table ? output : error).WriteLine($"wrote {plotPath}");
            return CliApp.Success;
        });
        return command;
    }

    private static string Thousands(int count) => count.ToString("N0", CultureInfo.InvariantCulture);

    private static (GradientSource Source, ImmutableArray<double> X0, int Steps) Problem(string? function, string? x0Text, string? gradsText, int? steps)
    {
        if (gradsText is not null)
        {
            if (function is not null) throw new UsageException("--grads and --function conflict; give one of them");
            ImmutableArray<double>? given = x0Text is null ? null : [.. NumberParsing.ParseList(x0Text, "--x0", "the start")];
            var gradients = ParseGradients(gradsText, given?.Length);
            var x0 = given ?? [.. new double[gradients[0].Length]];
            if (steps is int s && s != gradients.Length)
                throw new UsageException($"--steps: {s} conflicts with the {gradients.Length} gradients of --grads; leave --steps out or make them agree");
            return (new GivenGradients(gradients), x0, gradients.Length);
        }

        var objective = TestFunction.Find(function ?? "quadratic") as TestFunction
            ?? throw new UsageException($"--function: unknown function '{function}'{Messages.NearestNames.Hint(function!, TestFunction.Names)}; allowed: {string.Join(", ", TestFunction.Names)}");
        ImmutableArray<double> start = x0Text is null ? objective.Start : [.. NumberParsing.ParseList(x0Text, "--x0", "the start")];
        if (objective is not Quadratic && start.Length != 2)
            throw new UsageException($"--x0: {function} is a function of 2 variables but --x0 has {start.Length}; give x,y such as {string.Join(",", objective.Start)}");
        return (objective, start, steps ?? (objective is Quadratic ? 20 : 500));
    }

    private static IEnumerable<string> OptimizerNames(ParseResult parsed, Option<string> optimizer, Option<string> optimizers)
    {
        string? several = parsed.GetValue(optimizers);
        if (several is null) return [parsed.GetValue(optimizer)!];
        if (parsed.GetResult(optimizer) is { Implicit: false }) throw new UsageException("--optimizer and --optimizers conflict; give one of them");
        string[] names = [.. several.Split(',').Select(n => n.Trim())];
        if (names.Any(n => n.Length == 0)) throw new UsageException("--optimizers: an empty name; expected comma-separated algorithms such as sgd,adam,rmsprop");
        return names;
    }

    /// <summary>Steps separated by ';' (or by ',' for a scalar problem), coordinates by ','.</summary>
    private static ImmutableArray<ImmutableArray<double>> ParseGradients(string text, int? dimension)
    {
        if (text.Trim().Length == 0) throw new UsageException("--grads: empty; expected gradients such as 1,-2,0.5 (scalar) or 1,2;3,4 (vector)");
        bool scalarSteps = !text.Contains(';') && (dimension ?? 1) == 1;
        var steps = scalarSteps
            ? NumberParsing.ParseList(text, "--grads", "the gradients").Select(g => ImmutableArray.Create(g)).ToImmutableArray()
            : text.Split(';').Select((step, i) => NumberParsing.ParseList(step, "--grads", $"step {i + 1}").ToImmutableArray()).ToImmutableArray();
        int size = dimension ?? steps[0].Length;
        for (int i = 0; i < steps.Length; i++)
        {
            if (steps[i].Length != size)
                throw new UsageException($"--grads: step {i + 1} has {steps[i].Length} values but {(dimension is null ? "step 1 has" : "--x0 has")} {size}; every step needs one value per coordinate");
        }
        return steps;
    }
}
