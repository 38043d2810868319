using System.Collections.Immutable;
using System.CommandLine;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;

namespace AdaptiveLR.Cli.Step;

/// <summary>
/// <c>adaptivelr step</c>: runs one optimizer on a small problem through the record-level API of
/// src/Pure and prints every state transition.
/// </summary>
public static class StepCommand
{
    private const double DefaultFunctionStart = 5;

    public static Command Create(TextWriter output)
    {
        var hyperparameters = new HyperparameterOptions();
        var function = new Option<string>("--function")
        {
            Description = "The objective whose gradient drives the steps: quadratic (f(x) = sum of x_i^2). Default when --grads is absent.",
        };
        var x0 = new Option<string>("--x0") { Description = $"Start: a number or a vector such as 5,-3 (default {DefaultFunctionStart} for --function, 0 for --grads)" };
        var grads = new Option<string>("--grads")
        {
            Description = "Explicit gradients instead of a function, one per step: 1,-2,0.5 for a scalar; 1,2;3,4 (steps separated by ';') for a vector",
        };
        var steps = NumberParsing.PositiveInteger("--steps", "Number of steps (default 20; with --grads, the number of gradients)", 20);
        var format = OutputFormat.Option();
        var plot = new Option<string>("--plot") { Description = "Also draw x and the state quantities over the steps to this PNG file" };

        var command = new Command("step", "Run one optimizer on a small problem and print every state transition.");
        hyperparameters.AddTo(command);
        foreach (var option in new Option[] { function, x0, grads, steps, format, plot }) command.Options.Add(option);

        command.SetAction(parsed =>
        {
            var resolved = hyperparameters.Resolve(parsed);
            string? plotPath = parsed.GetValue(plot);
            if (plotPath is not null) AtomicFile.EnsureWritable(plotPath, "--plot");

            var (source, start, count) = Problem(
                parsed.GetValue(function), parsed.GetValue(x0), parsed.GetValue(grads),
                parsed.GetResult(steps) is { Implicit: false } ? parsed.GetValue(steps) : null);
            var trajectory = Trajectory.Run(resolved, source, start, count);

            switch (parsed.GetValue(format))
            {
                case OutputFormat.Json: StepJsonRenderer.Write(trajectory, output); break;
                case OutputFormat.Csv: StepCsvRenderer.Write(trajectory, output); break;
                default: StepTableRenderer.Write(trajectory, output); break;
            }
            if (plotPath is not null) TrajectoryPlot.Save(trajectory, plotPath);
            return CliApp.Success;
        });
        return command;
    }

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

        if ((function ?? "quadratic") != "quadratic")
            throw new UsageException($"--function: unknown function '{function}'; allowed: quadratic");
        ImmutableArray<double> start = x0Text is null ? [DefaultFunctionStart] : [.. NumberParsing.ParseList(x0Text, "--x0", "the start")];
        return (new Quadratic(), start, steps ?? 20);
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
