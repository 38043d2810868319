using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Data;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Cli.Training.Models;
using AdaptiveLR.Pure;

namespace AdaptiveLR.Cli.Options;

/// <summary>
/// The flags of <c>train</c>, <c>compare</c> and <c>config</c>: <c>--config FILE</c> and one flag per
/// configuration key, which, when given, overrides every other layer of the configuration.
/// </summary>
public sealed class TrainingOptions
{
    private readonly HyperparameterOptions hyperparameters;

    private readonly Option<string> config = new("--config") { Description = "A JSON file of settings over appsettings.json (see 'adaptivelr config')" };
    private readonly Option<string> impl = Text("--impl", $"Who runs the optimizer: {string.Join(", ", OptimizerImplementation.Names)} (TorchSharp's built-in, for comparison)");
    private readonly Option<int?> epochs = Integer("--epochs", "Number of epochs (the seed's 10)", minimum: 1);
    private readonly Option<int?> batchSize = Integer("--batch-size", "Training batch size (the seed's 64)", minimum: 1);
    private readonly Option<int?> testBatchSize = Integer("--test-batch-size", "Evaluation batch size (the seed's 1000)", minimum: 1);
    private readonly Option<int?> seed = Integer("--seed", "Seed of the initial weights, dropout and shuffling (default 1)", minimum: 0);
    private readonly Option<string> problem = Text("--problem", $"The problem: {string.Join(", ", Problems.ProblemCatalog.Names)} (default mnist: MNIST-style IDX images, the embedded subset or --data)");
    private readonly Option<string> model = Text("--model", $"The model: {ModelCatalog.Cnn} (the seed's, default for images), {ModelCatalog.Mlp}, {ModelCatalog.LogisticRegression}; the noisy quadratic has its own");
    private readonly Option<string> data = Text("--data", "An IDX dataset folder (train-images-idx3-ubyte[.gz], …), e.g. /usr/share/datasets/fashion-mnist; default: the embedded MNIST subset");
    private readonly Option<string> output = NonEmpty(Text("--out", "The run's folder for metrics, plots and the checkpoint (created if missing; refused if it holds another run, see --overwrite); default: a new folder runs/COMMAND-OPTIMIZER-yyyyMMdd-HHmmss"));
    private readonly Option<string> tensorBoard = new("--tensorboard")
    {
        Description = $"Also write TensorBoard event files to this folder (given without one: {Runs.RunArtefacts.TensorBoardFolder}/ in the run's folder)",
        Arity = ArgumentArity.ZeroOrOne,
    };
    private readonly Option<int?> limitTrain = Integer("--limit-train", "Use only the first N training images", minimum: 1, hidden: true);
    private readonly Option<int?> limitTest = Integer("--limit-test", "Use only the first N test images", minimum: 1, hidden: true);
    private readonly Option<long?> maxDataBytes = ByteCount("--max-data-bytes", $"The most decompressed IDX data (both splits, images and labels) --data may hold, in bytes (default {IdxReader.DefaultMaxBytes}, 1 GiB)");
    private readonly Option<string>? optimizers;
    private readonly Option<int?> threads = Integer("--threads", $"Threads for LibTorch and the optimizer (default {TrainingThreads.Default}; see README, Threads)", minimum: 1, maximum: TrainingThreads.Maximum);
    private readonly Option<string> statePrecision = Text("--state-precision", $"How ours keeps the optimizer state: {string.Join(", ", StatePrecisionNames.Names)} (bf16: 2 bytes per value; int8: 8-bit block-wise codes, about 1 byte; element-wise algorithms only; see README, Compressed state)");
    private readonly Option<string> nonFinite = Text("--nonfinite", $"What a NaN or infinite loss or gradient does: {string.Join(", ", NonFiniteHandling.Names)} (error: stop, naming the parameter and step; skip: skip the step and count it)");
    private readonly ScheduleOptions schedule = new("--schedule", "Learning-rate schedule over the run's steps (default constant)");
    private readonly Option<double?> clipGradNorm = NumberParsing.FiniteNumber("--clip-grad-norm", "Clip the gradients' global L2 norm to this (> 0)");
    private readonly Option<double?> clipGradValue = NumberParsing.FiniteNumber("--clip-grad-value", "Clip every gradient element into [-X, X] (> 0)");
    private readonly Option<double?> maskedWeightDecay = NumberParsing.FiniteNumber("--masked-weight-decay", "Weight decay outside the algorithm, sparing biases and other 1-D parameters (> 0)");
    private readonly Option<string> maskedWeightDecayMode = Text("--masked-weight-decay-mode", $"{TransformSettings.Decoupled} (AdamW-style, default) or {TransformSettings.L2} (added to the gradient)");
    private readonly Option<int?> accumulate = Integer("--accumulate", "Accumulate the gradients of K batches per update (default 1)", minimum: 1);
    private readonly Option<int?> lookahead = Integer("--lookahead", "Lookahead: pull back to the slow weights every K steps", minimum: 1);
    private readonly Option<double?> lookaheadAlpha = NumberParsing.FiniteNumber("--lookahead-alpha", "Lookahead: the slow weights' step towards the fast ones, in (0, 1] (default 0.5)");
    private readonly Option<string> injectFault = Text("--inject-fault", "Testing: poison the loss or a gradient with NaN at a global step, as loss:STEP or gradient:STEP", hidden: true);

    /// <param name="hyperparameters">The hyperparameter flags: for <c>train</c>'s optimizer (<c>train</c>, <c>config</c>) or, without <c>--optimizer</c>, for each compared one (<c>compare</c>).</param>
    /// <param name="withOptimizerList">Whether to offer <c>--optimizers</c> (<c>compare</c>, <c>config</c>).</param>
    public TrainingOptions(HyperparameterOptions hyperparameters, bool withOptimizerList)
    {
        this.hyperparameters = hyperparameters;
        comparing = withOptimizerList && !hyperparameters.All.Contains(hyperparameters.Optimizer);
        string defaults = new CompareSettings().Optimizers;
        if (withOptimizerList)
            optimizers = Text("--optimizers", comparing ? $"Comma-separated optimizers to compare (default {defaults})" : $"For compare: the optimizers it trains (Compare:Optimizers, default {defaults})");
    }

    private readonly bool comparing;

    private IEnumerable<(Option Option, string Key)> Keyed =>
    [
        (impl, "Training:Impl"), (epochs, "Training:Epochs"), (batchSize, "Training:BatchSize"), (testBatchSize, "Training:TestBatchSize"),
        (seed, "Training:Seed"), (problem, "Training:Problem"), (model, "Training:Model"), (data, "Data:Folder"), (limitTrain, "Data:LimitTrain"), (limitTest, "Data:LimitTest"), (maxDataBytes, "Data:MaxBytes"),
        (output, "Output:Folder"), (tensorBoard, "Output:TensorBoard"), .. optimizers is null ? [] : new[] { ((Option)optimizers, "Compare:Optimizers") },
        (threads, "Training:Threads"), (statePrecision, "Training:StatePrecision"), (nonFinite, "Training:NonFinite"), .. schedule.Keyed,
        (clipGradNorm, "Transforms:ClipGradNorm"), (clipGradValue, "Transforms:ClipGradValue"), (maskedWeightDecay, "Transforms:MaskedWeightDecay"),
        (maskedWeightDecayMode, "Transforms:MaskedWeightDecayMode"), (accumulate, "Transforms:Accumulate"), (lookahead, "Transforms:Lookahead"), (lookaheadAlpha, "Transforms:LookaheadAlpha"),
    ];

    public void AddTo(Command command)
    {
        hyperparameters.AddTo(command);
        command.Options.Add(config);
        foreach (var (option, _) in Keyed) command.Options.Add(option);
        command.Options.Add(injectFault);
    }

    /// <summary>Whether <c>--tensorboard</c> was given without a folder: event files go into the run's folder.</summary>
    public bool TensorBoardInRunFolder(ParseResult parsed) => parsed.GetResult(tensorBoard) is { Implicit: false, Tokens.Count: 0 };

    /// <summary>The fault <c>--inject-fault</c> asks for (tests of the non-finite handling), or null.</summary>
    public InjectedFault? Fault(ParseResult parsed) => parsed.GetValue(injectFault) is { } text ? InjectedFault.Parse(text, injectFault.Name) : null;

    /// <summary>The configuration with these flags on top, bound and validated.</summary>
    public EffectiveSettings Load(ParseResult parsed) => SettingsLoader.Load(parsed.GetValue(config), CommandLine(parsed));

    private CommandLineSettings CommandLine(ParseResult parsed)
    {
        var values = ImmutableDictionary.CreateBuilder<string, (string Value, string Flag)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (option, key) in Keyed)
        {
            if (parsed.GetResult(option) is not { Implicit: false } result) continue;
            object? value = result.GetValueOrDefault<object?>();
            if (value is not null) values[key] = (SettingsLoader.Text(value), option.Name);
        }
        if (!comparing && parsed.GetResult(hyperparameters.Optimizer) is { Implicit: false })
            values["Training:Optimizer"] = (OptimizerRegistry.Find(parsed.GetValue(hyperparameters.Optimizer)!)?.Name ?? parsed.GetValue(hyperparameters.Optimizer)!, hyperparameters.Optimizer.Name);
        return new CommandLineSettings(values.ToImmutable(), hyperparameters.ReadSettings(parsed)) { ForComparedOptimizers = comparing };
    }

    private static Option<string> Text(string name, string description, bool hidden = false) => new(name) { Description = description, Hidden = hidden };

    private static Option<long?> ByteCount(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string token = result.Tokens.Single().Value;
            if (long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value >= 1) return value;
            result.AddError($"{name}: '{token}' is not allowed; allowed: a number of bytes >= 1 (an integer)");
            return null;
        },
    };

    private static Option<string> NonEmpty(Option<string> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => t.Value.Trim().Length == 0)) result.AddError($"{option.Name}: '' is not allowed; allowed: a folder path");
        });
        return option;
    }

    private static Option<int?> Integer(string name, string description, int minimum, bool hidden = false, int maximum = int.MaxValue) => new(name)
    {
        Description = description,
        Hidden = hidden,
        CustomParser = result =>
        {
            string token = result.Tokens.Single().Value;
            if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= minimum && value <= maximum) return value;
            result.AddError($"{name}: '{token}' is not allowed; allowed: {(maximum == int.MaxValue ? $"an integer >= {minimum}" : $"an integer from {minimum} to {maximum}")}");
            return null;
        },
    };
}
