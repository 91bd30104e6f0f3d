using System.Collections.Generic;

namespace TpGen.Frontends.Headers;

/// <summary>Every event of one trace system, as one translation unit of its header defines them.</summary>
/// <param name="System">The system, e.g. <c>skb</c>.</param>
/// <param name="Header">The header that defines it.</param>
/// <param name="EventNames">Every event the header defines in this configuration, in header order, including any that could not be read.</param>
/// <param name="Events">The events that were read, in header order.</param>
/// <param name="EvalMaps">The system's TRACE_DEFINE_ENUM / TRACE_DEFINE_SIZEOF values, which the print fmts have had applied.</param>
/// <param name="Diagnostics">Events that could not be read (errors) and print fmts that do not parse (warnings).</param>
/// <param name="Build">How the translation unit was put together, and how long clang took.</param>
/// <param name="Unread">For each event of <paramref name="EventNames"/> that is not in <paramref name="Events"/>: why it could not be read.</param>
public sealed record KernelHeaderSystem(
    string System,
    SystemHeader Header,
    IReadOnlyList<string> EventNames,
    IReadOnlyList<KernelHeaderEvent> Events,
    IReadOnlyList<TraceEvalMap> EvalMaps,
    IReadOnlyList<FormatDiagnostic> Diagnostics,
    KernelHeaderBuild Build,
    IReadOnlyDictionary<string, string> Unread)
{
    /// <summary>The event called <paramref name="name"/>, or null when it was not read.</summary>
    public KernelHeaderEvent? Find(string name)
    {
        foreach (KernelHeaderEvent candidate in Events)
        {
            if (candidate.Schema.Name == name)
                return candidate;
        }
        return null;
    }
}
