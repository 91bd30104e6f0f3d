using System;
using System.Collections.Generic;
using TpGen.Schema;

namespace TpGen.Context;

/// <summary>
/// Which fields of an event point to NUL-terminated strings in the traced process's memory, so
/// that the handler reads them (<c>bpf_probe_read_user_str</c>, bounded) and the record carries
/// the text rather than only an address.
/// </summary>
/// <remarks>
/// The rule, from the kernel's own description of the event: a syscall entry event (system
/// <c>syscalls</c>, <c>sys_enter_*</c>, with the <c>__syscall_nr</c> field the kernel's syscall
/// metadata gives every such event) whose argument has C type <c>const char *</c> (the kernel's
/// <c>const char __user *</c>: text the process hands the kernel), unless the argument after it
/// is a <c>size_t</c>: then it is a counted buffer (<c>write(fd, buf, count)</c>,
/// <c>mq_timedsend</c>), not a string. Arguments typed <c>char *</c> are buffers the kernel fills
/// (<c>read</c>, <c>getcwd</c>) and are left alone, as are <c>const void *</c> ones. So openat's,
/// execve's and rename's file names are read, write's buffer is not. At most
/// <see cref="MaxPerEvent"/> per event (no syscall has more).
/// </remarks>
public static class UserStrings
{
    /// <summary>The most user strings one event's handler reads.</summary>
    public const int MaxPerEvent = 4;

    /// <summary>The field the kernel's syscall metadata gives every syscall event.</summary>
    public const string SyscallNumberField = "__syscall_nr";

    /// <summary>The fields of <paramref name="schema"/> that point to user-space strings, in record order.</summary>
    public static IReadOnlyList<FieldSpec> Fields(TracepointSchema schema)
    {
        if (schema is null)
            throw new ArgumentNullException(nameof(schema));
        var found = new List<FieldSpec>();
        if (schema.System != "syscalls" || !schema.Name.StartsWith("sys_enter_", StringComparison.Ordinal) || schema.FindField(SyscallNumberField) is null)
            return found;
        var ordered = new List<FieldSpec>(schema.Fields);
        ordered.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        for (int i = 0; i < ordered.Count && found.Count < MaxPerEvent; i++)
        {
            FieldSpec field = ordered[i];
            if (field.IsCommon || !IsConstCharPointer(field))
                continue;
            if (i + 1 < ordered.Count && IsSize(ordered[i + 1]))
                continue;
            found.Add(field);
        }
        return found;
    }

    /// <summary>Whether <paramref name="field"/> of <paramref name="schema"/> is one of its user strings.</summary>
    public static bool Is(TracepointSchema schema, string field)
    {
        foreach (FieldSpec candidate in Fields(schema))
        {
            if (candidate.Name == field)
                return true;
        }
        return false;
    }

    private static bool IsConstCharPointer(FieldSpec field) =>
        field.Kind == FieldKind.Pointer && field.Type.PointerDepth == 1 && field.Type.IsChar &&
        field.Type.Text.Replace(" ", "") == "constchar*";

    private static bool IsSize(FieldSpec field) => field.Type.Text.Trim() == "size_t";
}
