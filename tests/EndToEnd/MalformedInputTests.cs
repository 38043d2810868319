using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// Every command fed malformed input — bad numbers, NaN and Infinity, huge values, empty strings,
/// unknown and conflicting flags, bad JSON configuration, random bytes as IDX files and as
/// checkpoints — answers with exit code 2, one line on stderr and no stack trace.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class MalformedInputTests : IDisposable
{
    private readonly TemporaryFolder Files = new();

    // '|' stands for an empty argument.
    public static TheoryData<string> Corpus() =>
    [
        "", "nosuchcommand", "--unknown", "|",
        "step --lr abc", "step --lr NaN", "step --lr -Infinity", "step --lr 1e999", "step --lr |", "step --steps 99999999999", "step --steps NaN",
        "step --optimizer |", "step --x0 NaN", "step --grads 1,Infinity", "step --grads 1e400", "step --function |", "step --unknown 1",
        "step --optimizer sgd --beta1 0.9", "step --optimizer adam --optimizers sgd", "step --format |",
        "train --epochs NaN", "train --epochs 1e10", "train --epochs 99999999999", "train --batch-size |", "train --seed -1", "train --lr Infinity",
        "train --lr -1e308", "train --optimizer |", "train --schedule |", "train --clip-grad-norm NaN", "train --clip-grad-value 1e999",
        "train --accumulate 99999999999", "train --lookahead |", "train --lookahead-alpha NaN", "train --masked-weight-decay Infinity",
        "train --nonfinite |", "train --impl torch --accumulate 4", "train --impl torch --masked-weight-decay 0.1", "train --optimizer sgd --beta2 0.9",
        "train --unknown", "train --out |", "train --max-data-bytes 0", "train --max-data-bytes -1", "train --max-data-bytes 1e9", "train --max-data-bytes |", "config --max-data-bytes 99999999999999999999", "train --data /dev/null", "train --lr", "train --epochs",
        "compare --optimizers ,", "compare --optimizers |", "compare --epochs -1", "compare --clip-grad-value 0", "compare --patience 1.5",
        "config --epochs 1e3", "config --seed NaN", "config --gamma NaN", "config --step-size -1", "config --schedule nope", "config --unknown",
        "bench --sizes 0", "bench --sizes NaN", "bench --sizes 1e99", "bench --sizes |", "bench --repeats 0", "bench --repeats NaN", "bench --layout sideways",
        "bench --optimizers nope", "bench --format csv", "bench --sizes 99999999999999999999M",
        "optimizers nope", "optimizers |", "optimizers --format xml", "optimizers adam sgd",
        "schedule --name cosine --steps NaN", "schedule --name cosine --lr Infinity", "schedule --name |", "schedule --name plateau --metrics NaN",
        "schedule --name exponential --gamma 1e400", "schedule --name step --step-size 1e300", "schedule --name cosine --steps 0", "schedule --name cosine --unknown",
        // Numbers that overflow: each a usage error before any work.
        "trian", "train --optimzer adam", "step --steps 2147483647", "schedule --name cosine --steps 2147483647", "bench --repeats 2147483647",
        "step --plot |", "schedule --name cosine --plot |", "train --epochs 1 --batch-size 2147483647", "compare --epochs 1 --batch-size 2147483647",
        "train --impl torch --lr 1e38", "compare --impl torch --optimizers adam --lr 1e38", "train --lr 3.5e38", "train --optimizer sgd --momentum 1e-300",
        "train --schedule step --step-size 1 --gamma 1e8", "train --schedule exponential --gamma 1.1", "compare --optimizers adam,foo",
    ];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void MalformedArguments(string arguments) => CliRun.Of(Split(arguments)).FailedWithUsageError();

    public static TheoryData<string, string> BadConfigurations() => new()
    {
        { "empty", "" },
        { "array", "[1, 2]" },
        { "truncated", "{ \"Training\": { \"Epochs\": 3 " },
        { "nan", "{ \"Training\": { \"Epochs\": NaN } }" },
        { "string-number", "{ \"Optimizers\": { \"adam\": { \"lr\": \"Infinity\" } } }" },
        { "huge", "{ \"Optimizers\": { \"adam\": { \"lr\": 1e999 } } }" },
        { "schedule", "{ \"Schedule\": { \"Name\": \"step\", \"StepSize\": \"ten\" } }" },
        { "transform", "{ \"Transforms\": { \"Accumulate\": 0 } }" },
        { "unknown", "{ \"Transforms\": { \"Clip\": 1 } }" },
        { "nested", "{ \"Schedule\": \"cosine\" }" },
        { "binary", "\u0000\u0001\u0002garbage\u00ff" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public void BadJsonConfiguration(string name, string content)
    {
        string path = Files[$"{name}.json"];
        File.WriteAllText(path, content);
        foreach (string command in new[] { "config", "train", "compare" })
            Assert.Contains(path, CliRun.Of(command, "--config", path, "--out", Files["never"]).FailedWithUsageError());
    }

    [Fact]
    public void AConfigurationFileLargerThanAnyConfigurationIsRefusedWithoutReadingIt()
    {
        string path = Files["huge.json"];
        using (var file = File.Create(path))
        {
            file.Write("{"u8);
            file.Write(new byte[Cli.Configuration.SettingsLoader.MaxFileBytes]);
        }
        Assert.Contains("larger than 1048576 bytes", CliRun.Of("config", "--config", path).FailedWithUsageError());
    }

    [Fact]
    public void DataSizeLimitFromTheConfigurationIsValidated()
    {
        string path = Files["limit.json"];
        File.WriteAllText(path, "{ \"Data\": { \"MaxBytes\": -5 } }");
        Assert.Contains("Data:MaxBytes: '-5' is not allowed; allowed: a number of bytes >= 1", CliRun.Of("config", "--config", path).FailedWithUsageError());
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(16, false)]
    [InlineData(5000, false)]
    [InlineData(5000, true)]
    public void RandomBytesAsIdxFiles(int length, bool gzipped)
    {
        string data = Path.Combine(Files.Path, $"idx-{length}-{gzipped}");
        Directory.CreateDirectory(data);
        var random = new Random(length);
        foreach (string name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            byte[] bytes = new byte[length];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(data, gzipped ? name + ".gz" : name), bytes);
        }
        foreach (string command in new[] { "train", "compare" })
            CliRun.Of(command, "--data", data, "--epochs", "1", "--out", Files["never"]).FailedWithUsageError();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(100_000)]
    public void RandomBytesAsCheckpoints(int length)
    {
        string run = Path.Combine(Files.Path, $"checkpoint-{length}");
        Directory.CreateDirectory(run);
        var random = new Random(length);
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(run, "checkpoint.bin"), bytes);
        string line = CliRun.Of("train", "--resume", "--out", run, "--limit-train", "64", "--limit-test", "64", "--epochs", "1").FailedWithUsageError();
        Assert.Contains("is not a checkpoint of this run", line);

        // Random bytes after a valid beginning: the checksum refuses them.
        byte[] prefixed = [.. "\u0015adaptivelr-checkpoint"u8, 2, 0, 0, 0, .. bytes];
        File.WriteAllBytes(Path.Combine(run, "checkpoint.bin"), prefixed);
        Assert.Contains("checksum", CliRun.Of("train", "--resume", "--out", run, "--limit-train", "64", "--limit-test", "64", "--epochs", "1").FailedWithUsageError());
    }

    public void Dispose() => Files.Dispose();

    private static string[] Split(string arguments) =>
        arguments.Length == 0 ? [] : [.. arguments.Split(' ').Select(a => a == "|" ? "" : a)];
}
