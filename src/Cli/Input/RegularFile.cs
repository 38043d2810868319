namespace AdaptiveLR.Cli.Input;

/// <summary>
/// Reads a file the user pointed at only if it is a regular file of bounded size. A device
/// (<c>/dev/zero</c>, also behind a symbolic link), a FIFO or a socket reports a size of 0 and is
/// refused before it is opened — opening a FIFO waits for a writer forever, reading /dev/zero never
/// ends — and at most the size seen is read, so a file that grows meanwhile cannot exhaust memory.
/// </summary>
public static class RegularFile
{
    /// <summary>The whole content, or <see cref="InvalidDataException"/> saying why not (for a message naming the file).</summary>
    public static byte[] ReadAll(string path, long limit)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? throw new InvalidDataException("a symbolic link to a folder, not a regular file");
        if (!info.Exists) throw new InvalidDataException(Directory.Exists(info.FullName) ? "a folder, not a regular file" : "missing (a dangling symbolic link?)");
        if (info.Length == 0) throw new InvalidDataException($"empty or not a regular file{(info.FullName != Path.GetFullPath(path) ? $" (it leads to {info.FullName})" : "")}; a device, FIFO or socket is never read");
        if (info.Length > limit) throw new InvalidDataException($"{info.Length} bytes, more than the {limit} bytes allowed");
        byte[] bytes = new byte[info.Length];
        using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read != bytes.Length) throw new InvalidDataException($"it shrank while being read ({read} of {bytes.Length} bytes)");
        return bytes;
    }
}
