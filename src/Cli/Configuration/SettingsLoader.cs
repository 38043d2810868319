using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using AdaptiveLR.Cli.Input;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>
/// Builds the configuration in order of precedence — built-in defaults &lt; appsettings.json (beside
/// the executable) &lt; <c>--config FILE</c> &lt; <c>ADAPTIVELR__</c> environment variables &lt;
/// command-line flags — checks every key and value of every layer, and binds the result to
/// <see cref="AdaptiveLRSettings"/>. Every problem is a <see cref="UsageException"/> naming the file
/// (and line) or variable or flag, the key, and what is allowed.
/// </summary>
public static class SettingsLoader
{
    public const string EnvironmentPrefix = "ADAPTIVELR__";
    public const string AppSettingsFileName = "appsettings.json";

    /// <summary>A configuration is a few kilobytes; anything past this is not one (and a device such as /dev/zero never ends).</summary>
    public const int MaxFileBytes = 1 << 20;

    public static string AppSettingsPath => Path.Combine(AppContext.BaseDirectory, AppSettingsFileName);

    public static EffectiveSettings Load(string? configFile, CommandLineSettings commandLine)
    {
        var layers = new List<ConfigurationLayer>();
        if (File.Exists(AppSettingsPath)) layers.Add(JsonLayer(AppSettingsPath, AppSettingsFileName));
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new UsageException($"--config: file '{configFile}' not found; allowed: a JSON file like appsettings.json");
            layers.Add(JsonLayer(configFile, $"--config {configFile}"));
        }
        layers.Add(EnvironmentLayer());
        foreach (var layer in layers) CheckKeysAndValues(layer);

        string optimizer = commandLine.Values.TryGetValue("Training:Optimizer", out var flag) ? flag.Value : Effective(layers, "Training:Optimizer") ?? new TrainingSettings().Optimizer;
        IReadOnlyList<string> targets = commandLine.ForComparedOptimizers ? ComparedOptimizers(commandLine, layers) : [optimizer];
        foreach (string target in targets) CheckFlagsApply(target, commandLine.Hyperparameters);
        var commandLineLayer = CommandLineLayer(commandLine, targets);
        CheckKeysAndValues(commandLineLayer);
        layers.Add(commandLineLayer);

        var root = new ConfigurationRoot([.. layers.Select(l => l.Provider)]);
        var settings = new AdaptiveLRSettings
        {
            Training = root.GetSection("Training").Get<TrainingSettings>() ?? new(),
            Data = root.GetSection("Data").Get<DataSettings>() ?? new(),
            Output = root.GetSection("Output").Get<OutputSettings>() ?? new(),
            Compare = root.GetSection("Compare").Get<CompareSettings>() ?? new(),
            Schedule = root.GetSection("Schedule").Get<ScheduleSettings>() ?? new(),
            Transforms = root.GetSection("Transforms").Get<TransformSettings>() ?? new(),
            Optimizers = OptimizerRegistry.All.ToImmutableDictionary(d => d.Name, d => Hyperparameters(d, layers)),
        };
        settings = settings with { Training = settings.Training with { Model = NullIfEmpty(settings.Training.Model) }, Data = settings.Data with { Folder = NullIfEmpty(settings.Data.Folder) }, Output = settings.Output with { Folder = NullIfEmpty(settings.Output.Folder), TensorBoard = NullIfEmpty(settings.Output.TensorBoard) } };
        CheckScheduleAndTransforms(settings, layers);
        var values = SettingSchema.Keys.Select(key => new SettingValue(key.Path, Text(key.Read(settings)), SourceOf(layers, key.Path))).ToImmutableArray();
        return new EffectiveSettings(settings, values);
    }

    private static Hyperparameters Hyperparameters(OptimizerDefinition definition, IReadOnlyList<ConfigurationLayer> layers)
    {
        string Key(string name) => SettingSchema.HyperparameterKey(definition.Name, name);
        var given = definition.Settings.Select(name => (name, Text: Effective(layers, Key(name)))).Where(v => !string.IsNullOrEmpty(v.Text));
        var hyperparameters = definition.Configure(HyperparameterFields.From(given.Select(v => (v.name, v.Text!))));
        var errors = hyperparameters.Validate().Concat(Float32Problems(hyperparameters)).ToList();
        if (errors.Count == 0) return hyperparameters;
        string key = Key(errors[0].Parameter);
        var layer = layers.LastOrDefault(l => l.ValueOf(key) is not null);
        throw new UsageException($"{(layer is null ? key : layer.Where(key))}: {errors[0].Problem}");
    }

    /// <summary>
    /// The model trains in float32, so every hyperparameter <c>train</c> and <c>compare</c> use must be
    /// a float32 number (lr = 1e39 would become ∞, eps = 1e-50 would become 0); <c>step</c> runs in double.
    /// </summary>
    private static IEnumerable<ValidationError> Float32Problems(Hyperparameters hyperparameters) =>
        Output.HyperparameterText.Values(hyperparameters)
            .Where(v => v.Value is double d && d != 0 && (Math.Abs(d) < float.Epsilon || Math.Abs(d) > float.MaxValue))
            .Select(v => new ValidationError(v.Name, $"{Output.NumberText.Exact((double)v.Value!)} is not a float32 number (the model's type); allowed: 0 or a magnitude from {Output.NumberText.Short(float.Epsilon)} to {Output.NumberText.Short(float.MaxValue)}"));

    /// <summary>
    /// The schedule's parameters and the transformations' values, checked as their records check
    /// them; the message names the layer that set the value. (A schedule's length depends on the
    /// data, so a warm-up longer than the run is found when training starts.)
    /// </summary>
    private static void CheckScheduleAndTransforms(AdaptiveLRSettings settings, IReadOnlyList<ConfigurationLayer> layers)
    {
        string Where(string key) => layers.LastOrDefault(l => l.ValueOf(key) is not null)?.Where(key) ?? key;
        var (_, scheduleError) = ScheduleOptions.Create(settings.Schedule, settings.ChosenOptimizer.Lr, long.MaxValue / 4);
        if (scheduleError is not null)
        {
            string key = "Schedule:" + Pascal(scheduleError.Parameter);
            string where = layers.Any(l => l.ValueOf(key) is not null) ? Where(key) : $"{SettingSchema.Find(key)?.Flag} ({key})";
            throw new UsageException(ScheduleOptions.Message(scheduleError, where, $"schedule {settings.Schedule.Name} ({Where("Schedule:Name")})"));
        }
        var transforms = settings.Transforms;
        var errors = transforms.Build().SelectMany(t => t.Validate()).Concat(new Pure.Transforms.Lookahead(1, transforms.LookaheadAlpha).Validate());
        if (errors.FirstOrDefault() is { } error)
        {
            string key = "Transforms:" + (error.Parameter.EndsWith("weight_decay", StringComparison.Ordinal) ? "MaskedWeightDecay" : Pascal(error.Parameter));
            throw new UsageException($"{Where(key)}: {error.Problem}");
        }
    }

    /// <summary><c>step_size</c> → <c>StepSize</c>: a parameter's key in its section.</summary>
    private static string Pascal(string torchName) =>
        string.Concat(torchName.Split('_').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));

    /// <summary>
    /// Hyperparameter flags must belong to the chosen optimizer (messages as in <c>step</c>); their
    /// values are validated with the rest of the configuration, so that <c>--nesterov</c> may rely on a
    /// momentum from a configuration file.
    /// </summary>
    private static void CheckFlagsApply(string optimizer, HyperparameterSettings flags)
    {
        var definition = OptimizerRegistry.Find(optimizer)
            ?? throw new UsageException($"--optimizer: unknown optimizer '{optimizer}'{Messages.NearestNames.Hint(optimizer, OptimizerRegistry.Names)}; allowed: {string.Join(", ", OptimizerRegistry.Names)}");
        foreach (string given in flags.GivenNames())
        {
            if (!definition.Settings.Contains(given))
                throw new UsageException($"{HyperparameterOptions.FlagName(given)} does not apply to {definition.Name}; its options: {string.Join(", ", definition.Settings.Select(HyperparameterOptions.FlagName))}");
        }
    }

    private static void CheckKeysAndValues(ConfigurationLayer layer)
    {
        foreach (string key in layer.LeafKeys())
        {
            var known = SettingSchema.Find(key);
            if (known is null)
            {
                string? section = SettingSchema.Keys.FirstOrDefault(k => k.Path.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))?.Path;
                throw new UsageException(section is null
                    ? $"{layer.Where(key)}: unknown key; {SettingSchema.AllowedNear(key)}"
                    : $"{layer.Where(key)}: must be a section with keys; {SettingSchema.AllowedNear(section)}");
            }
            string value = layer.ValueOf(key) ?? "";
            if (!known.Kind.Accepts(value))
                throw new UsageException($"{layer.Where(key)}: {known.Kind.Problem(value) ?? $"'{value}' is not allowed"}; allowed: {known.Kind.Allowed}");
        }
    }

    private static ConfigurationLayer JsonLayer(string path, string source)
    {
        string fullPath = Path.GetFullPath(path);
        if (RegularFile.Problem(fullPath) is { } problem) throw new UsageException($"{fullPath}: {problem}");
        byte[] content;
        try
        {
            content = RegularFile.ReadAtMost(fullPath, MaxFileBytes)
                ?? throw new UsageException($"{fullPath}: larger than {MaxFileBytes} bytes; a configuration file is a JSON object of a few kilobytes");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{fullPath}: cannot read the file ({e.Message})");
        }
        try
        {
            using var document = JsonDocument.Parse(WithoutByteOrderMark(content), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new UsageException($"{fullPath}: line 1: the top level must be a JSON object such as {{\"Training\": {{\"Epochs\": 10}}}}");
        }
        catch (JsonException e)
        {
            string reason = e.Message.Split(" LineNumber:")[0].Split(" Path:")[0].TrimEnd('.');
            throw new UsageException($"{fullPath}: line {(e.LineNumber ?? 0) + 1}: malformed JSON: {reason}");
        }

        // From the bytes already read and checked: the file is not opened a second time.
        var provider = new JsonBytesProvider(content);
        try
        {
            provider.Load();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or JsonException)
        {
            throw new UsageException($"{fullPath}: {(e.InnerException ?? e).Message.ReplaceLineEndings(" ")}");
        }
        return new ConfigurationLayer(provider, _ => source, key => $"{fullPath}: {ProperKey(key)}");
    }

    /// <summary>Editors on Windows save UTF-8 with a byte order mark; the configuration provider reads past it, so the check must too.</summary>
    private static ReadOnlyMemory<byte> WithoutByteOrderMark(byte[] bytes) =>
        bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsMemory(3) : bytes;

    /// <summary>JSON configuration from bytes in memory; <see cref="ConfigurationRoot"/> loads it again, from the same bytes.</summary>
    private sealed class JsonBytesProvider(byte[] content) : JsonConfigurationProvider(new JsonConfigurationSource { Optional = true })
    {
        public override void Load() => Load(new MemoryStream(content, writable: false));
    }

    private static ConfigurationLayer EnvironmentLayer()
    {
        var provider = new EnvironmentVariablesConfigurationProvider(EnvironmentPrefix);
        provider.Load();
        string Variable(string key) => EnvironmentPrefix + key.Replace(":", "__");
        return new ConfigurationLayer(provider, key => "env " + Variable(Spelling(provider, key)), key => Variable(Spelling(provider, key)));
    }

    /// <summary>The known names of the list <c>compare</c> trains (an unknown one is reported with the list's other checks).</summary>
    private static IReadOnlyList<string> ComparedOptimizers(CommandLineSettings commandLine, IReadOnlyList<ConfigurationLayer> layers)
    {
        string list = commandLine.Values.TryGetValue("Compare:Optimizers", out var flag) ? flag.Value : Effective(layers, "Compare:Optimizers") ?? new CompareSettings().Optimizers;
        return [.. new CompareSettings { Optimizers = list }.OptimizerNames.Where(name => OptimizerRegistry.Find(name) is not null).Distinct()];
    }

    private static ConfigurationLayer CommandLineLayer(CommandLineSettings commandLine, IReadOnlyList<string> optimizers)
    {
        var values = commandLine.Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
        var hyperparameters = commandLine.Hyperparameters;
        foreach (string name in hyperparameters.GivenNames())
        {
            foreach (string optimizer in optimizers)
                values[SettingSchema.HyperparameterKey(optimizer, name)] = (Text(HyperparameterFields.Get(hyperparameters, name)), HyperparameterOptions.FlagName(name));
        }
        var provider = new MemoryConfigurationProvider(new MemoryConfigurationSource { InitialData = values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value.Value)) });
        return new ConfigurationLayer(provider, key => values[key].Flag, key => values[key].Flag);
    }

    private static string? Effective(IEnumerable<ConfigurationLayer> layers, string key) =>
        layers.Reverse().Select(l => l.ValueOf(key)).FirstOrDefault(v => v is not null);

    private static string SourceOf(IEnumerable<ConfigurationLayer> layers, string key) =>
        layers.LastOrDefault(l => l.ValueOf(key) is not null)?.SourceOf(key) ?? "default";

    /// <summary>The key as the provider spells it (environment variables keep the user's case).</summary>
    private static string Spelling(IConfigurationProvider provider, string key) =>
        new ConfigurationLayer(provider, _ => "", _ => "").LeafKeys().FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) ?? key;

    private static string ProperKey(string key) => SettingSchema.Find(key)?.Path ?? key;

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    public static string Text(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e"),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
