using Microsoft.Extensions.Configuration;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>
/// One source of configuration values and how to name it: <see cref="SourceOf"/> for <c>config</c>'s
/// table, <see cref="Where"/> to start an error message about a key it set.
/// </summary>
public sealed record ConfigurationLayer(IConfigurationProvider Provider, Func<string, string> SourceOf, Func<string, string> Where)
{
    /// <summary>Every key with a value in this layer (the provider's own spelling), depth first.</summary>
    public IEnumerable<string> LeafKeys() => LeafKeys(null);

    public string? ValueOf(string key) => Provider.TryGet(key, out string? value) ? value : null;

    private IEnumerable<string> LeafKeys(string? parent)
    {
        foreach (string child in Provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            string path = parent is null ? child : $"{parent}:{child}";
            bool hasChildren = Provider.GetChildKeys([], path).Any();
            if (hasChildren)
            {
                foreach (string leaf in LeafKeys(path)) yield return leaf;
            }
            else
            {
                yield return path;
            }
        }
    }
}
