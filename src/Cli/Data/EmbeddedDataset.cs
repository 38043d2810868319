namespace AdaptiveLR.Cli.Data;

/// <summary>
/// The MNIST subset shipped with the tool (data/mnist-embedded, copied beside the executable by the
/// build and into the packed tool), so that <c>train</c> works offline on a fresh clone.
/// </summary>
public static class EmbeddedDataset
{
    public const string Description = "embedded MNIST subset";

    /// <summary>Beside the executable, not the working directory: the tool runs from anywhere.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "data", "mnist-embedded");
}
