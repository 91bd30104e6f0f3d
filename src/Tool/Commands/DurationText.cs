using System;
using System.Globalization;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary>
/// The value of <c>--duration</c>: seconds as a bare number (<c>5</c>, <c>2.5</c>), or a number
/// with a unit: <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c> (<c>500ms</c>, <c>5s</c>, <c>2m</c>).
/// </summary>
internal static class DurationText
{
    private const string Forms = "give seconds, or a number with ms, s, m or h, e.g. 5, 5s, 500ms, 2m";

    // A day is far beyond any trace from a terminal, and well inside what a timer can wait.
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>The duration <paramref name="text"/> gives, or null when there is none.</summary>
    /// <exception cref="UsageException">The text is not a duration, or not a positive one a day long at most.</exception>
    public static TimeSpan? Parse(string option, string? text)
    {
        if (text is null)
            return null;
        string value = text.Trim();
        double unit = 1;
        // "ms" before "s" and "m", which it ends and starts with.
        foreach ((string suffix, double seconds) in new[] { ("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0) })
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                value = value.Substring(0, value.Length - suffix.Length);
                unit = seconds;
                break;
            }
        }
        if (!double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double count) || double.IsNaN(count))
            throw new UsageException($"{option} '{text}' is not a duration: {Forms}");
        double total = count * unit;
        if (total <= 0)
            throw new UsageException($"{option} {text} must be more than 0 seconds");
        if (total > Longest.TotalSeconds)
            throw new UsageException($"{option} {text} is too long: at most a day ({Longest.TotalHours:0}h)");
        return TimeSpan.FromSeconds(total);
    }
}
