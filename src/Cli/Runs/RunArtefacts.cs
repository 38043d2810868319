using System.Globalization;
using System.Text.RegularExpressions;
using AdaptiveLR.Cli.Compare;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Runs;

/// <summary>
/// The files a run writes into its folder: what makes a folder "hold a run", what <c>--overwrite</c>
/// removes (nothing else in the folder is touched), and the temporary files a killed write leaves.
/// </summary>
public static partial class RunArtefacts
{
    /// <summary>The sub-folder for TensorBoard event files when <c>--tensorboard</c> is given without a folder.</summary>
    public const string TensorBoardFolder = "tensorboard";

    public static IReadOnlyList<string> Files { get; } =
    [
        Checkpoint.FileName, MetricsFiles.CsvName, MetricsFiles.JsonName, TrainingPlots.CurvesName, TrainingPlots.EffectiveLearningRateName,
        SeededComparisonFiles.CsvName, SeededComparisonFiles.JsonName, ComparisonPlot.FileName,
    ];

    /// <summary>What the folder holds: "a train run (checkpoint after epoch 2)", "a compare run", or null when it holds no run.</summary>
    public static string? Describe(string folder)
    {
        var present = Files.Where(f => File.Exists(Path.Combine(folder, f)) || IsLink(Path.Combine(folder, f))).ToList();
        if (present.Count == 0 && !Directory.Exists(Path.Combine(folder, TensorBoardFolder))) return null;
        if (present.Contains(SeededComparisonFiles.CsvName) || present.Contains(ComparisonPlot.FileName)) return "a compare run";
        return present.Contains(Checkpoint.FileName) ? "a train run (checkpoint.bin)" : $"files of a run ({string.Join(", ", present.DefaultIfEmpty(TensorBoardFolder + "/"))})";
    }

    /// <summary>Removes every artefact of the run in <paramref name="folder"/> (and its TensorBoard sub-folder); other files stay.</summary>
    public static void Clear(string folder)
    {
        foreach (string file in Files) File.Delete(Path.Combine(folder, file));
        string tensorBoard = Path.Combine(folder, TensorBoardFolder);
        if (Directory.Exists(tensorBoard)) Directory.Delete(tensorBoard, recursive: true);
    }

    /// <summary>
    /// Deletes the temporary files (<c>.NAME.PID.tmp.EXT</c>) that a write interrupted by SIGKILL left
    /// behind, those of processes no longer alive; returns how many.
    /// </summary>
    public static int RemoveStaleTemporaries(string folder)
    {
        int removed = 0;
        foreach (string path in Directory.EnumerateFiles(folder, ".*.tmp*"))
        {
            var match = Temporary().Match(Path.GetFileName(path));
            if (!match.Success || RunLock.IsAlive(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))) continue;
            File.Delete(path);
            removed++;
        }
        return removed;
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    [GeneratedRegex(@"^\..+\.([0-9]{1,9})\.tmp(\.[^.]*)?$")]
    private static partial Regex Temporary();
}
