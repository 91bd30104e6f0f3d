using System;
using System.Collections.Generic;
using TpGen.Schema;

namespace TpGen.Frontends.Headers;

/// <summary>Every event of one trace system, as one translation unit of its header defines them.</summary>
/// <param name="System">The system, e.g. <c>skb</c>.</param>
/// <param name="Header">The header that defines it.</param>
/// <param name="EventNames">Every event the header defines in this configuration, in header order, including any that could not be read.</param>
/// <param name="Events">The events that were read, in header order.</param>
/// <param name="EvalMaps">The system's TRACE_DEFINE_ENUM / TRACE_DEFINE_SIZEOF values, which the print fmts have had applied.</param>
/// <param name="Diagnostics">Events that could not be read (errors) and print fmts that do not parse (warnings).</param>
/// <param name="ParseTime">How long clang took to parse the translation unit (both parses, when the first needed forward declarations).</param>
public sealed record KernelHeaderSystem(
    string System,
    SystemHeader Header,
    IReadOnlyList<string> EventNames,
    IReadOnlyList<KernelHeaderEvent> Events,
    IReadOnlyList<TraceEvalMap> EvalMaps,
    IReadOnlyList<FormatDiagnostic> Diagnostics,
    TimeSpan ParseTime)
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

/// <summary>One event read from the headers.</summary>
/// <param name="Schema">The event's schema (<see cref="TracepointSchema.Id"/> is -1: headers do not know event ids).</param>
/// <param name="Class">The event's class: the DECLARE_EVENT_CLASS template it was defined from (its own name for TRACE_EVENT). Events of one class share a <c>trace_event_raw_&lt;class&gt;</c> layout, the link BTF does not state.</param>
/// <param name="CompiledPrintFmt">The print fmt as the kernel compiles it, before the system's eval maps replace enumerator names with numbers.</param>
public sealed record KernelHeaderEvent(TracepointSchema Schema, string Class, string CompiledPrintFmt);
