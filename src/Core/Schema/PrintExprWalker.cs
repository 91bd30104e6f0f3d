using System.Collections.Generic;

namespace TpGen.Schema;

/// <summary>Walks print fmt expression trees.</summary>
public static class PrintExprWalker
{
    /// <summary>
    /// The trace helpers whose single argument names a field rather than evaluating to a value:
    /// <c>__get_str(name)</c> reads the dynamic field <c>name</c>.
    /// </summary>
    public static bool IsFieldAccessor(string function) => function is
        "__get_str" or "__get_rel_str" or
        "__get_dynamic_array" or "__get_rel_dynamic_array" or
        "__get_dynamic_array_len" or "__get_rel_dynamic_array_len" or
        "__get_bitmask" or "__get_rel_bitmask" or
        "__get_cpumask" or "__get_rel_cpumask" or
        "__get_sockaddr" or "__get_rel_sockaddr" or
        "__get_sockaddr_len" or "__get_rel_sockaddr_len";

    /// <summary>The direct sub-expressions of <paramref name="expression"/>.</summary>
    public static IEnumerable<PrintExpr> Children(PrintExpr expression)
    {
        switch (expression)
        {
            case UnaryExpr e: yield return e.Operand; break;
            case BinaryExpr e: yield return e.Left; yield return e.Right; break;
            case ConditionalExpr e: yield return e.Condition; yield return e.WhenTrue; yield return e.WhenFalse; break;
            case CastExpr e: yield return e.Operand; break;
            case SizeOfExpr { Operand: { } operand }: yield return operand; break;
            case MemberExpr e: yield return e.Target; break;
            case IndexExpr e: yield return e.Target; yield return e.Index; break;
            case CallExpr e:
                for (int i = 0; i < e.Arguments.Count; i++)
                    yield return e.Arguments[i];
                break;
            case SymbolicExpr e: yield return e.Value; break;
            case FlagsExpr e: yield return e.Value; break;
            case InitializerExpr e:
                for (int i = 0; i < e.Items.Count; i++)
                    yield return e.Items[i];
                break;
            case StatementExpr e:
                for (int i = 0; i < e.Locals.Count; i++)
                    yield return e.Locals[i].Initializer;
                if (e.Result is not null)
                    yield return e.Result;
                break;
        }
    }

    /// <summary>
    /// Every <c>__print_symbolic</c> and <c>__print_flags</c> table of <paramref name="print"/>,
    /// with the expression whose value it names, outermost first.
    /// </summary>
    public static IEnumerable<SymbolTable> SymbolTables(PrintFormat print)
    {
        var pending = new Stack<PrintExpr>();
        for (int i = print.Arguments.Count - 1; i >= 0; i--)
            pending.Push(print.Arguments[i]);
        while (pending.Count > 0)
        {
            PrintExpr expression = pending.Pop();
            if (expression is SymbolicExpr symbolic)
                yield return new SymbolTable(symbolic.Value, IsFlags: false, symbolic.Entries, null);
            else if (expression is FlagsExpr flags)
                yield return new SymbolTable(flags.Value, IsFlags: true, flags.Entries, flags.Delimiter);
            foreach (PrintExpr child in Children(expression))
                pending.Push(child);
        }
    }

    /// <summary>The field an expression reads, through casts (<c>(unsigned long)REC-&gt;flags</c>), or null.</summary>
    public static string? FieldRead(PrintExpr expression)
    {
        while (expression is CastExpr cast)
            expression = cast.Operand;
        return expression is FieldExpr field ? field.Field : null;
    }

    /// <summary>Every field that <paramref name="print"/> reads, through <c>REC-&gt;x</c> or a helper such as <c>__get_str(x)</c>.</summary>
    public static IEnumerable<string> ReferencedFields(PrintFormat print)
    {
        // Iterative, so a deeply nested argument cannot exhaust the stack.
        var pending = new Stack<PrintExpr>();
        foreach (PrintExpr argument in print.Arguments)
            pending.Push(argument);
        while (pending.Count > 0)
        {
            PrintExpr expression = pending.Pop();
            if (expression is FieldExpr field)
                yield return field.Field;
            else if (expression is CallExpr call && IsFieldAccessor(call.Function) && call.Arguments.Count == 1 && call.Arguments[0] is IdentifierExpr name)
                yield return name.Name;
            foreach (PrintExpr child in Children(expression))
                pending.Push(child);
        }
    }
}

/// <summary>A symbol table of a print fmt: the value it names, and its entries.</summary>
/// <param name="Value">The expression whose value the table names.</param>
/// <param name="IsFlags">True for <c>__print_flags</c> (masks), false for <c>__print_symbolic</c> (values).</param>
/// <param name="Entries">The value/name pairs, in the format's order.</param>
/// <param name="Delimiter">For flags, what the kernel prints between names.</param>
public sealed record SymbolTable(PrintExpr Value, bool IsFlags, TpGen.Text.EquatableArray<SymbolEntry> Entries, string? Delimiter);
