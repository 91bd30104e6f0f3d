using TpGen.Schema;

namespace TpGen.Frontends.Tracefs;

/// <summary>
/// Evaluates the integer constant expressions that print fmts use for symbol values, e.g.
/// <c>(1UL &lt;&lt; 3)</c>, <c>-1</c> or <c>(u8)~0</c>, in 64-bit arithmetic.
/// </summary>
internal static class ConstantEvaluator
{
    private const int MaxDepth = 256;

    public static bool TryEvaluate(PrintExpr expression, out ulong value) => TryEvaluate(expression, 0, out value);

    private static bool TryEvaluate(PrintExpr expression, int depth, out ulong value)
    {
        value = 0;
        if (depth > MaxDepth)
            return false;
        switch (expression)
        {
            case IntegerExpr integer:
                value = integer.Value;
                return true;
            case CharExpr c:
                value = c.Value;
                return true;
            case UnaryExpr unary when TryEvaluate(unary.Operand, depth + 1, out ulong operand):
                switch (unary.Operator)
                {
                    case "-": value = unchecked(0UL - operand); return true;
                    case "+": value = operand; return true;
                    case "~": value = ~operand; return true;
                    case "!": value = operand == 0 ? 1UL : 0UL; return true;
                    default: return false;
                }
            case BinaryExpr binary
                when TryEvaluate(binary.Left, depth + 1, out ulong left) && TryEvaluate(binary.Right, depth + 1, out ulong right):
                return TryApply(binary.Operator, left, right, out value);
            case ConditionalExpr conditional when TryEvaluate(conditional.Condition, depth + 1, out ulong condition):
                return TryEvaluate(condition != 0 ? conditional.WhenTrue : conditional.WhenFalse, depth + 1, out value);
            case CastExpr cast when cast.Type.PointerDepth == 0 && TryEvaluate(cast.Operand, depth + 1, out ulong castOperand):
                if (!CTypeFacts.TryGet(cast.Type.BaseType, out int size, out bool signed))
                {
                    // A typedef the format does not define, e.g. (__kernel_rwf_t)0x1 or (__force int)x:
                    // every integer type holds a small non-negative value unchanged.
                    value = castOperand;
                    return castOperand <= int.MaxValue && !cast.Type.IsBool;
                }
                value = Truncate(castOperand, size, signed);
                return true;
            case SizeOfExpr { Type: { PointerDepth: > 0 } }:
                value = 8;
                return true;
            case SizeOfExpr { Type: { } type } when CTypeFacts.TryGet(type.BaseType, out int sizeOf, out _):
                value = (ulong)sizeOf;
                return true;
            default:
                return false;
        }
    }

    private static bool TryApply(string op, ulong left, ulong right, out ulong value)
    {
        value = 0;
        switch (op)
        {
            case "+": value = unchecked(left + right); return true;
            case "-": value = unchecked(left - right); return true;
            case "*": value = unchecked(left * right); return true;
            case "/" when right != 0: value = left / right; return true;
            case "%" when right != 0: value = left % right; return true;
            case "<<": value = right >= 64 ? 0 : left << (int)right; return true;
            case ">>": value = right >= 64 ? 0 : left >> (int)right; return true;
            case "&": value = left & right; return true;
            case "|": value = left | right; return true;
            case "^": value = left ^ right; return true;
            case "==": value = left == right ? 1UL : 0UL; return true;
            case "!=": value = left != right ? 1UL : 0UL; return true;
            case "<": value = left < right ? 1UL : 0UL; return true;
            case ">": value = left > right ? 1UL : 0UL; return true;
            case "<=": value = left <= right ? 1UL : 0UL; return true;
            case ">=": value = left >= right ? 1UL : 0UL; return true;
            case "&&": value = left != 0 && right != 0 ? 1UL : 0UL; return true;
            case "||": value = left != 0 || right != 0 ? 1UL : 0UL; return true;
            default: return false;
        }
    }

    /// <summary>Converts a 64-bit pattern to a C integer type of <paramref name="size"/> bytes, sign-extending signed types.</summary>
    public static ulong Truncate(ulong value, int size, bool signed)
    {
        if (size >= 8)
            return value;
        int bits = size * 8;
        ulong mask = (1UL << bits) - 1;
        ulong truncated = value & mask;
        if (signed && (truncated >> (bits - 1) & 1) != 0)
            truncated |= ~mask;
        return truncated;
    }
}
