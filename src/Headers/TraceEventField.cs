namespace TpGen.Frontends.Headers;

/// <summary>One field as the kernel registers it from a <c>trace_event_fields</c> entry, placed by the <c>trace_event_raw_*</c> struct.</summary>
/// <param name="Type">The <c>.type</c> string tracefs prints, e.g. <c>void *</c>, <c>char[TASK_COMM_LEN]</c>, <c>__data_loc char[]</c>.</param>
/// <param name="Name">The field's name.</param>
/// <param name="Offset">The byte offset in the record.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="IsSigned">The <c>.is_signed</c> value.</param>
/// <param name="ArrayLength">For fixed arrays, the <c>.len</c> the kernel prints inside the brackets; null where the kernel has no <c>.len</c> (before 5.18) or the field is not an array.</param>
internal sealed record TraceEventField(string Type, string Name, int Offset, int Size, bool IsSigned, int? ArrayLength);
