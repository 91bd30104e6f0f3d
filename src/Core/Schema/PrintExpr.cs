using TpGen.Text;

namespace TpGen.Schema;

/// <summary>
/// An expression from a print fmt's argument list: the C the kernel compiled into its
/// TP_printk, after preprocessing (<c>REC-&gt;field</c>, casts, helper calls, ...).
/// </summary>
public abstract record PrintExpr;

/// <summary><c>REC-&gt;field</c>.</summary>
public sealed record FieldExpr(string Field) : PrintExpr;

/// <summary>An integer constant, with what its suffix says about its C type.</summary>
/// <param name="Value">The value's 64-bit pattern.</param>
/// <param name="Text">The literal as written.</param>
/// <param name="IsUnsigned">A <c>U</c> suffix, or a hex/octal literal too big for the signed type.</param>
/// <param name="IsLong">An <c>L</c> or <c>LL</c> suffix, or a value too big for 32 bits.</param>
public sealed record IntegerExpr(ulong Value, string Text, bool IsUnsigned, bool IsLong) : PrintExpr;

/// <summary>A string literal (adjacent literals already joined).</summary>
public sealed record StringExpr(string Value) : PrintExpr;

/// <summary>A character constant such as <c>'x'</c>.</summary>
public sealed record CharExpr(char Value) : PrintExpr;

/// <summary>A plain identifier: a local of a statement expression, or a kernel name the format does not define.</summary>
public sealed record IdentifierExpr(string Name) : PrintExpr;

/// <summary>A prefix operator: <c>- + ~ ! * &amp;</c>.</summary>
public sealed record UnaryExpr(string Operator, PrintExpr Operand) : PrintExpr;

/// <summary>A binary operator, including <c>&amp;&amp;</c>, <c>||</c> and <c>,</c>.</summary>
public sealed record BinaryExpr(string Operator, PrintExpr Left, PrintExpr Right) : PrintExpr;

/// <summary><c>cond ? a : b</c>.</summary>
public sealed record ConditionalExpr(PrintExpr Condition, PrintExpr WhenTrue, PrintExpr WhenFalse) : PrintExpr;

/// <summary><c>(type)operand</c>.</summary>
public sealed record CastExpr(CType Type, PrintExpr Operand) : PrintExpr;

/// <summary><c>sizeof(type)</c> or <c>sizeof expr</c>.</summary>
public sealed record SizeOfExpr(CType? Type, PrintExpr? Operand) : PrintExpr;

/// <summary><c>target.member</c> or <c>target-&gt;member</c>.</summary>
public sealed record MemberExpr(PrintExpr Target, string Member, bool IsArrow) : PrintExpr;

/// <summary><c>target[index]</c>.</summary>
public sealed record IndexExpr(PrintExpr Target, PrintExpr Index) : PrintExpr;

/// <summary>
/// A call: the trace helpers (<c>__get_str</c>, <c>__get_dynamic_array</c>, <c>__print_hex</c>,
/// <c>__print_array</c>, <c>__get_bitmask</c>, ...) and kernel functions such as
/// <c>jiffies_to_msecs</c>. <c>__print_symbolic</c> and <c>__print_flags</c> have their own nodes.
/// </summary>
public sealed record CallExpr(string Function, EquatableArray<PrintExpr> Arguments) : PrintExpr;

/// <summary>
/// <c>__print_symbolic(value, { v, "name" }, ...)</c> (and <c>__print_symbolic_u64</c>): the
/// name of the entry whose value equals <paramref name="Value"/>, else the number.
/// </summary>
public sealed record SymbolicExpr(PrintExpr Value, EquatableArray<SymbolEntry> Entries, bool Is64Bit) : PrintExpr;

/// <summary>
/// <c>__print_flags(value, "delimiter", { mask, "name" }, ...)</c> (and <c>__print_flags_u64</c>).
/// </summary>
public sealed record FlagsExpr(PrintExpr Value, string Delimiter, EquatableArray<SymbolEntry> Entries, bool Is64Bit) : PrintExpr;

/// <summary>A value/name pair of <c>__print_symbolic</c> or <c>__print_flags</c>.</summary>
/// <param name="Value">The entry's value (a mask for flags), as a 64-bit pattern; 0 while <paramref name="Unresolved"/> is set.</param>
/// <param name="Name">The text the kernel prints for it.</param>
/// <param name="Unresolved">
/// The value's expression when the format does not define it: a kernel enum constant that the
/// kernel did not export with TRACE_DEFINE_ENUM, e.g. <c>TCP_ESTABLISHED</c>. BTF can resolve it.
/// </param>
public sealed record SymbolEntry(ulong Value, string Name, PrintExpr? Unresolved = null)
{
    /// <summary>Whether <see cref="Value"/> is known.</summary>
    public bool IsResolved => Unresolved is null;
}

/// <summary>
/// A GNU statement expression <c>({ int a = e1; int b = e2; result; })</c>, as the kernel's
/// <c>min()</c> and <c>max()</c> expand to. <paramref name="Result"/> is null when the body has
/// statements other than initialised declarations followed by one expression.
/// </summary>
public sealed record StatementExpr(EquatableArray<LocalDeclaration> Locals, PrintExpr? Result, string Text) : PrintExpr;

/// <summary>A local declared inside a statement expression.</summary>
public sealed record LocalDeclaration(CType Type, string Name, PrintExpr Initializer);

/// <summary>A brace list <c>{ a, b }</c>: the entries of <c>__print_symbolic</c> and <c>__print_flags</c> before they are read.</summary>
public sealed record InitializerExpr(EquatableArray<PrintExpr> Items) : PrintExpr;
