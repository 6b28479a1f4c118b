namespace Gateway.Configuration;

/// <summary>The "did you mean …?" hint for a misspelt name: the nearest known name by edit distance (case ignored).</summary>
public static class DidYouMean
{
    /// <summary>The known name nearest to <paramref name="unknown"/>, or null when none is within <paramref name="maxDistance"/> edits.</summary>
    public static string? Closest(string unknown, IEnumerable<string> known, int maxDistance)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            var d = Distance(unknown.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= maxDistance ? best : null;
    }

    /// <summary>" (did you mean 'x'?)" or "" — the form the messages append.</summary>
    public static string Hint(string unknown, IEnumerable<string> known, int maxDistance) =>
        Closest(unknown, known, maxDistance) is { } k ? $" (did you mean '{k}'?)" : "";

    /// <summary>Levenshtein distance (insert, delete, substitute), two rows of memory.</summary>
    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
