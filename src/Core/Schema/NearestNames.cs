using System;
using System.Collections.Generic;

namespace TpGen.Schema;

/// <summary>
/// The tracepoints whose names are nearest to a name that is not there, for "did you mean"
/// in the generator's and the build's messages.
/// </summary>
public static class NearestNames
{
    /// <summary>
    /// Up to <paramref name="max"/> names of <paramref name="available"/> (<c>system:event</c>)
    /// closest to <paramref name="key"/>: by edit distance (at most a third of its length), and
    /// the same event name in another system, nearest first.
    /// </summary>
    public static IReadOnlyList<string> Find(string key, IEnumerable<string> available, int max = 3)
    {
        if (key is null)
            throw new ArgumentNullException(nameof(key));
        if (available is null)
            throw new ArgumentNullException(nameof(available));
        var candidates = new List<string>(available);
        var scored = new List<(int Distance, string Name)>();
        int limit = Math.Max(2, key.Length / 3);
        foreach (string candidate in candidates)
        {
            int distance = Distance(key, candidate, limit);
            if (distance <= limit)
                scored.Add((distance, candidate));
        }
        // The same event name in another system is a likely slip too.
        string name = key.Substring(key.IndexOf(':') + 1);
        foreach (string candidate in candidates)
        {
            if (candidate.EndsWith(":" + name, StringComparison.Ordinal) && !scored.Exists(s => s.Name == candidate))
                scored.Add((limit, candidate));
        }
        scored.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : string.CompareOrdinal(a.Name, b.Name));
        var names = new List<string>();
        for (int i = 0; i < scored.Count && i < max; i++)
            names.Add(scored[i].Name);
        return names;
    }

    // Levenshtein distance, stopping early once it exceeds the limit.
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
            return limit + 1;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            int rowMinimum = current[0];
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMinimum = Math.Min(rowMinimum, current[j]);
            }
            if (rowMinimum > limit)
                return limit + 1;
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
