namespace TpGen.Frontends.Tracefs;

/// <summary>The kinds of C tokens that print fmts and field declarations use.</summary>
internal enum CTokenKind
{
    End,
    Identifier,
    Number,
    String,
    Char,
    Punctuator,
}

/// <summary>One C token: its kind, its text as written, its decoded value (strings, chars), and its offset in the source.</summary>
internal readonly record struct CToken(CTokenKind Kind, string Text, string Value, int Offset)
{
    public bool Is(string punctuator) => Kind == CTokenKind.Punctuator && Text == punctuator;

    public bool IsIdentifier(string name) => Kind == CTokenKind.Identifier && Text == name;
}
