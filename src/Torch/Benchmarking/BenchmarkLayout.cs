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
    /// The shape of each tensor: for <see cref="Single"/> one vector; for <see cref="Model"/>, 25 weight
    /// matrices of uneven sizes (256 to 1024 columns, so Adafactor steps them factored) and 25 bias
    /// vectors holding about 1% of the parameters, like the layers of a network, adding up to
    /// <paramref name="total"/> elements.
    /// </summary>
    public static long[][] TensorShapes(string layout, long total)
    {
        if (layout == Single) return [[total]];
        if (total < MinimumModelParameters) throw new ArgumentOutOfRangeException(nameof(total), $"the model layout needs at least {MinimumModelParameters} parameters");
        long[] biases = [.. Enumerable.Range(1, 25).Select(i => Math.Max(1, total * i / 32_500))];
        long weightTotal = total - biases.Sum();
        int[] shares = [.. Enumerable.Range(0, 25).Select(i => 1 + i % 5)];
        long[][] weights = [.. shares.Select((share, i) => Matrix(weightTotal * share / shares.Sum(), 256L << (i % 3)))];
        // What the whole rows leave over goes to the last bias, so the total is exact.
        biases[^1] += weightTotal - weights.Sum(w => w[0] * w[1]);
        return [.. weights.Zip(biases).SelectMany(pair => new[] { pair.First, [pair.Second] })];
    }

    /// <summary>Element counts of <see cref="TensorShapes"/>.</summary>
    public static long[] TensorSizes(string layout, long total) =>
        [.. TensorShapes(layout, total).Select(shape => shape.Aggregate(1L, (product, size) => product * size))];

    private static long[] Matrix(long elements, long columns)
    {
        long width = Math.Clamp(columns, 1, Math.Max(1, elements));
        return [elements / width, width];
    }
}
