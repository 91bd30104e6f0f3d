using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using TpGen.Schema;

namespace TpGen.Tests.Support;

/// <summary>A raw record made for a test, and what it is meant to exercise.</summary>
internal sealed record SampleRecord(string Label, byte[] Bytes);

/// <summary>
/// Records for any event, built from its format alone: zero-filled, all bits set, negative,
/// small numbers, the values its <c>__print_symbolic</c>/<c>__print_flags</c> tables name, real
/// kernel addresses in its pointer fields, and seeded random bytes. Strings are ASCII and end in
/// NUL inside their field, and booleans hold 0 or 1, as the kernel writes them.
/// </summary>
internal sealed class SampleRecords
{
    private readonly ulong _codeAddress;
    private readonly ulong _stringAddress;

    /// <param name="codeAddress">An address inside a kernel function, for pointer fields.</param>
    /// <param name="stringAddress">An address printk_formats lists, for <c>const char *</c> fields.</param>
    public SampleRecords(ulong codeAddress, ulong stringAddress)
    {
        _codeAddress = codeAddress;
        _stringAddress = stringAddress;
    }

    public IEnumerable<SampleRecord> For(TracepointSchema schema)
    {
        yield return new("zero", Build(schema, (field, builder, _) => Empty(field, builder)));
        yield return new("all bits set", Build(schema, (field, builder, _) => Fill(field, builder, 0xFF, longStrings: true)));
        yield return new("negative", Build(schema, (field, builder, _) => Fill(field, builder, 0x80, longStrings: false, topByteOnly: true)));
        yield return new("small numbers", Build(schema, (field, builder, i) => Number(field, builder, i + 1)));
        List<(string Field, ulong[] Values)> named = NamedValues(schema);
        for (int k = 0; k < 3 && named.Count > 0; k++)
        {
            yield return new($"named values {k}", Build(schema, (field, builder, i) =>
            {
                var match = named.FirstOrDefault(n => n.Field == field.Name);
                if (match.Values is { Length: > 0 } values && IsInteger(field))
                    builder.Set(field.Name, unchecked((long)values[(k * 5 + 1) % values.Length]));
                else
                    Number(field, builder, i + 1);
            }));
        }
        if (named.Count > 0)
        {
            yield return new("all named bits", Build(schema, (field, builder, i) =>
            {
                var match = named.FirstOrDefault(n => n.Field == field.Name);
                if (match.Values is { Length: > 0 } values && IsInteger(field))
                    builder.Set(field.Name, unchecked((long)values.Aggregate(0UL, (a, v) => a | v)));
                else
                    Number(field, builder, i + 1);
            }));
        }
        if (schema.Fields.Any(f => f.Kind == FieldKind.Pointer || IsInteger(f) && f.Size == 8))
        {
            yield return new("kernel addresses", Build(schema, (field, builder, i) =>
            {
                if (field.Kind == FieldKind.Pointer && field.Type.Text.Contains("char", StringComparison.Ordinal))
                    builder.Set(field.Name, unchecked((long)_stringAddress));
                else if (field.Kind == FieldKind.Pointer || IsInteger(field) && field.Size == 8)
                    builder.Set(field.Name, unchecked((long)(_codeAddress + (ulong)i)));
                else
                    Number(field, builder, i + 1);
            }));
        }
        for (int r = 0; r < 4; r++)
        {
            var random = new Random(StableHash(schema.FullName) * 31 + r);
            yield return new($"random {r}", Build(schema, (field, builder, _) => Random(field, builder, random)));
        }
    }

    private static byte[] Build(TracepointSchema schema, Action<FieldSpec, RecordBuilder, int> fill)
    {
        var builder = new RecordBuilder(schema);
        int i = 0;
        foreach (FieldSpec field in schema.Fields)
        {
            if (field.IsCommon)
                continue;
            fill(field, builder, i++);
        }
        byte[] record = builder.Build();
        MatchLengths(schema, record);
        return record;
    }

    /// <summary>
    /// A field that gives the length of a dump (<c>__print_hex(__get_dynamic_array(buf), REC-&gt;len)</c>)
    /// holds the length of the array, as the kernel's TP_fast_assign writes both.
    /// </summary>
    private static void MatchLengths(TracepointSchema schema, byte[] record)
    {
        foreach (CallExpr call in Calls(schema))
        {
            if (call.Function is not ("__print_hex" or "__print_hex_str" or "__print_array") || call.Arguments.Count < 2 ||
                Unwrap(call.Arguments[1]) is not FieldExpr lengthExpr || schema.FindField(lengthExpr.Field) is not { } length || !IsInteger(length))
                continue;
            int bytes;
            switch (call.Arguments[0])
            {
                case CallExpr { Arguments: [IdentifierExpr name] } when schema.FindField(name.Name) is { IsDynamic: true } dynamic:
                    bytes = BitConverter.ToUInt16(record, dynamic.Offset + 2);
                    break;
                case FieldExpr f when schema.FindField(f.Field) is { } fixedField:
                    bytes = fixedField.Size;
                    break;
                default:
                    continue;
            }
            ulong elementSize = 1;
            if (call.Function == "__print_array")
            {
                elementSize = call.Arguments.Count < 3 ? 0 : call.Arguments[2] switch
                {
                    IntegerExpr integer => integer.Value,
                    SizeOfExpr { Type: { PointerDepth: 0 } type } when CTypeFacts.TryGet(type.BaseType, out int size, out _) => (ulong)size,
                    _ => 0,
                };
                if (elementSize is 0 or > 8)
                    continue;
            }
            ulong value = (ulong)bytes / elementSize;
            for (int b = 0; b < length.Size; b++)
                record[length.Offset + b] = (byte)(value >> (8 * b));
        }
    }

    private static IEnumerable<CallExpr> Calls(TracepointSchema schema)
    {
        if (schema.Print is null)
            yield break;
        var pending = new Stack<PrintExpr>(schema.Print.Arguments);
        while (pending.Count > 0)
        {
            PrintExpr expression = pending.Pop();
            if (expression is CallExpr call)
            {
                yield return call;
                foreach (PrintExpr a in call.Arguments)
                    pending.Push(a);
            }
            else if (expression is ConditionalExpr c)
            {
                pending.Push(c.WhenTrue);
                pending.Push(c.WhenFalse);
            }
        }
    }

    private static bool IsInteger(FieldSpec field) => field.Kind is FieldKind.Scalar or FieldKind.Enum && field.Size is 1 or 2 or 4 or 8;

    private static void Empty(FieldSpec field, RecordBuilder builder)
    {
        if (field.Kind == FieldKind.DynamicString)
            builder.String(field.Name, "");
        else if (field.Kind == FieldKind.DynamicArray)
            builder.Dynamic(field.Name, Array.Empty<byte>());
    }

    private static void Fill(FieldSpec field, RecordBuilder builder, byte value, bool longStrings, bool topByteOnly = false)
    {
        switch (field.Kind)
        {
            case FieldKind.Bool:
                builder.Set(field.Name, 1);
                break;
            case FieldKind.CharArray when field.ElementCount > 0:
                builder.String(field.Name, new string(longStrings ? 'z' : 'n', field.Size - 1));
                break;
            case FieldKind.DynamicString:
                builder.String(field.Name, longStrings ? new string('L', 300) : "-");
                break;
            case FieldKind.DynamicArray:
                builder.Dynamic(field.Name, Enumerable.Repeat(value, Math.Max(field.ElementSize, 1) * (longStrings ? 64 : 3)).ToArray());
                break;
            case FieldKind.CharArray or FieldKind.FixedArray when field.ElementCount == 0:
                break;
            default:
                var bytes = new byte[field.Size];
                if (topByteOnly)
                {
                    int element = Math.Max(1, field.ElementSize > 0 && field.Kind == FieldKind.FixedArray ? field.ElementSize : field.Size);
                    for (int i = element - 1; i < bytes.Length; i += element)
                        bytes[i] = value;
                }
                else
                {
                    bytes.AsSpan().Fill(value);
                }
                builder.Bytes(field.Name, bytes);
                break;
        }
    }

    private static void Number(FieldSpec field, RecordBuilder builder, int value)
    {
        switch (field.Kind)
        {
            case FieldKind.Bool:
                builder.Set(field.Name, value & 1);
                break;
            case FieldKind.Scalar or FieldKind.Enum or FieldKind.Pointer when field.Size is 1 or 2 or 4 or 8:
                builder.Set(field.Name, value);
                break;
            case FieldKind.CharArray when field.ElementCount > 0:
            {
                string text = "s" + value.ToString(System.Globalization.CultureInfo.InvariantCulture);
                builder.String(field.Name, text[..Math.Min(text.Length, field.Size - 1)]);
                break;
            }
            case FieldKind.DynamicString:
                builder.String(field.Name, "str" + value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case FieldKind.DynamicArray:
                builder.Dynamic(field.Name, Enumerable.Range(1, Math.Max(field.ElementSize, 1) * 4).Select(b => (byte)b).ToArray());
                break;
        }
    }

    private static void Random(FieldSpec field, RecordBuilder builder, Random random)
    {
        switch (field.Kind)
        {
            case FieldKind.Bool:
                builder.Set(field.Name, random.Next(2));
                break;
            case FieldKind.CharArray when field.ElementCount > 0:
                builder.String(field.Name, Ascii(random, random.Next(field.Size)));
                break;
            case FieldKind.DynamicString:
                builder.String(field.Name, Ascii(random, random.Next(40)));
                break;
            case FieldKind.DynamicArray:
            {
                var payload = new byte[Math.Max(field.ElementSize, 1) * random.Next(9)];
                random.NextBytes(payload);
                builder.Dynamic(field.Name, payload);
                break;
            }
            case FieldKind.CharArray or FieldKind.FixedArray when field.ElementCount == 0:
                break;
            default:
            {
                var bytes = new byte[field.Size];
                random.NextBytes(bytes);
                // Mostly small magnitudes of either sign, sometimes the full range.
                if (random.Next(3) > 0 && field.Kind is FieldKind.Scalar or FieldKind.Enum && field.Size > 1)
                {
                    byte fill = random.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                    bytes.AsSpan(random.Next(1, field.Size)).Fill(fill);
                }
                builder.Bytes(field.Name, bytes);
                break;
            }
        }
    }

    private static string Ascii(Random random, int length)
    {
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
            text.Append((char)random.Next(0x21, 0x7F));
        return text.ToString();
    }

    /// <summary>The values each field's <c>__print_symbolic</c> or <c>__print_flags</c> table names, where the value is a plain field.</summary>
    private static List<(string Field, ulong[] Values)> NamedValues(TracepointSchema schema)
    {
        var found = new List<(string, ulong[])>();
        if (schema.Print is null)
            return found;
        foreach (SymbolTable table in PrintExprWalker.SymbolTables(schema.Print))
        {
            if (Unwrap(table.Value) is FieldExpr field)
                found.Add((field.Field, table.Entries.Where(e => e.IsResolved).Select(e => e.Value).ToArray()));
        }
        return found;
    }

    private static PrintExpr Unwrap(PrintExpr expression)
    {
        while (true)
        {
            switch (expression)
            {
                case CastExpr c:
                    expression = c.Operand;
                    continue;
                case BinaryExpr { Operator: "&" } b:
                    expression = b.Left;
                    continue;
                default:
                    return expression;
            }
        }
    }

    private static int StableHash(string text)
    {
        int hash = 17;
        foreach (char c in text)
            hash = unchecked(hash * 31 + c);
        return hash & 0x7FFFFF;
    }
}
