namespace AdaptiveLR.Cli.Configuration;

/// <summary>
/// One configuration key: its path (<c>Training:Epochs</c>), what it accepts, the command-line flag
/// that sets it (if any), and how to read its effective value from the bound settings.
/// </summary>
public sealed record SettingKey(string Path, SettingKind Kind, string? Flag, Func<AdaptiveLRSettings, object?> Read)
{
    public string Section => Path[..Path.LastIndexOf(':')];

    public string Name => Path[(Path.LastIndexOf(':') + 1)..];
}
