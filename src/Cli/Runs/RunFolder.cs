using System.Globalization;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Runs;

/// <summary>
/// The folder one run writes into, locked for as long as the run lasts. By default every run gets a
/// new folder under <c>runs/</c> named after the command, the optimizer and the start time
/// (<c>runs/train-adam-20261126-140312</c>, then <c>-2</c>, <c>-3</c>, … when two start in the same
/// second); an explicit <c>--out</c> that already holds a run is refused unless <c>--overwrite</c>, and
/// <c>--resume</c> continues the run in a given folder or the latest one under <c>runs/</c>.
/// </summary>
public sealed class RunFolder : IDisposable
{
    public const string Root = "runs";

    private readonly RunLock runLock;
    private readonly bool createdHere;

    private RunFolder(string path, RunLock runLock, bool createdHere)
    {
        FullPath = path;
        this.runLock = runLock;
        this.createdHere = createdHere;
    }

    public string FullPath { get; }

    /// <summary>The folder as people type it from here: relative to the current folder, as every path the tool prints.</summary>
    public string Shown => Path.GetRelativePath(Environment.CurrentDirectory, FullPath);

    public string this[string file] => Path.Combine(FullPath, file);

    /// <summary>A folder for a new run: <paramref name="explicitFolder"/> (<c>--out</c>) or a new one under <c>runs/</c>.</summary>
    public static RunFolder ForNewRun(string? explicitFolder, bool overwrite, string command, string label)
    {
        if (explicitFolder is null) return Claim(command, label);
        string full = OutputFolder.Prepare(explicitFolder, "--out");
        var taken = TakeOrRefuse(full, command, "--out", explicitFolder);
        try
        {
            if (RunArtefacts.Describe(full) is { } run)
            {
                if (!overwrite)
                    throw new UsageException($"--out: '{explicitFolder}' already holds {run}; continue it with --resume, choose another --out (without --out every run gets a new folder under {Root}/), or replace it with --overwrite");
                RunArtefacts.Clear(full);
            }
            RunArtefacts.RemoveStaleTemporaries(full);
            return new RunFolder(full, taken, createdHere: false);
        }
        catch
        {
            taken.Dispose();
            throw;
        }
    }

    /// <summary>The run in <paramref name="folder"/> (a run folder or its checkpoint file), to continue.</summary>
    public static RunFolder ForResume(string folder, string option, string command)
    {
        string full = Path.GetFullPath(folder);
        if (Path.GetFileName(full) == Checkpoint.FileName && !Directory.Exists(full)) full = Path.GetDirectoryName(full)!;
        if (!File.Exists(Path.Combine(full, Checkpoint.FileName)) && new FileInfo(Path.Combine(full, Checkpoint.FileName)).LinkTarget is null)
            throw new UsageException($"{option}: no checkpoint at '{Path.Combine(folder, Checkpoint.FileName)}'; train without --resume first, or give a run folder that holds {Checkpoint.FileName}");
        var taken = TakeOrRefuse(full, command, option, folder);
        try
        {
            RunArtefacts.RemoveStaleTemporaries(full);
            return new RunFolder(full, taken, createdHere: false);
        }
        catch
        {
            taken.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The newest run under <c>runs/</c> (by its checkpoint's time) that <paramref name="mismatch"/>
    /// accepts (returns null for); a usage error naming the newest run and why when none does.
    /// </summary>
    public static RunFolder Latest(string command, Func<string, string?> mismatch)
    {
        var checkpoints = Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Select(d => new FileInfo(Path.Combine(d, Checkpoint.FileName))).Where(f => f.Exists).OrderByDescending(f => f.LastWriteTimeUtc).ToList()
            : [];
        if (checkpoints.Count == 0)
            throw new UsageException($"--resume: no run under '{Root}/' holds a {Checkpoint.FileName} to continue; train without --resume first, or give the run folder (--resume DIR)");
        string? firstReason = null;
        foreach (var checkpoint in checkpoints)
        {
            string? reason = mismatch(checkpoint.FullName);
            if (reason is null) return ForResume(checkpoint.DirectoryName!, "--resume", command);
            firstReason ??= $"{Path.GetRelativePath(Environment.CurrentDirectory, checkpoint.DirectoryName!)}: {reason}";
        }
        throw new UsageException($"--resume: none of the {checkpoints.Count} runs under '{Root}/' was made with these settings (the latest, {firstReason}); give the same settings or the run folder (--resume DIR)");
    }

    /// <summary>A new folder under <c>runs/</c>: the first of NAME, NAME-2, NAME-3, … whose lock file this process creates.</summary>
    private static RunFolder Claim(string command, string label)
    {
        string root = OutputFolder.Prepare(Root, "--out");
        string name = $"{command}-{(label.Length > 0 ? label + "-" : "")}{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        for (int n = 1; n < 10_000; n++)
        {
            string candidate = Path.Combine(root, n == 1 ? name : $"{name}-{n}");
            if (Directory.Exists(candidate)) continue;
            Directory.CreateDirectory(candidate);
            if (RunLock.TryCreate(candidate, command) is { } created) return new RunFolder(candidate, created, createdHere: true);
        }
        throw new UsageException($"--out: cannot find a free folder name under '{Root}/' for {name}; give one with --out");
    }

    private static RunLock TakeOrRefuse(string full, string command, string option, string shown) =>
        RunLock.TryTake(full, command)
        ?? throw new UsageException($"{option}: '{shown}' is in use by another run ({RunLock.Holder(full)}); wait for it to finish, or choose another folder");

    public void Dispose()
    {
        runLock.Dispose();
        // A new folder in which nothing was written (a failure or an interruption before the first epoch) is removed again.
        if (createdHere && RunArtefacts.Describe(FullPath) is null && Directory.EnumerateFileSystemEntries(FullPath).All(e => Path.GetFileName(e) is RunLock.LockName or RunLock.OwnerName))
        {
            try
            {
                Directory.Delete(FullPath, recursive: true);
            }
            catch (IOException)
            {
                // Another process claimed it meanwhile; it is theirs now.
            }
        }
    }
}
