using TpGen.Text;

namespace TpGen.Schema;

/// <summary>
/// One tracepoint as the kernel describes it: the single model that every frontend (tracefs
/// format files, BTF, kernel headers) produces and every emitter (C#, BPF C) consumes. It
/// holds kernel facts only; nothing in it knows about C# or BPF.
/// </summary>
/// <param name="System">The event's system (tracefs directory), e.g. <c>skb</c>.</param>
/// <param name="Name">The event's name, e.g. <c>kfree_skb</c>.</param>
/// <param name="Id">The kernel's event id (<c>common_type</c>), or -1 where the source does not know it (BTF, headers).</param>
/// <param name="Fields">Every field of the record, the common ones first, in record order.</param>
/// <param name="PrintFmt">The print fmt text exactly as the kernel wrote it, or null where the source has none (BTF).</param>
/// <param name="Print">The parsed print fmt, or null where there is none or it could not be parsed (see <paramref name="PrintProblem"/>).</param>
/// <param name="PrintProblem">Why <paramref name="Print"/> is null although <paramref name="PrintFmt"/> is not.</param>
/// <param name="Enums">Kernel enums that name values of the fields (from BTF); print fmt symbols are in <paramref name="Print"/>.</param>
public sealed record TracepointSchema(
    string System,
    string Name,
    int Id,
    EquatableArray<FieldSpec> Fields,
    string? PrintFmt,
    PrintFormat? Print,
    string? PrintProblem,
    EquatableArray<EnumSpec> Enums)
{
    /// <summary><c>system:event</c>, the way users and tracefs name an event.</summary>
    public string FullName => System + ":" + Name;

    /// <summary>The size of the fixed part of the record: where the last fixed field ends.</summary>
    public int FixedSize
    {
        get
        {
            int end = 0;
            foreach (FieldSpec candidate in Fields)
                end = global::System.Math.Max(end, candidate.Offset + candidate.Size);
            return end;
        }
    }

    /// <summary>The field called <paramref name="name"/>, or null.</summary>
    public FieldSpec? FindField(string name)
    {
        foreach (FieldSpec candidate in Fields)
        {
            if (candidate.Name == name)
                return candidate;
        }
        return null;
    }
}
