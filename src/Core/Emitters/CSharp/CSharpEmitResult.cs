using TpGen.Text;

namespace TpGen.Emitters.CSharp;

/// <summary>The emitted C# of a probe set and what its user should be told about it.</summary>
/// <param name="Source">The C# source.</param>
/// <param name="Notes">Choices the emitter had to make, such as renaming a field.</param>
public sealed record CSharpEmitResult(string Source, EquatableArray<EmitNote> Notes);

/// <summary>Something the emitter did that the user should know about.</summary>
/// <param name="Event">The event, as <c>system:name</c>.</param>
/// <param name="Message">What happened and why.</param>
/// <param name="Kind">What sort of note it is.</param>
public sealed record EmitNote(string Event, string Message, EmitNoteKind Kind);

/// <summary>The sorts of <see cref="EmitNote"/>.</summary>
public enum EmitNoteKind
{
    /// <summary>The print fmt uses something TpGen cannot evaluate from the record; ToString prints fields.</summary>
    TextFallsBackToFields,

    /// <summary>A field's property name had to differ from its plain PascalCase name.</summary>
    FieldRenamed,
}
