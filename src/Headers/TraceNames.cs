using System;

namespace TpGen.Frontends.Headers;

/// <summary>
/// Checks system and event names before they go into generated C: they are C identifiers in the
/// kernel, and anything else (a path, a quote, a newline) would change what is compiled.
/// </summary>
internal static class TraceNames
{
    public static bool IsIdentifier(string? text)
    {
        if (string.IsNullOrEmpty(text) || char.IsAsciiDigit(text[0]))
            return false;
        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
                return false;
        }
        return true;
    }

    public static void ThrowIfInvalid(string? name, string parameter)
    {
        if (!IsIdentifier(name))
            throw new ArgumentException($"'{name}' is not a trace system or event name (a C identifier: letters, digits and '_').", parameter);
    }
}
