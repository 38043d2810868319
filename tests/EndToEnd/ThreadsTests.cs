using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.EndToEnd;

/// <summary><c>--threads</c> and <c>Training:Threads</c> set LibTorch's thread budget for the run.</summary>
[Collection(SerialCollection.Name)]
public sealed class ThreadsTests : IDisposable
{
    private readonly TemporaryFolder folder = new();
    private readonly int before = get_num_threads();

    [Theory]
    [InlineData("train", 1)]
    [InlineData("train", 2)]
    [InlineData("compare", 3)]
    public void TheFlagSetsLibTorchsIntraOpThreads(string command, int threads)
    {
        set_num_threads(threads == 1 ? 2 : 1);
        string[] optimizers = command == "compare" ? ["--optimizers", "sgd"] : [];
        CliRun.Of([command, .. optimizers, "--threads", $"{threads}", "--epochs", "1", "--limit-train", "64", "--limit-test", "64", "--out", folder[command]]).Succeeded();
        Assert.Equal(threads, get_num_threads());
    }

    [Fact]
    public void TheConfigurationKeySetsThemToo()
    {
        set_num_threads(2);
        string config = folder["threads.json"];
        File.WriteAllText(config, """{ "Training": { "Threads": 1 } }""");
        CliRun.Of("train", "--config", config, "--epochs", "1", "--limit-train", "64", "--limit-test", "64", "--out", folder["config"]).Succeeded();
        Assert.Equal(1, get_num_threads());
    }

    public void Dispose()
    {
        set_num_threads(before);
        folder.Dispose();
    }
}
