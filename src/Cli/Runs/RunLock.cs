using System.Diagnostics;
using System.Globalization;

namespace AdaptiveLR.Cli.Runs;

/// <summary>
/// One writer per run folder. The lock is an exclusive advisory lock (flock) on
/// <c>.adaptivelr.lock</c>, which the kernel releases when the process ends however it ends, so a
/// killed run never leaves a lock behind. Beside it, <c>.adaptivelr.owner</c> names the holder (pid,
/// command, start time) for the message a second writer gets; an owner file whose pid is not alive
/// is stale and simply overwritten.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string LockName = ".adaptivelr.lock", OwnerName = ".adaptivelr.owner";

    private readonly FileStream handle;
    private readonly string owner;

    private RunLock(FileStream handle, string owner)
    {
        this.handle = handle;
        this.owner = owner;
    }

    /// <summary>The lock on <paramref name="folder"/>, or null when another process holds it.</summary>
    public static RunLock? TryTake(string folder, string command) => Open(folder, command, FileMode.OpenOrCreate);

    /// <summary>The lock on a folder no process has locked before: null when its lock file exists already (another process claimed the folder).</summary>
    public static RunLock? TryCreate(string folder, string command) => Open(folder, command, FileMode.CreateNew);

    private static RunLock? Open(string folder, string command, FileMode mode)
    {
        FileStream handle;
        try
        {
            handle = new FileStream(Path.Combine(folder, LockName), mode, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            return null;
        }
        string owner = Path.Combine(folder, OwnerName);
        File.WriteAllText(owner, $"{Environment.ProcessId} {command} {DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}\n");
        return new RunLock(handle, owner);
    }

    /// <summary>"pid 1234, adaptivelr train since 2026-11-26 14:03:10", or a plain description when the owner file is missing or stale.</summary>
    public static string Holder(string folder)
    {
        try
        {
            string[] parts = File.ReadAllText(Path.Combine(folder, OwnerName)).Trim().Split(' ', 3);
            if (parts.Length == 3 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int pid) && IsAlive(pid))
                return $"pid {pid}, adaptivelr {parts[1]} since {parts[2]}";
        }
        catch (IOException)
        {
        }
        return "another process";
    }

    public static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(owner);
        }
        catch (IOException)
        {
            // The lock itself is released below; a leftover owner file names a dead pid and is ignored.
        }
        handle.Dispose();
    }
}
