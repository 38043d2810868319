namespace AdaptiveLR.Cli.Messages;

/// <summary>
/// The names closest to a mistyped one, for "did you mean": optimal string alignment distance
/// (a swap of two neighbours counts as one edit, so <c>trian</c> is one edit from <c>train</c>).
/// </summary>
public static class NearestNames
{
    /// <summary>The candidates at the least distance from <paramref name="typed"/>, if that distance is small for its length; else none.</summary>
    public static IReadOnlyList<string> Of(string typed, IEnumerable<string> candidates)
    {
        string key = Bare(typed);
        int allowed = Math.Clamp(key.Length / 3, 1, 3);
        var scored = candidates.Distinct().Select(c => (Name: c, Distance: Distance(key, Bare(c)))).Where(c => c.Distance <= allowed).ToList();
        if (scored.Count == 0) return [];
        int best = scored.Min(c => c.Distance);
        return [.. scored.Where(c => c.Distance == best).Select(c => c.Name)];
    }

    /// <summary>"did you mean 'train'?" or "did you mean '--beta1' or '--beta2'?"; null when nothing is near.</summary>
    public static string? Suggestion(string typed, IEnumerable<string> candidates)
    {
        var nearest = Of(typed, candidates);
        if (nearest.Count == 0) return null;
        var quoted = nearest.Select(n => $"'{n}'").ToList();
        string names = quoted.Count == 1 ? quoted[0] : $"{string.Join(", ", quoted.SkipLast(1))} or {quoted[^1]}";
        return $"did you mean {names}?";
    }

    /// <summary>" (did you mean 'adam'?)" to append to a message about an unknown name, or "" when nothing is near.</summary>
    public static string Hint(string typed, IEnumerable<string> candidates) =>
        Suggestion(typed, candidates) is { } suggestion ? $" ({suggestion})" : "";

    private static string Bare(string name) => name.TrimStart('-').ToLowerInvariant();

    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
