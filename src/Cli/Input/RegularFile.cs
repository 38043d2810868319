using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AdaptiveLR.Cli.Input;

/// <summary>
/// Input files must be regular files: opening a FIFO blocks until some writer appears (forever, for
/// a user), and a device such as <c>/dev/zero</c> never ends. .NET reports neither (a FIFO and a
/// character device both look like "Normal" files), so the file type comes from <c>statx(2)</c>,
/// whose buffer layout is the same on every Linux architecture. Symbolic links are followed: a link to a
/// regular file is fine, a link to <c>/dev/zero</c> is not. Reads stay bounded by the callers as well,
/// since a file can be swapped between this check and the open.
/// </summary>
public static partial class RegularFile
{
    private const int AtCurrentFolder = -100, StatxType = 0x1, StatxBufferBytes = 256, ModeOffset = 28;
    private const int TypeMask = 0xF000, Fifo = 0x1000, CharacterDevice = 0x2000, Folder = 0x4000, BlockDevice = 0x6000, Regular = 0x8000, Socket = 0xC000;

    /// <summary>
    /// Null when <paramref name="path"/> is missing (the caller says so in its own words) or a regular
    /// file after following links; otherwise what it is instead, for a message: "is a FIFO (named pipe), not a regular file".
    /// </summary>
    public static string? Problem(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        byte[] buffer = new byte[StatxBufferBytes];
        if (Statx(AtCurrentFolder, path, 0, StatxType, buffer) != 0) return null;
        string? kind = (BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)) & TypeMask) switch
        {
            Regular => null,
            Folder => "a folder",
            Fifo => "a FIFO (named pipe)",
            CharacterDevice => "a character device",
            BlockDevice => "a block device",
            Socket => "a socket",
            _ => "not a regular file",
        };
        if (kind is null) return null;
        string link = File.ResolveLinkTarget(path, returnFinalTarget: true) is { } target ? $" (a symbolic link to {target.FullName})" : "";
        return $"is {kind}{link}, not a regular file; only regular files are read";
    }

    /// <summary>The whole file, or null when it holds more than <paramref name="maxBytes"/> (never reading past that).</summary>
    public static byte[]? ReadAtMost(string path, int maxBytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        byte[] buffer = new byte[Math.Min(maxBytes + 1L, Math.Max(file.Length + 1, 1))];
        int filled = 0, read;
        while ((read = file.Read(buffer, filled, buffer.Length - filled)) > 0)
        {
            filled += read;
            if (filled == buffer.Length && filled <= maxBytes) Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1L, 2L * buffer.Length));
            if (filled > maxBytes) return null;
        }
        return buffer[..filled];
    }

    /// <summary>The whole content of a regular file of at most <paramref name="limit"/> bytes, or <see cref="InvalidDataException"/> saying why not (for a message naming the file).</summary>
    public static byte[] ReadAll(string path, long limit)
    {
        if (Problem(path) is { } problem) throw new InvalidDataException(problem);
        if (!File.Exists(path)) throw new InvalidDataException("is missing (a dangling symbolic link?)");
        return ReadAtMost(path, (int)Math.Min(limit, int.MaxValue - 1)) ?? throw new InvalidDataException($"holds more than the {limit} bytes allowed");
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int folder, string path, int flags, uint mask, [Out] byte[] buffer);
}
