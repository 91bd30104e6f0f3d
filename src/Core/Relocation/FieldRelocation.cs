using TpGen.Schema;

namespace TpGen.Relocation;

/// <summary>How a field of the build is found in the record of the kernel that runs it.</summary>
public enum FieldRelocationKind
{
    /// <summary>Where the build had it, with the same type: read as built.</summary>
    Same,

    /// <summary>At another offset, with the same type.</summary>
    Moved,

    /// <summary>With another size or sign: read as the running kernel lays it out and converted to the generated type.</summary>
    Converted,

    /// <summary>The running kernel has no such field: reads yield the type's default, and <c>Has…</c> is false.</summary>
    Absent,

    /// <summary>The field changed kind (say a number became a <c>__data_loc</c> string): it cannot be read as built.</summary>
    Incompatible,
}

/// <summary>One field of the build, relocated by name onto a running kernel's record.</summary>
/// <param name="Built">The field as the build knows it.</param>
/// <param name="Running">The field as the running kernel lays it out, or null when it has none.</param>
/// <param name="Kind">How the two relate.</param>
/// <param name="IsLossy">For <see cref="FieldRelocationKind.Converted"/>: whether some running values do not fit the generated type (a narrower or sign-changed type).</param>
/// <param name="Reason">In words: what changed, for reports and errors; empty when nothing did.</param>
public sealed record FieldRelocation(FieldSpec Built, FieldSpec? Running, FieldRelocationKind Kind, bool IsLossy, string Reason)
{
    /// <summary>The field's name.</summary>
    public string Name => Built.Name;

    /// <summary>Whether the running kernel has the field.</summary>
    public bool IsPresent => Running is not null && Kind != FieldRelocationKind.Incompatible;
}
