namespace AdaptiveLR.Cli.Output;

/// <summary>Writes a file so that readers see the old content or the whole new one, never half of it.</summary>
public static class AtomicFile
{
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
        string temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.tmp{Path.GetExtension(fullPath)}");
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
        string fullPath = Path.GetFullPath(path);
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
