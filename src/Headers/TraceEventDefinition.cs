using System.Collections.Generic;
using TpGen.Schema;

namespace TpGen.Frontends.Headers;

/// <summary>One event of a system as the headers define it.</summary>
/// <param name="Name">The event's name.</param>
/// <param name="Class">Its class (the template of DEFINE_EVENT, or its own name for TRACE_EVENT).</param>
/// <param name="Fields">Its own fields, in order, after the common ones.</param>
/// <param name="CompiledPrintFmt">The print fmt string the kernel compiles.</param>
/// <param name="PrintFmt">The print fmt tracefs shows: the compiled one after the system's eval maps.</param>
/// <param name="Enums">The kernel enums its enum-typed fields use.</param>
internal sealed record TraceEventDefinition(
    string Name,
    string Class,
    IReadOnlyList<TraceEventField> Fields,
    string CompiledPrintFmt,
    string PrintFmt,
    IReadOnlyList<EnumSpec> Enums);
