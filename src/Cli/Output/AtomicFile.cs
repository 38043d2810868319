using System.Text;

namespace AdaptiveLR.Cli.Output;

/// <summary>Writes a file so that readers see the old content or the whole new one, never half of it.</summary>
public static class AtomicFile
{
    /// <summary>The longest file name (NAME_MAX) and path (PATH_MAX) of Linux file systems, in bytes.</summary>
    public const int MaxNameBytes = 255, MaxPathBytes = 4096;

    /// <summary>Where a write to <paramref name="fullPath"/> goes first: a hidden file beside it, named by this process.</summary>
    private static string TemporaryPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, TemporaryName(Path.GetFileName(fullPath), Environment.ProcessId));

    private static string TemporaryName(string name, int processId) => $".{name}.{processId}.tmp{Path.GetExtension(name)}";

    public static void Write(string path, Action<Stream> write) =>
        WriteVia(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None);
            write(stream);
            stream.Flush(flushToDisk: true);
        });

    /// <summary>Lets <paramref name="write"/> create a temporary file beside <paramref name="path"/>, then renames it over <paramref name="path"/>.</summary>
    public static void WriteVia(string path, Action<string> write)
    {
        string fullPath = Path.GetFullPath(path);
        string temporary = TemporaryPath(fullPath);
        try
        {
            write(temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>
    /// A usage error unless a file can be created at <paramref name="path"/> (the folder exists and is writable),
    /// checked before any work is done.
    /// </summary>
    public static void EnsureWritable(string path, string option)
    {
        if (path.Trim().Length == 0) throw new UsageException($"{option}: the path is empty; allowed: a file path in an existing, writable folder");
        string fullPath = Path.GetFullPath(path);
        // The temporary file's name is the longest this write creates; its process id is counted at its widest, so the limit does not depend on the process.
        int nameBytes = Encoding.UTF8.GetByteCount(Path.GetFileName(fullPath));
        int allowedNameBytes = MaxNameBytes - Encoding.UTF8.GetByteCount(TemporaryName(Path.GetFileName(fullPath), int.MaxValue)) + nameBytes;
        if (nameBytes > allowedNameBytes)
            throw new UsageException($"{option}: the file name is {nameBytes} bytes long; allowed: at most {allowedNameBytes} bytes (the file system's {MaxNameBytes}, less the temporary file's prefix and suffix)");
        if (Encoding.UTF8.GetByteCount(fullPath) >= MaxPathBytes)
            throw new UsageException($"{option}: the path is {Encoding.UTF8.GetByteCount(fullPath)} bytes long; allowed: less than {MaxPathBytes} bytes");
        string? folder = Path.GetDirectoryName(fullPath);
        if (folder is null || !Directory.Exists(folder))
            throw new UsageException($"{option}: folder '{folder}' does not exist; allowed: a file path in an existing, writable folder");
        if (Directory.Exists(fullPath))
            throw new UsageException($"{option}: '{path}' is a folder; allowed: a file path in an existing, writable folder");
        string probe = Path.Combine(folder, $".adaptivelr-probe-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: folder '{folder}' is not writable; allowed: a file path in an existing, writable folder");
        }
    }
}
