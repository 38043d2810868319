namespace AdaptiveLR.Cli.Output;

/// <summary>A folder the tool writes several files into: created if missing, checked writable before any work is done.</summary>
public static class OutputFolder
{
    public static string Prepare(string folder, string option)
    {
        string fullPath = Path.GetFullPath(folder);
        if (File.Exists(fullPath)) throw new UsageException($"{option}: '{folder}' is a file; allowed: a folder that exists or can be created, and is writable");
        try
        {
            Directory.CreateDirectory(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot create folder '{folder}'; allowed: a folder that exists or can be created, and is writable");
        }
        AtomicFile.EnsureWritable(Path.Combine(fullPath, ".probe"), option);
        return fullPath;
    }
}
