namespace AdaptiveLR.Cli.Data;

/// <summary>
/// Thrown by <see cref="IdxReader"/> for any unusable IDX input: a missing folder or file,
/// a wrong magic number, a truncated or oversized file, zero dimensions, mismatched image and
/// label counts, a label outside 0..9, or a corrupt gzip stream. <see cref="Exception.Message"/>
/// is a single line that names the file (or folder) and what is wrong with it, suitable for
/// showing to the user as is.
/// </summary>
public sealed class IdxFormatException : Exception
{
    public IdxFormatException(string message)
        : base(message)
    {
    }

    public IdxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
