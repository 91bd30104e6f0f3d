using TpGen.Schema;

namespace TpGen.Frontends.Headers;

/// <summary>One event read from the headers.</summary>
/// <param name="Schema">The event's schema (<see cref="TracepointSchema.Id"/> is -1: headers do not know event ids).</param>
/// <param name="Class">The event's class: the DECLARE_EVENT_CLASS template it was defined from (its own name for TRACE_EVENT). Events of one class share a <c>trace_event_raw_&lt;class&gt;</c> layout, the link BTF does not state.</param>
/// <param name="CompiledPrintFmt">The print fmt as the kernel compiles it, before the system's eval maps replace enumerator names with numbers.</param>
public sealed record KernelHeaderEvent(TracepointSchema Schema, string Class, string CompiledPrintFmt);
