using System.Globalization;
using AdaptiveLR.Cli.Problems;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>The models and synthetic problems: each learns, each is deterministic for a seed, and wrong combinations are usage errors.</summary>
[Collection(SerialCollection.Name)]
public sealed class ProblemTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    [Theory]
    [InlineData("--problem two-moons", 0.85)]
    [InlineData("--problem two-moons --model logreg", 0.7)]
    [InlineData("--model mlp --limit-train 1024 --limit-test 200", 0.7)]
    [InlineData("--model logreg --limit-train 1024 --limit-test 200", 0.7)]
    public void ClassifiersLearnAndAreDeterministicForASeed(string arguments, double minimumAccuracy)
    {
        string[] args = ["--optimizer", "adam", "--lr", "0.01", "--epochs", "3", .. arguments.Split(' ')];
        CliRun.Of(["train", "--out", folder["a"], .. args]).Succeeded();
        CliRun.Of(["train", "--out", folder["b"], .. args]).Succeeded();
        var a = Metrics(folder["a"]);
        Assert.Equal(a, Metrics(folder["b"]));
        Assert.True(a[^1].Accuracy >= minimumAccuracy, $"accuracy {a[^1].Accuracy}");
        Assert.True(a[^1].TrainLoss < a[0].TrainLoss, $"train loss {a[0].TrainLoss} -> {a[^1].TrainLoss}");
    }

    /// <summary>The noisy quadratic: the loss falls towards its floor ½ tr H (the noise), never below; other seeds start elsewhere.</summary>
    [Fact]
    public void NoisyQuadraticDescendsTowardsItsNoiseFloor()
    {
        string[] args = ["train", "--problem", "noisy-quadratic", "--optimizer", "sgd", "--lr", "0.01", "--epochs", "4"];
        var run = CliRun.Of([.. args, "--out", folder["q1"]]).Succeeded();
        Assert.Contains("quadratic(100-D) on noisy quadratic", run.Output);
        Assert.Contains("—", run.Output);
        var one = Metrics(folder["q1"]);
        Assert.True(one[^1].TestLoss < one[0].TestLoss, $"{one[0].TestLoss} -> {one[^1].TestLoss}");
        using var hessian = NoisyQuadratic.Hessian();
        double floor = 0.5 * hessian.trace().item<float>();
        // The test loss of θ is ½(θ−x̄)ᵀH(θ−x̄)-like plus ½ tr(H Σ̂): about the floor at best.
        Assert.True(one[^1].TestLoss > 0.8 * floor, $"{one[^1].TestLoss} vs floor {floor}");
        Assert.True(double.IsNaN(one[0].Accuracy));

        CliRun.Of([.. args, "--seed", "2", "--out", folder["q2"]]).Succeeded();
        Assert.NotEqual(one[0].TrainLoss, Metrics(folder["q2"])[0].TrainLoss);
    }

    [Fact]
    public void HessianIsSymmetricWithTheDocumentedSpectrum()
    {
        using var hessian = NoisyQuadratic.Hessian();
        using var asymmetry = (hessian - hessian.t()).abs().max();
        Assert.True(asymmetry.item<float>() < 1e-4f);
        using var eigenvalues = TorchSharp.torch.linalg.eigvalsh(hessian.to(TorchSharp.torch.float64));
        double[] sorted = [.. eigenvalues.data<double>().ToArray().Order()];
        Assert.All(sorted[..90], v => Assert.InRange(v, -1e-6, 1 + 1e-6));
        Assert.All(sorted[90..], v => Assert.InRange(v, 30 - 1e-4, 60 + 1e-4));
    }

    [Theory]
    [InlineData("--problem two-moons --model cnn", "--model: 'cnn' does not fit --problem two-moons; allowed: mlp, logreg")]
    [InlineData("--problem noisy-quadratic --model mlp", "--model: 'mlp' does not fit --problem noisy-quadratic; allowed: quadratic")]
    [InlineData("--model quadratic", "--model: 'quadratic' does not fit --problem mnist")]
    [InlineData("--model resnet", "resnet")]
    [InlineData("--problem two-moons --data /tmp", "--data: --problem two-moons is synthetic")]
    public void WrongCombinationsAreOneLineAndExitTwo(string arguments, string expected)
    {
        string line = CliRun.Of(["train", "--out", folder["bad"], .. arguments.Split(' ')]).FailedWithUsageError();
        Assert.Contains(expected, line);
    }

    private static List<(double TrainLoss, double TestLoss, double Accuracy)> Metrics(string run) =>
        [.. File.ReadAllLines(Path.Combine(run, "metrics.csv")).Skip(1).Select(line => line.Split(',')).Select(f =>
            (Parse(f[1]), Parse(f[2]), Parse(f[3])))];

    private static double Parse(string text) => text.Length == 0 ? double.NaN : double.Parse(text, CultureInfo.InvariantCulture);

    public void Dispose() => folder.Dispose();
}
