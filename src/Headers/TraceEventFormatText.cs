using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TpGen.Frontends.Tracefs;

namespace TpGen.Frontends.Headers;

/// <summary>
/// Writes an event the way tracefs prints its <c>format</c> file (<c>f_show</c> in
/// kernel/trace/trace_events.c) through the one <see cref="FormatFileWriter"/>, so that
/// <see cref="FormatFileReader"/> turns it into a schema with exactly the rules it applies to the
/// running kernel's formats.
/// </summary>
internal static class TraceEventFormatText
{
    // Headers do not know the event id; the reader wants a number, the caller sets -1 afterwards.
    public static string Write(string name, IReadOnlyList<TraceEventField> commonFields, TraceEventDefinition definition) =>
        FormatFileWriter.Write(name, 0, commonFields.Select(Line), definition.Fields.Select(Line), definition.PrintFmt);

    private static FormatFieldLine Line(TraceEventField field) => new(Declaration(field), field.Offset, field.Size, field.IsSigned);

    /// <summary>
    /// tracefs moves a fixed array's brackets after the name and, since 5.18, prints the
    /// evaluated <c>.len</c> inside them (<c>char[TASK_COMM_LEN]</c> shows as
    /// <c>char prev_comm[16]</c>). Dynamic fields keep their type whole; the kernel checks only
    /// for <c>__data_loc</c>, later ones also for <c>__rel_loc</c>, as done here.
    /// </summary>
    private static string Declaration(TraceEventField field)
    {
        int bracket = field.Type.IndexOf('[', StringComparison.Ordinal);
        bool dynamic = field.Type.StartsWith("__data_loc", StringComparison.Ordinal) || field.Type.StartsWith("__rel_loc", StringComparison.Ordinal);
        if (bracket < 0 || dynamic)
            return field.Type + " " + field.Name;
        string element = field.Type.Substring(0, bracket);
        string suffix = field.ArrayLength is int length ? "[" + length.ToString(CultureInfo.InvariantCulture) + "]" : field.Type.Substring(bracket);
        return element + " " + field.Name + suffix;
    }
}
