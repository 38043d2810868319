using System.Collections.Immutable;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Cli.Training.Models;

namespace AdaptiveLR.Cli.Problems;

/// <summary>
/// The problems <c>train</c>, <c>compare</c> and <c>lr-find</c> run (<c>--problem</c>), after
/// DeepOBS: MNIST-style IDX images (the embedded subset or <c>--data</c>, e.g. Fashion-MNIST) with
/// the seed's CNN, an MLP or logistic regression (<c>--model</c>); a noisy ill-conditioned
/// quadratic; a 2-D two-class problem.
/// </summary>
public static class ProblemCatalog
{
    public const string Images = "mnist", Quadratic = "noisy-quadratic", TwoMoons = "two-moons";

    public static ImmutableArray<string> Names { get; } = [Images, Quadratic, TwoMoons];

    /// <summary>The models that fit each problem, its default first.</summary>
    public static ImmutableArray<string> ModelsFor(string problem) => problem switch
    {
        Images => [ModelCatalog.Cnn, ModelCatalog.Mlp, ModelCatalog.LogisticRegression],
        TwoMoons => [ModelCatalog.Mlp, ModelCatalog.LogisticRegression],
        _ => [ModelCatalog.Quadratic],
    };

    /// <summary>The model <paramref name="training"/> asks for (null: the problem's default), or a usage error naming the models that fit.</summary>
    public static string ModelOf(TrainingSettings training)
    {
        var allowed = ModelsFor(training.Problem);
        if (training.Model is null) return allowed[0];
        return allowed.Contains(training.Model)
            ? training.Model
            : throw new UsageException($"--model: '{training.Model}' does not fit --problem {training.Problem}; allowed: {string.Join(", ", allowed)}");
    }

    /// <summary>The problem's data; for IDX images the folder of <paramref name="data"/> (the embedded subset when null).</summary>
    public static TrainingData Load(string problem, DataSettings data)
    {
        if (problem != Images && data.Folder is not null)
            throw new UsageException($"--data: --problem {problem} is synthetic and reads no data folder; allowed: --data with --problem {Images}");
        var loaded = problem switch
        {
            Images => TrainingData.Load(data.Folder, data.LimitTrain, data.LimitTest, data.MaxBytes),
            Quadratic => NoisyQuadratic.Load(),
            _ => Problems.TwoMoons.Load(),
        };
        if (problem == Images || (data.LimitTrain is null && data.LimitTest is null)) return loaded;
        using (loaded) return Limited(loaded, data.LimitTrain, data.LimitTest);
    }

    private static TrainingData Limited(TrainingData data, int? limitTrain, int? limitTest)
    {
        long[] First(int count, int? limit) => [.. Enumerable.Range(0, Math.Min(count, limit ?? count)).Select(i => (long)i)];
        return new TrainingData(data.Description, data.Train.Subset(First(data.Train.Count, limitTrain)), data.Test.Subset(First(data.Test.Count, limitTest)), data.LoadTime, data.Objective, data.Problem);
    }
}
