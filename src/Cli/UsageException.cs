namespace AdaptiveLR.Cli;

/// <summary>Input the user got wrong: reported as one line on stderr with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
