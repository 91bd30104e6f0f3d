using System;
using System.Collections.Generic;
using System.Globalization;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters.CSharp;

/// <summary>
/// Compiles a print fmt into C# statements that write the event's text through a
/// <c>TraceTextWriter w</c> reading fields from <c>_record</c>. C's integer semantics (promotion,
/// the usual arithmetic conversions, unsigned wrap-around) are kept by typing every
/// sub-expression as int, unsigned int, long or unsigned long and casting explicitly.
/// Whatever it cannot compile faithfully makes it fail with a reason, and the caller falls
/// back to a field list rather than print something the kernel would not.
/// </summary>
internal sealed class PrintLowering
{
    private const int MaxDepth = 200;

    private readonly TracepointSchema _schema;
    private readonly SourceWriter _out;
    private readonly SymbolTables _tables;
    private readonly IReadOnlyDictionary<string, FieldPlan> _fields;
    private readonly Dictionary<string, PrintExpr> _locals = new(StringComparer.Ordinal);
    private int _temporaries;
    private int _depth;

    private PrintLowering(TracepointSchema schema, SourceWriter output, SymbolTables tables, IReadOnlyDictionary<string, FieldPlan> fields)
    {
        _schema = schema;
        _out = output;
        _tables = tables;
        _fields = fields;
    }

    /// <summary>Writes the statements for <paramref name="print"/>; false with a reason when it cannot be compiled faithfully.</summary>
    public static bool TryLower(TracepointSchema schema, PrintFormat print, IReadOnlyDictionary<string, FieldPlan> fields, SourceWriter output, SymbolTables tables, out string reason)
    {
        var scratch = new SourceWriter();
        var lowering = new PrintLowering(schema, scratch, tables, fields);
        try
        {
            lowering.LowerAll(print);
        }
        catch (UnsupportedException e)
        {
            reason = e.Message;
            return false;
        }
        output.Line(scratch.ToString().TrimEnd('\n'));
        reason = "";
        return true;
    }

    private void LowerAll(PrintFormat print)
    {
        foreach (FormatSegment segment in print.Segments)
        {
            if (segment.Literal is { } literal)
            {
                _out.Line($"w.Literal({CSharpNames.StringLiteral(literal)});");
                continue;
            }
            Conversion conversion = segment.Conversion!;
            string spec = SpecFor(conversion, print);
            PrintExpr argument = print.Arguments[conversion.ValueArgument];
            switch (conversion.Specifier)
            {
                case 's':
                    WriteString(argument, spec);
                    break;
                case 'p':
                    WritePointer(argument, conversion.PointerExtension, spec);
                    break;
                default:
                {
                    Value value = Lower(argument);
                    if (value.Kind != ValueKind.Integer)
                        throw new UnsupportedException($"'{conversion.Spec}' is given a {Describe(value)}");
                    _out.Line($"w.Integer({ToUInt64(value)}, {spec});");
                    break;
                }
            }
        }
    }

    private string SpecFor(Conversion conversion, PrintFormat print)
    {
        string spec = _tables.Spec(conversion);
        int argument = conversion.FirstArgument;
        if (conversion.Width == Conversion.FromArgument)
            spec += $".WithWidth({AsInt64(Lower(print.Arguments[argument++]), "a '*' width")})";
        if (conversion.Precision == Conversion.FromArgument)
            spec += $".WithPrecision({AsInt64(Lower(print.Arguments[argument]), "a '*' precision")})";
        return spec;
    }

    // %s: anything that produces text.
    private void WriteString(PrintExpr argument, string spec)
    {
        Value value = Lower(argument);
        switch (value.Kind)
        {
            case ValueKind.Bytes:
                _out.Line($"w.String({value.Code}, {spec});");
                break;
            case ValueKind.Text:
                _out.Open("");
                _out.Line("int start = w.BeginString();");
                value.WriteText!();
                _out.Line($"w.EndString(start, {spec});");
                _out.Close();
                break;
            case ValueKind.Integer when value.IsPointer:
                // A pointer to a kernel string: found through printk_formats where the kernel lists it.
                _out.Line($"w.KernelString({ToUInt64(value)}, {spec});");
                break;
            default:
                throw new UnsupportedException($"'%s' is given a {Describe(value)}");
        }
    }

    // %p and its extensions.
    private void WritePointer(PrintExpr argument, string extension, string spec)
    {
        Value value = Lower(argument);
        char kind = extension.Length > 0 ? extension[0] : '\0';
        switch (kind)
        {
            case 'S' or 's' or 'B' or 'F' or 'f':
                if (value.Kind != ValueKind.Integer)
                    throw new UnsupportedException($"'%p{extension}' is given a {Describe(value)}");
                bool withOffset = kind is 'S' or 'B' or 'F' && !extension.Contains("R") || extension == "SR";
                _out.Line($"w.Symbol({ToUInt64(value)}, {(withOffset ? "true" : "false")}, {spec});");
                break;
            case 'I' or 'i' or 'M' or 'm' or 'U' or 'h':
                // A char array holds the address's bytes, not text: the extension reads all of them.
                if (StripCasts(argument) is FieldExpr { Field: var name } && _schema.FindField(name) is { Kind: FieldKind.CharArray, ElementCount: > 0 } chars)
                    value = Value.BytesOf($"_layout.Bytes(_record, {Slot(chars)})", chars);
                if (value.Kind != ValueKind.Bytes)
                    throw new UnsupportedException($"'%p{extension}' needs the bytes it points at, which are outside the record");
                _out.Line($"w.PointerBytes({value.Code}, {CSharpNames.StringLiteral(extension)}, {spec});");
                break;
            case '\0' or 'K' or 'x' or 'X':
                if (value.Kind != ValueKind.Integer)
                    throw new UnsupportedException($"'%p' of a {Describe(value)}: its address is not in the record");
                _out.Line($"w.Pointer({ToUInt64(value)}, {spec});");
                break;
            default:
                throw new UnsupportedException($"'%p{extension}' prints kernel data that the record does not hold");
        }
    }

    private static PrintExpr StripCasts(PrintExpr expression)
    {
        while (expression is CastExpr cast)
            expression = cast.Operand;
        return expression;
    }

    private Value Lower(PrintExpr expression)
    {
        if (++_depth > MaxDepth)
            throw new UnsupportedException("the expression nests too deeply");
        try
        {
            return LowerCore(expression);
        }
        finally
        {
            _depth--;
        }
    }

    private Value LowerCore(PrintExpr expression)
    {
        switch (expression)
        {
            case IntegerExpr integer:
                return IntegerLiteral(integer);
            case CharExpr c:
                return Value.Int(((int)c.Value).ToString(CultureInfo.InvariantCulture), 4, true);
            case StringExpr s:
                return Value.TextOf(() => _out.Line($"w.Literal({CSharpNames.StringLiteral(s.Value)});"), s.Value);
            case FieldExpr field:
                return LowerField(field.Field);
            case IdentifierExpr identifier when _locals.TryGetValue(identifier.Name, out PrintExpr? local):
                return Lower(local);
            case IdentifierExpr identifier:
                throw new UnsupportedException($"'{identifier.Name}' is a kernel name the record does not hold");
            case UnaryExpr unary:
                return LowerUnary(unary);
            case BinaryExpr binary:
                return LowerBinary(binary);
            case ConditionalExpr conditional:
                return LowerConditional(conditional);
            case CastExpr cast:
                return LowerCast(cast);
            case SizeOfExpr sizeOf:
                return LowerSizeOf(sizeOf);
            case IndexExpr index:
                return LowerIndex(index);
            case CallExpr call:
                return LowerCall(call);
            case SymbolicExpr symbolic:
                return LowerSymbolic(symbolic);
            case FlagsExpr flags:
                return LowerFlags(flags);
            case StatementExpr { Result: { } result } statement:
                foreach (LocalDeclaration local in statement.Locals)
                    _locals[local.Name] = new CastExpr(local.Type, local.Initializer);
                return Lower(result);
            case StatementExpr:
                throw new UnsupportedException("a statement expression '({ ... })' runs kernel code");
            case MemberExpr member:
                throw new UnsupportedException($"member access '.{member.Member}' reads kernel memory");
            default:
                throw new UnsupportedException($"'{expression.GetType().Name}' cannot be evaluated from the record");
        }
    }

    private Value LowerField(string name)
    {
        FieldSpec field = _schema.FindField(name) ?? throw new UnsupportedException($"field '{name}' does not exist");
        switch (field.Kind)
        {
            case FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer or FieldKind.Bool:
            {
                // Read through the generated property, as the enum's underlying integer where it has one.
                FieldPlan plan = _fields[name];
                bool pointer = field.Kind == FieldKind.Pointer;
                bool signed = !pointer && field.Kind != FieldKind.Bool && field.IsSigned;
                string code = field.Kind == FieldKind.Bool
                    ? $"({plan.PropertyName} ? 1 : 0)"
                    : plan.ViewType == CSharpTypes.Integer(field.Size, signed) ? plan.PropertyName : $"(({CSharpTypes.Integer(field.Size, signed)}){plan.PropertyName})";
                return Promote(Value.Int(code, field.Kind == FieldKind.Bool ? 4 : field.Size, signed || field.Kind == FieldKind.Bool) with { IsPointer = pointer });
            }
            case FieldKind.CharArray when field.ElementCount > 0:
            case FieldKind.DynamicString:
                return Value.BytesOf(_fields[name].PropertyName + ".Utf8", field);
            case FieldKind.DynamicArray:
                return Value.BytesOf(DynamicBytes(field), field);
            default:
                // Fixed arrays, flexible tails and opaque fields: their bytes, wherever this kernel puts them.
                return Value.BytesOf($"_layout.Bytes(_record, {Slot(field)})", field);
        }
    }

    private string DynamicBytes(FieldSpec field) => $"_layout.Dynamic(_record, {Slot(field)}, out _)";

    // The field's slot in the event's layout.
    private string Slot(FieldSpec field) => Number(_fields[field.Name].Index);

    private Value LowerUnary(UnaryExpr unary)
    {
        if (unary.Operator == "&")
        {
            // &REC->field: the field's own bytes, which %p extensions such as %pI6 read.
            if (unary.Operand is FieldExpr reference && _schema.FindField(reference.Field) is { } field)
            {
                return field.Kind is FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer or FieldKind.Bool
                    ? Value.BytesOf($"_layout.Bytes(_record, {Slot(field)})", field)
                    : LowerField(field.Name);
            }
            throw new UnsupportedException("'&' of something other than a field");
        }
        if (unary.Operator == "*")
            throw new UnsupportedException("'*' dereferences kernel memory");

        Value operand = RequireInteger(Lower(unary.Operand), unary.Operator);
        return unary.Operator switch
        {
            "+" => operand,
            "-" => operand.Signed
                ? Value.Int($"unchecked(-{Paren(operand.Code)})", operand.Size, true)
                : Value.Int($"unchecked({(operand.Size == 8 ? "0UL" : "0U")} - {Paren(operand.Code)})", operand.Size, false),
            "~" => Value.Int($"(~{Paren(operand.Code)})", operand.Size, operand.Signed),
            "!" => Value.Int($"({Paren(operand.Code)} == 0 ? 1 : 0)", 4, true),
            _ => throw new UnsupportedException($"operator '{unary.Operator}'"),
        };
    }

    private Value LowerBinary(BinaryExpr binary)
    {
        if (binary.Operator is "," or "=")
            throw new UnsupportedException($"operator '{binary.Operator}' in a print argument");

        Value left = RequireInteger(Lower(binary.Left), binary.Operator);
        Value right = RequireInteger(Lower(binary.Right), binary.Operator);
        switch (binary.Operator)
        {
            case "&&" or "||":
                return Value.Int($"({Paren(left.Code)} != 0 {binary.Operator} {Paren(right.Code)} != 0 ? 1 : 0)", 4, true);
            case "<<" or ">>":
                return Value.Int($"unchecked({Paren(left.Code)} {binary.Operator} (int){Paren(right.Code)})", left.Size, left.Signed);
        }

        (int size, bool signed) = Common(left, right);
        string a = Convert(left, size, signed);
        string b = Convert(right, size, signed);
        string type = CSharpTypes.Integer(size, signed)!;
        switch (binary.Operator)
        {
            case "==" or "!=" or "<" or ">" or "<=" or ">=":
                return Value.Int($"({a} {binary.Operator} {b} ? 1 : 0)", 4, true);
            case "/" or "%":
                string method = binary.Operator == "/" ? "Divide" : "Remainder";
                return Value.Int($"global::TpGen.Formatting.CArithmetic.{method}({a}, {b})", size, signed);
            case "+" or "-" or "*" or "&" or "|" or "^":
                return Value.Int($"unchecked(({type})({a} {binary.Operator} {b}))", size, signed);
            default:
                throw new UnsupportedException($"operator '{binary.Operator}'");
        }
    }

    private Value LowerConditional(ConditionalExpr conditional)
    {
        Value condition = RequireInteger(Lower(conditional.Condition), "?:");
        Value whenTrue = Lower(conditional.WhenTrue);
        Value whenFalse = Lower(conditional.WhenFalse);
        string test = $"{Paren(condition.Code)} != 0";

        if (whenTrue.Kind == ValueKind.Integer && whenFalse.Kind == ValueKind.Integer)
        {
            (int size, bool signed) = Common(whenTrue, whenFalse);
            return Value.Int($"({test} ? {Convert(whenTrue, size, signed)} : {Convert(whenFalse, size, signed)})", size, signed)
                with { IsPointer = whenTrue.IsPointer || whenFalse.IsPointer };
        }
        if (whenTrue.Kind == ValueKind.Bytes && whenFalse.Kind == ValueKind.Bytes)
            return Value.BytesOf($"({test} ? {whenTrue.Code} : {whenFalse.Code})", null);

        Action writeTrue = TextWriterFor(whenTrue);
        Action writeFalse = TextWriterFor(whenFalse);
        return Value.TextOf(() =>
        {
            _out.Open($"if ({test})");
            writeTrue();
            _out.Close();
            _out.Open("else");
            writeFalse();
            _out.Close();
        }, null);
    }

    private Action TextWriterFor(Value value) => value.Kind switch
    {
        ValueKind.Text => value.WriteText!,
        ValueKind.Bytes => () => _out.Line($"w.String({value.Code}, default);"),
        ValueKind.Integer when value.IsPointer => () => _out.Line($"w.KernelString({ToUInt64(value)}, default);"),
        _ => throw new UnsupportedException($"a conditional mixes text with a {Describe(value)}"),
    };

    private Value LowerCast(CastExpr cast)
    {
        Value operand = Lower(cast.Operand);
        if (cast.Type.PointerDepth > 0)
            return operand.Kind == ValueKind.Integer ? ConvertValue(operand, 8, false, pointer: true) : operand;
        if (operand.Kind != ValueKind.Integer)
            throw new UnsupportedException($"a cast to '{cast.Type.Text}' of a {Describe(operand)}");
        if (cast.Type.IsBool)
            return Value.Int($"({Paren(operand.Code)} != 0 ? 1 : 0)", 4, true);
        if (!CTypeFacts.TryGet(cast.Type.BaseType, out int size, out bool signed))
        {
            // A typedef TpGen does not know: keep the value as it is (such casts name, they rarely narrow).
            return operand;
        }
        return Promote(ConvertValue(operand, size, signed));
    }

    private Value LowerSizeOf(SizeOfExpr sizeOf)
    {
        if (sizeOf.Type is { } type)
        {
            if (type.PointerDepth > 0)
                return Value.Int("8UL", 8, false);
            if (CTypeFacts.TryGet(type.BaseType, out int size, out _))
                return Value.Int(Number(size) + "UL", 8, false);
            throw new UnsupportedException("sizeof of a type whose size the format does not give");
        }
        // sizeof(REC->hdr) is the field's declared size, which the format gives; sizeof(REC->a[0]) an element's.
        PrintExpr operand = sizeOf.Operand!;
        if (operand is FieldExpr field && _schema.FindField(field.Field) is { Location: DynamicLocation.None, Size: > 0 } fixedField)
            return Value.Int(Number(fixedField.Size) + "UL", 8, false);
        if (operand is IndexExpr { Target: FieldExpr array } && _schema.FindField(array.Field) is { Kind: FieldKind.FixedArray or FieldKind.CharArray, ElementSize: > 0 } arrayField)
            return Value.Int(Number(arrayField.ElementSize) + "UL", 8, false);
        throw new UnsupportedException("sizeof of an expression other than a fixed field or one of its elements");
    }

    private Value LowerIndex(IndexExpr index)
    {
        if (index.Target is not FieldExpr target || _schema.FindField(target.Field) is not { } field ||
            field.Kind is not (FieldKind.FixedArray or FieldKind.CharArray) || field.ElementCount <= 0)
            throw new UnsupportedException("indexing something other than a fixed array field");
        if (!TpGen.Frontends.Tracefs.ConstantEvaluator.TryEvaluate(index.Index, out ulong constant) || constant >= (ulong)field.ElementCount)
            throw new UnsupportedException($"index into '{field.Name}' is not a constant inside the array");
        bool signed = field.Type.PointerDepth == 0 && field.IsSigned;
        string type = CSharpTypes.Integer(field.ElementSize, signed) ?? throw new UnsupportedException($"elements of '{field.Name}' have no integer type");
        // An element the running kernel's (shorter) array lacks reads as 0.
        return Promote(Value.Int($"_layout.Element<{type}>(_record, {Slot(field)}, {Number((int)constant)})", field.ElementSize, signed)
            with { IsPointer = field.Type.PointerDepth > 0 });
    }

    private Value LowerCall(CallExpr call)
    {
        string function = call.Function;
        if (PrintExprWalker.IsFieldAccessor(function))
        {
            if (call.Arguments.Count != 1 || call.Arguments[0] is not IdentifierExpr name || _schema.FindField(name.Name) is not { } field)
                throw new UnsupportedException($"{function} of something that is not a field");
            bool dynamic = field.IsDynamic;
            string bytes = dynamic ? DynamicBytes(field) : $"_layout.Bytes(_record, {Slot(field)})";
            switch (function)
            {
                case "__get_str" or "__get_rel_str":
                    return Value.BytesOf(dynamic ? $"new {CSharpTypes.KernelString}({bytes}).Utf8" : $"_layout.CharArray(_record, {Slot(field)}).Utf8", field);
                case "__get_dynamic_array_len" or "__get_rel_dynamic_array_len" or "__get_sockaddr_len" or "__get_rel_sockaddr_len":
                    if (!dynamic)
                        throw new UnsupportedException($"{function} of a field that is not dynamic");
                    return Value.Int($"_layout.DynamicLength(_record, {Slot(field)})", 4, false);
                case "__get_bitmask" or "__get_rel_bitmask" or "__get_cpumask" or "__get_rel_cpumask":
                    return Value.TextOf(() => _out.Line($"w.Bitmask({bytes});"), null);
                default:
                    return Value.BytesOf(bytes, field);
            }
        }

        switch (function)
        {
            case "__print_hex" or "__print_hex_str" when call.Arguments.Count == 2:
            {
                Value buffer = RequireBytes(Lower(call.Arguments[0]), function);
                Value length = RequireInteger(Lower(call.Arguments[1]), function);
                bool concatenate = function == "__print_hex_str";
                return Value.TextOf(() => _out.Line($"w.Hex({Clamp(buffer.Code, AsInt64(length, function))}, {Bool(concatenate)});"), null);
            }
            case "__print_array" when call.Arguments.Count == 3:
            {
                Value array = RequireBytes(Lower(call.Arguments[0]), function);
                Value count = RequireInteger(Lower(call.Arguments[1]), function);
                Value size = RequireInteger(Lower(call.Arguments[2]), function);
                return Value.TextOf(() => _out.Line($"w.Array({array.Code}, (int)global::System.Math.Clamp({AsInt64(count, function)}, 0L, 65536L), (int)global::System.Math.Clamp({AsInt64(size, function)}, 0L, 64L));"), null);
            }
            case "__builtin_expect" when call.Arguments.Count == 2:
                return Lower(call.Arguments[0]);
            case "__builtin_constant_p" when call.Arguments.Count == 1:
                return Value.Int("0", 4, true);
            case "jiffies_to_msecs" or "jiffies_to_usecs" when call.Arguments.Count == 1:
            {
                Value jiffies = RequireInteger(Lower(call.Arguments[0]), function);
                string method = function == "jiffies_to_msecs" ? "JiffiesToMilliseconds" : "JiffiesToMicroseconds";
                return Value.Int($"global::TpGen.Kernel.KernelClock.{method}({ToUInt64(jiffies)})", 4, false);
            }
            default:
                throw new UnsupportedException($"'{function}()' is kernel code TpGen cannot run");
        }
    }

    private Value LowerSymbolic(SymbolicExpr symbolic)
    {
        // A field's own value is named by the table of the kernel that wrote the record, as its text does.
        if (NamedField(symbolic.Value) is { } named)
        {
            return Value.TextOf(() =>
            {
                string temporary = "v" + Number(_temporaries++);
                _out.Open("");
                _out.Line($"ulong {temporary} = _layout.ReadRaw(_record, {named});");
                _out.Line($"w.Symbol(_layout.ValueName({named}, {temporary}), {temporary});");
                _out.Close();
            }, null);
        }
        Value value = RequireInteger(Lower(symbolic.Value), "__print_symbolic");
        string method = _tables.Symbolic(symbolic.Entries);
        return Value.TextOf(() =>
        {
            string temporary = "v" + Number(_temporaries++);
            _out.Open("");
            _out.Line($"ulong {temporary} = {ToUInt64(value)};");
            _out.Line($"w.Symbol({method}({temporary}), {temporary});");
            _out.Close();
        }, null);
    }

    private Value LowerFlags(FlagsExpr flags)
    {
        if (NamedField(flags.Value) is { } named)
            return Value.TextOf(() => _out.Line($"w.Flags(_layout.ReadRaw(_record, {named}), {CSharpNames.StringLiteral(flags.Delimiter)}, _layout.FlagNames({named}));"), null);
        Value value = RequireInteger(Lower(flags.Value), "__print_flags");
        string table = _tables.Flags(flags.Entries);
        return Value.TextOf(() => _out.Line($"w.Flags({ToUInt64(value)}, {CSharpNames.StringLiteral(flags.Delimiter)}, {table});"), null);
    }

    // The slot of the field a symbol table names directly (through casts), when FieldSymbols gives it that table.
    private string? NamedField(PrintExpr value)
    {
        if (PrintExprWalker.FieldRead(value) is not { } name || _schema.FindField(name) is not { } field || !_fields.ContainsKey(name))
            return null;
        FieldSymbolTable? table = FieldSymbols.For(_schema, name);
        return table is not null && table.Source == FieldSymbolSource.PrintFmt ? Slot(field) : null;
    }

    private static Value IntegerLiteral(IntegerExpr integer)
    {
        int size = integer.IsLong ? 8 : 4;
        bool signed = !integer.IsUnsigned;
        string suffix = (signed ? "" : "U") + (size == 8 ? "L" : "");
        string digits = integer.Value.ToString(CultureInfo.InvariantCulture);
        if (signed && size == 8 && integer.Value > long.MaxValue)
            return Value.Int($"unchecked((long){digits}UL)", 8, true);
        return Value.Int(digits + suffix, size, signed);
    }

    // C promotes char and short to int before any arithmetic.
    private static Value Promote(Value value) =>
        value.Kind == ValueKind.Integer && value.Size < 4
            ? Value.Int($"(int){Paren(value.Code)}", 4, true) with { IsPointer = value.IsPointer }
            : value;

    private static (int Size, bool Signed) Common(Value a, Value b)
    {
        if (a.Size == 8 || b.Size == 8)
            return (8, !(a.Size == 8 && !a.Signed || b.Size == 8 && !b.Signed));
        return (4, a.Signed && b.Signed);
    }

    private static string Convert(Value value, int size, bool signed)
    {
        if (value.Size == size && value.Signed == signed)
            return Paren(value.Code);
        return $"unchecked(({CSharpTypes.Integer(size, signed)}){Paren(value.Code)})";
    }

    private static Value ConvertValue(Value value, int size, bool signed, bool pointer = false)
        => Value.Int(Convert(value, size, signed), size, signed) with { IsPointer = pointer };

    /// <summary>The value as C's conversion to <c>unsigned long long</c> gives it: sign-extended from its own type.</summary>
    private static string ToUInt64(Value value) => value.Size == 8 && !value.Signed ? Paren(value.Code) : $"unchecked((ulong){Paren(value.Code)})";

    private static string AsInt64(Value value, string what)
    {
        if (value.Kind != ValueKind.Integer)
            throw new UnsupportedException($"{what} is not an integer");
        return value.Size == 8 && value.Signed ? Paren(value.Code) : $"unchecked((long){Paren(value.Code)})";
    }

    private static string Clamp(string bytes, string length) =>
        $"{bytes}.Slice(0, (int)global::System.Math.Clamp({length}, 0L, (long){Paren(bytes)}.Length))";

    private static Value RequireInteger(Value value, string what) =>
        value.Kind == ValueKind.Integer ? value : throw new UnsupportedException($"'{what}' is applied to a {Describe(value)}");

    private static Value RequireBytes(Value value, string what) =>
        value.Kind == ValueKind.Bytes ? value : throw new UnsupportedException($"{what} needs bytes from the record, not a {Describe(value)}");

    private static string Describe(Value value) => value.Kind switch
    {
        ValueKind.Integer => value.IsPointer ? "pointer" : "number",
        ValueKind.Bytes => "byte array",
        _ => "string",
    };

    private static string Paren(string code)
    {
        foreach (char c in code)
        {
            if (!char.IsLetterOrDigit(c) && c is not ('_' or '.'))
                return "(" + code + ")";
        }
        return code;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";

    private enum ValueKind
    {
        Integer,
        Bytes,
        Text,
    }

    /// <summary>
    /// A lowered sub-expression: an integer with its C type, a span of record bytes, or text
    /// that can only be written (a helper's output).
    /// </summary>
    private sealed record Value(ValueKind Kind, string Code, int Size, bool Signed)
    {
        public bool IsPointer { get; init; }

        public Action? WriteText { get; init; }

        public static Value Int(string code, int size, bool signed) => new(ValueKind.Integer, code, size, signed);

        public static Value BytesOf(string code, FieldSpec? field) => new(ValueKind.Bytes, code, 0, false);

        public static Value TextOf(Action write, string? constant) => new(ValueKind.Text, constant ?? "", 0, false) { WriteText = write };
    }

    private sealed class UnsupportedException : Exception
    {
        public UnsupportedException(string message)
            : base(message)
        {
        }
    }
}

/// <summary>The constants an event's text needs, each written once: conversions, symbol lookups, flag tables.</summary>
internal sealed class SymbolTables
{
    private readonly Dictionary<string, (Conversion Conversion, string Name)> _specs = new(StringComparer.Ordinal);
    private readonly Dictionary<EquatableArray<SymbolEntry>, string> _symbolic = new();
    private readonly Dictionary<EquatableArray<SymbolEntry>, string> _flags = new();

    /// <summary>The name of a static <c>FormatSpec</c> for a printf conversion such as <c>%-08lx</c>.</summary>
    public string Spec(Conversion conversion)
    {
        if (!_specs.TryGetValue(conversion.Spec, out var spec))
        {
            spec = (conversion, "Format" + _specs.Count.ToString(CultureInfo.InvariantCulture));
            _specs.Add(conversion.Spec, spec);
        }
        return spec.Name;
    }

    /// <summary>The name of a method <c>string? Name(ulong value)</c> for a <c>__print_symbolic</c> table.</summary>
    public string Symbolic(EquatableArray<SymbolEntry> entries)
    {
        if (!_symbolic.TryGetValue(entries, out string? name))
        {
            name = "SymbolName" + _symbolic.Count.ToString(CultureInfo.InvariantCulture);
            _symbolic.Add(entries, name);
        }
        return name;
    }

    /// <summary>The name of a <c>FlagName[]</c> array for a <c>__print_flags</c> table.</summary>
    public string Flags(EquatableArray<SymbolEntry> entries)
    {
        if (!_flags.TryGetValue(entries, out string? name))
        {
            name = "FlagNames" + _flags.Count.ToString(CultureInfo.InvariantCulture);
            _flags.Add(entries, name);
        }
        return name;
    }

    public bool IsEmpty => _specs.Count == 0 && _symbolic.Count == 0 && _flags.Count == 0;

    /// <summary>Writes the tables as private static members.</summary>
    public void Write(SourceWriter output)
    {
        foreach (KeyValuePair<string, (Conversion Conversion, string Name)> spec in _specs)
        {
            // Constants, not the conversion's text: nothing parses a format at run time.
            Conversion c = spec.Value.Conversion;
            int width = c.Width == Conversion.FromArgument ? -1 : c.Width;
            int precision = c.Precision == Conversion.FromArgument ? -1 : c.Precision;
            output.Line($"/// <summary><c>{CSharpNames.XmlText(spec.Key)}</c></summary>");
            output.Line($"private static readonly {CSharpTypes.FormatSpec} {spec.Value.Name} = new(({CSharpTypes.FormatFlags}){((int)c.Flags).ToString(CultureInfo.InvariantCulture)}, {width.ToString(CultureInfo.InvariantCulture)}, {precision.ToString(CultureInfo.InvariantCulture)}, {c.ArgumentSize.ToString(CultureInfo.InvariantCulture)}, {CSharpNames.CharLiteral(c.Specifier)});");
        }
        foreach (KeyValuePair<EquatableArray<SymbolEntry>, string> table in _symbolic)
        {
            output.Open($"private static string? {table.Value}(ulong value) => value switch");
            var seen = new HashSet<ulong>();
            foreach (SymbolEntry entry in table.Key)
            {
                // The kernel prints the first entry that matches; unresolved names are left out.
                if (entry.IsResolved && seen.Add(entry.Value))
                    output.Line($"{entry.Value.ToString(CultureInfo.InvariantCulture)}UL => {CSharpNames.StringLiteral(entry.Name)},");
            }
            output.Line("_ => null,");
            output.Close(";");
        }
        foreach (KeyValuePair<EquatableArray<SymbolEntry>, string> table in _flags)
        {
            output.Open($"private static readonly {CSharpTypes.FlagName}[] {table.Value} =");
            foreach (SymbolEntry entry in table.Key)
            {
                if (entry.IsResolved)
                    output.Line($"new({entry.Value.ToString(CultureInfo.InvariantCulture)}UL, {CSharpNames.StringLiteral(entry.Name)}),");
            }
            output.Close(";");
        }
    }
}
