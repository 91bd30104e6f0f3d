using System.Collections.Generic;
using TpGen.Schema;

namespace TpGen.Frontends.Headers;

/// <summary>One field as the kernel registers it from a <c>trace_event_fields</c> entry, placed by the <c>trace_event_raw_*</c> struct.</summary>
/// <param name="Type">The <c>.type</c> string tracefs prints, e.g. <c>void *</c>, <c>char[TASK_COMM_LEN]</c>, <c>__data_loc char[]</c>.</param>
/// <param name="Name">The field's name.</param>
/// <param name="Offset">The byte offset in the record.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="IsSigned">The <c>.is_signed</c> value.</param>
/// <param name="ArrayLength">For fixed arrays, the <c>.len</c> the kernel prints inside the brackets; null where the kernel has no <c>.len</c> (before 5.18) or the field is not an array.</param>
internal sealed record TraceEventField(string Type, string Name, int Offset, int Size, bool IsSigned, int? ArrayLength);

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
