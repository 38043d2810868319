using AdaptiveLR.Cli.Problems;
using static TorchSharp.torch;

namespace AdaptiveLR.Cli.Training.Models;

/// <summary>The models <c>--model</c> names, built for a problem's data.</summary>
public static class ModelCatalog
{
    public const string Cnn = "cnn", Mlp = "mlp", LogisticRegression = "logreg", Quadratic = "quadratic";

    public static IReadOnlyList<string> Names { get; } = [Cnn, Mlp, LogisticRegression, Quadratic];

    /// <summary>A fresh model with weights from torch's global generator (seeded by the trainer).</summary>
    public static nn.Module<Tensor, Tensor> Create(string model, TrainingData data)
    {
        long classes = data.Problem == ProblemCatalog.TwoMoons ? Problems.TwoMoons.Classes : SeedCnn.Classes;
        return model switch
        {
            Cnn => new SeedCnn(),
            Mlp => new Models.Mlp(data.InputFeatures, HiddenWidths(data), classes),
            LogisticRegression => new Models.LogisticRegression(data.InputFeatures, classes),
            Quadratic => CreateQuadratic(),
            _ => throw new UsageException($"--model: unknown model '{model}'; allowed: {Cnn}, {Mlp}, {LogisticRegression}"),
        };
    }

    /// <summary>"seed-cnn", "mlp(784-256-128-10)", …: the model's identity in checkpoints, metrics and reports.</summary>
    public static string Describe(string model, TrainingData data)
    {
        long classes = data.Problem == ProblemCatalog.TwoMoons ? Problems.TwoMoons.Classes : SeedCnn.Classes;
        return model switch
        {
            Cnn => SeedCnn.Name,
            Mlp => $"mlp({string.Join('-', HiddenWidths(data).Prepend(data.InputFeatures).Append(classes))})",
            LogisticRegression => $"logreg({data.InputFeatures}-{classes})",
            _ => $"quadratic({NoisyQuadratic.Dimensions}-D)",
        };
    }

    private static long[] HiddenWidths(TrainingData data) => data.InputFeatures > 100 ? [256, 128] : [32, 32];

    private static QuadraticModel CreateQuadratic()
    {
        using var hessian = NoisyQuadratic.Hessian();
        return new QuadraticModel(hessian);
    }
}
