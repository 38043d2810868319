using AdaptiveLR.Cli.Training;
using static TorchSharp.torch;

namespace AdaptiveLR.Cli.Problems;

/// <summary>
/// DeepOBS's quadratic_deep (Schneider et al. 2019): f(θ) = E_x ½ (θ − x)ᵀ H (θ − x) in 100
/// dimensions, x ~ N(0, I) the gradient noise. H = Qᵀ diag(λ) Q with a random rotation Q and an
/// ill-conditioned spectrum: 90 eigenvalues uniform in [0, 1], 10 in [30, 60]. The minimum is at θ = E x = 0;
/// its expected loss is ½ tr H. H and the samples are fixed (data seeds of their own); the run's
/// seed draws θ₀ and the batch order.
/// </summary>
public static class NoisyQuadratic
{
    public const int Dimensions = 100, TrainExamples = 1000, TestExamples = 1000;
    private const int LargeEigenvalues = 10, HessianSeed = 42, TrainSeed = 43, TestSeed = 44;

    public static string Description => $"noisy quadratic ({Dimensions}-D, eigenvalues in [0, 1] and [30, 60], x ~ N(0, I))";

    public static TrainingData Load()
    {
        var train = Samples(TrainExamples, TrainSeed);
        var test = Samples(TestExamples, TestSeed);
        return new TrainingData(Description, train, test, TimeSpan.Zero, Objective.MeanOutput, ProblemCatalog.Quadratic);
    }

    /// <summary>The fixed Hessian, [100, 100] float32.</summary>
    public static Tensor Hessian()
    {
        var random = new SyntheticRandom(HessianSeed);
        double[] eigenvalues = [.. Enumerable.Range(0, Dimensions).Select(i => i < Dimensions - LargeEigenvalues ? random.Uniform(0, 1) : random.Uniform(30, 60))];
        using var scope = NewDisposeScope();
        using var gaussian = tensor(random.Normals(Dimensions * Dimensions), [Dimensions, Dimensions], float64);
        var (rotation, _) = linalg.qr(gaussian);
        var hessian = rotation.t().matmul(diag(tensor(eigenvalues, float64))).matmul(rotation);
        return hessian.add(hessian.t()).mul(0.5).to(float32).MoveToOuterDisposeScope();
    }

    private static TensorExamples Samples(int count, int seed)
    {
        var random = new SyntheticRandom(seed);
        return new TensorExamples(tensor(random.Normals(count * Dimensions), [count, Dimensions]), zeros(count, dtype: int64));
    }
}
