using AdaptiveLR.Cli.Configuration;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>The layers of the configuration, their precedence and every way a configuration can be wrong.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    [Fact]
    public void AppSettingsJsonHoldsExactlyTheBuiltInDefaults()
    {
        var defaults = new AdaptiveLRSettings();
        var effective = SettingsLoader.Load(null, CommandLineSettings.None);
        foreach (var value in effective.Values)
        {
            string builtIn = SettingsLoader.Text(SettingSchema.Find(value.Key)!.Read(defaults));
            Assert.True(builtIn == value.Value, $"{value.Key}: appsettings.json has {value.Value}, the built-in default is {builtIn}");
        }
        Assert.Contains(effective.Values, v => v.Source == "appsettings.json");
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot(), "appsettings.json")), File.ReadAllText(SettingsLoader.AppSettingsPath));
    }

    [Fact]
    public void AConfigFileOverridesAppSettingsAndFlagsOverrideBoth()
    {
        string file = Json("over.json", """{ "Training": { "Seed": 3, "Epochs": 5 }, "Optimizers": { "adam": { "lr": 0.002 } } }""");
        var table = Config("--config", file, "--epochs", "2", "--beta1", "0.8");
        Assert.Equal(("3", $"--config {file}"), table["Training:Seed"]);
        Assert.Equal(("2", "--epochs"), table["Training:Epochs"]);
        Assert.Equal(("64", "appsettings.json"), table["Training:BatchSize"]);
        Assert.Equal(("0.002", $"--config {file}"), table["Optimizers:adam:lr"]);
        Assert.Equal(("0.8", "--beta1"), table["Optimizers:adam:beta1"]);
        Assert.Equal(("null", "default"), table["Data:LimitTrain"]);
    }

    [Fact]
    public void HyperparameterFlagsApplyToTheOptimizerTheConfigurationChooses()
    {
        string file = Json("sgd.json", """{ "Training": { "Optimizer": "sgd" } }""");
        var table = Config("--config", file, "--momentum", "0.9");
        Assert.Equal(("0.9", "--momentum"), table["Optimizers:sgd:momentum"]);
        Assert.Contains("--beta1 does not apply to sgd", CliRun.Of("config", "--config", file, "--beta1", "0.8").FailedWithUsageError());
    }

    [Fact]
    public void FlagsAreValidatedTogetherWithTheConfiguration()
    {
        string file = Json("momentum.json", """{ "Optimizers": { "sgd": { "momentum": 0.9 } } }""");
        var table = Config("--config", file, "--optimizer", "sgd", "--nesterov");
        Assert.Equal(("true", "--nesterov"), table["Optimizers:sgd:nesterov"]);
        Assert.Contains("--lr: 0 is out of range", CliRun.Of("config", "--lr", "0").FailedWithUsageError());
        Assert.Contains("nesterov", CliRun.Of("config", "--optimizer", "sgd", "--nesterov").FailedWithUsageError());
    }

    public static TheoryData<string, string> BadFiles() => new()
    {
        { "{\n  \"Training\": {\n    \"Epochs\": 3 \"Seed\": 1\n  }\n}", "line 3: malformed JSON" },
        { "{ \"Training\": { \"Epochs\": 3 }", "line 1: malformed JSON" },
        { "[1, 2]", "line 1: the top level must be a JSON object" },
        { """{ "Training": { "Epoch": 3 } }""", "Training:Epoch: unknown key; allowed in Training: Optimizer, Impl, Epochs, BatchSize, TestBatchSize, Seed" },
        { """{ "Trainig": { "Epochs": 3 } }""", "Trainig:Epochs: unknown key; allowed sections: Training, Data, Output, Compare, Schedule, Transforms, Optimizers" },
        { """{ "Optimizers": { "adam": { "momentum": 0.9 } } }""", "Optimizers:adam:momentum: unknown key; allowed in Optimizers:adam: lr, beta1, beta2, eps, weight_decay, amsgrad" },
        { """{ "Optimizers": { "adamax2": { "lr": 1 } } }""", "Optimizers:adamax2:lr: unknown key; allowed in Optimizers: sgd, adagrad, rmsprop, adam, adamw, amsgrad" },
        { """{ "Training": 5 }""", "Training: must be a section with keys" },
        { """{ "Training": { "Epochs": 0 } }""", "Training:Epochs: '0' is not allowed; allowed: an integer >= 1" },
        { """{ "Training": { "Epochs": "ten" } }""", "Training:Epochs: 'ten' is not allowed; allowed: an integer >= 1" },
        { """{ "Training": { "Threads": 0 } }""", "Training:Threads: '0' is not allowed; allowed: an integer from 1 to 256" },
        { """{ "Training": { "Threads": 1.5 } }""", "Training:Threads: '1.5' is not allowed; allowed: an integer from 1 to 256" },
        { """{ "Training": { "Threads": 257 } }""", "Training:Threads: '257' is not allowed; allowed: an integer from 1 to 256" },
        { """{ "Training": { "Impl": "fast" } }""", "Training:Impl: 'fast' is not allowed; allowed: ours, torch" },
        { """{ "Training": { "Optimizer": "adamax2" } }""", "Training:Optimizer: 'adamax2' is not allowed (did you mean 'adamax'?); allowed: sgd, adagrad, rmsprop, adam, adamw, amsgrad" },
        { """{ "Compare": { "Optimizers": "sgd,sgd" } }""", "Compare:Optimizers: 'sgd' appears twice in 'sgd,sgd'; allowed: a comma-separated list of sgd" },
        { """{ "Compare": { "Optimizers": "adam,foo" } }""", "Compare:Optimizers: unknown name 'foo' in 'adam,foo'; allowed: a comma-separated list of sgd" },
        { """{ "Optimizers": { "adam": { "beta1": 1 } } }""", "Optimizers:adam:beta1: 1 is out of range; allowed: a number in [0, 1)" },
        { """{ "Optimizers": { "rmsprop": { "centered": "yes" } } }""", "Optimizers:rmsprop:centered: 'yes' is not allowed; allowed: true or false" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void EveryBadConfigFileIsOneLineNamingTheFileAndTheProblem(string content, string expected)
    {
        string file = Json("bad.json", content);
        string line = CliRun.Of("config", "--config", file).FailedWithUsageError();
        Assert.StartsWith($"adaptivelr: {file}: ", line);
        Assert.Contains(expected, line);
        Assert.Contains(expected, CliRun.Of("train", "--config", file, "--out", folder["out"]).FailedWithUsageError());
    }

    [Fact]
    public void AMissingConfigFileIsAUsageError() =>
        Assert.Contains("--config: file", CliRun.Of("config", "--config", folder["absent.json"]).FailedWithUsageError());

    public void Dispose() => folder.Dispose();

    internal static Dictionary<string, (string Value, string Source)> Table(CliRun run) =>
        run.Succeeded().Output.Split('\n').Skip(2).Where(l => l.Length > 0)
            .Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[0], cells => (cells[1], cells[2]));

    private static Dictionary<string, (string Value, string Source)> Config(params string[] args) => Table(CliRun.Of(["config", .. args]));

    private string Json(string name, string content)
    {
        File.WriteAllText(folder[name], content);
        return folder[name];
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "AdaptiveLR.sln"))) directory = directory.Parent!;
        return directory.FullName;
    }
}

/// <summary>Environment variables sit between the configuration files and the flags.</summary>
[Collection(SerialCollection.Name)]
public sealed class EnvironmentVariableTests : IDisposable
{
    private readonly TemporaryFolder folder = new();
    private readonly List<string> variables = [];

    [Fact]
    public void AnEnvironmentVariableOverridesTheFilesButNotTheFlags()
    {
        Set("ADAPTIVELR__TRAINING__SEED", "11");
        Set("ADAPTIVELR__Optimizers__adam__lr", "0.003");
        string file = folder["config.json"];
        File.WriteAllText(file, """{ "Training": { "Seed": 3 }, "Optimizers": { "adam": { "lr": 0.002 } } }""");

        var table = ConfigurationTests.Table(CliRun.Of("config", "--config", file));
        Assert.Equal(("11", "env ADAPTIVELR__TRAINING__SEED"), table["Training:Seed"]);
        Assert.Equal(("0.003", "env ADAPTIVELR__Optimizers__adam__lr"), table["Optimizers:adam:lr"]);
        Assert.Equal(("5", "--seed"), ConfigurationTests.Table(CliRun.Of("config", "--config", file, "--seed", "5"))["Training:Seed"]);
    }

    [Fact]
    public void ABadEnvironmentVariableIsAUsageErrorNamingIt()
    {
        Set("ADAPTIVELR__TRAINING__EPOCS", "3");
        Assert.Contains("ADAPTIVELR__TRAINING__EPOCS: unknown key; allowed in Training:", CliRun.Of("config").FailedWithUsageError());
        Set("ADAPTIVELR__TRAINING__EPOCS", null);
        Set("ADAPTIVELR__TRAINING__EPOCHS", "-1");
        Assert.Contains("ADAPTIVELR__TRAINING__EPOCHS: '-1' is not allowed; allowed: an integer >= 1", CliRun.Of("config").FailedWithUsageError());
    }

    public void Dispose()
    {
        foreach (string variable in variables) Environment.SetEnvironmentVariable(variable, null);
        folder.Dispose();
    }

    private void Set(string name, string? value)
    {
        variables.Add(name);
        Environment.SetEnvironmentVariable(name, value);
    }
}
