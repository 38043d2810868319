namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>How a benchmark's parameters are shaped: one flat tensor, or a model-like list of about 50 tensors.</summary>
public static class BenchmarkLayout
{
    /// <summary>One flat tensor.</summary>
    public const string Single = "single";

    /// <summary>About 50 tensors shaped like a small model's.</summary>
    public const string Model = "model";

    /// <summary>Every layout, as <c>bench --layout</c> accepts them.</summary>
    public static IReadOnlyList<string> All { get; } = [Single, Model];

    /// <summary>The smallest parameter count the model layout can split into its 50 tensors.</summary>
    public const long MinimumModelParameters = 1000;

    /// <summary>
    /// The element count of each tensor: for <see cref="Model"/>, 25 weight matrices of uneven sizes
    /// and 25 bias vectors holding 1% of the parameters, like the layers of a network, adding up to
    /// <paramref name="total"/>.
    /// </summary>
    public static long[] TensorSizes(string layout, long total)
    {
        if (layout == Single) return [total];
        if (total < MinimumModelParameters) throw new ArgumentOutOfRangeException(nameof(total), $"the model layout needs at least {MinimumModelParameters} parameters");
        long[] biases = [.. Enumerable.Range(1, 25).Select(i => Math.Max(1, total * i / 32_500))];
        long weightTotal = total - biases.Sum();
        int[] shares = [.. Enumerable.Range(0, 25).Select(i => 1 + i % 5)];
        long[] weights = [.. shares.Select(s => weightTotal * s / shares.Sum())];
        weights[^1] += weightTotal - weights.Sum();
        return [.. weights.Zip(biases).SelectMany(pair => new[] { pair.First, pair.Second })];
    }
}
