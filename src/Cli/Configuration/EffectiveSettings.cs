using System.Collections.Immutable;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>A key's effective value as text and the layer it came from (<c>default</c> when no layer set it).</summary>
public sealed record SettingValue(string Key, string Value, string Source);

/// <summary>The bound, validated settings and, for <c>config</c>, where each value came from.</summary>
public sealed record EffectiveSettings(AdaptiveLRSettings Settings, ImmutableArray<SettingValue> Values);
