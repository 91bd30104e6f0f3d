using System;
using System.Collections.Generic;

namespace TpGen.Context;

/// <summary>Checks what a probe definition asks to capture.</summary>
internal static class ContextRequest
{
    /// <summary>The member paths, parsed; each once.</summary>
    /// <exception cref="MemberPathException">A path is not a path of C member names.</exception>
    public static IReadOnlyList<MemberPath> Paths(IReadOnlyList<string>? texts)
    {
        if (texts is null || texts.Count == 0)
            return Array.Empty<MemberPath>();
        var paths = new List<MemberPath>(texts.Count);
        foreach (string text in texts)
        {
            MemberPath path = MemberPath.Parse(text);
            if (!paths.Contains(path))
                paths.Add(path);
        }
        return paths;
    }
}
