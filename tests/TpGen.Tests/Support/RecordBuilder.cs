using System;
using System.Collections.Generic;
using System.Text;
using TpGen.Schema;

namespace TpGen.Tests.Support;

/// <summary>
/// Builds raw tracepoint records by hand from a format's offsets: the test's own oracle for
/// where each value lives, independent of the generated decoders.
/// </summary>
internal sealed class RecordBuilder
{
    private readonly TracepointSchema _schema;
    private readonly byte[] _fixed;
    private readonly List<byte> _dynamic = new();

    public RecordBuilder(TracepointSchema schema)
    {
        _schema = schema;
        _fixed = new byte[schema.FixedSize];
        Set("common_type", schema.Id < 0 ? 0 : schema.Id);
    }

    public RecordBuilder Set(string field, long value)
    {
        FieldSpec spec = Field(field);
        for (int i = 0; i < spec.Size; i++)
            _fixed[spec.Offset + i] = (byte)(value >> (8 * i));
        return this;
    }

    public RecordBuilder Bytes(string field, params byte[] bytes)
    {
        FieldSpec spec = Field(field);
        if (bytes.Length > spec.Size)
            throw new ArgumentException($"{bytes.Length} bytes do not fit {field} ({spec.Size})");
        bytes.CopyTo(_fixed, spec.Offset);
        return this;
    }

    /// <summary>A char[N] field, or a __data_loc string with its NUL, appended to the dynamic part.</summary>
    public RecordBuilder String(string field, string text)
    {
        FieldSpec spec = Field(field);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (spec.Kind == FieldKind.CharArray)
            return Bytes(field, bytes);
        var withNul = new byte[bytes.Length + 1];
        bytes.CopyTo(withNul, 0);
        return Dynamic(field, withNul);
    }

    /// <summary>Appends <paramref name="payload"/> to the dynamic part and points the field's location word at it.</summary>
    public RecordBuilder Dynamic(string field, byte[] payload)
    {
        FieldSpec spec = Field(field);
        int offset = _fixed.Length + _dynamic.Count;
        int stored = spec.Location == DynamicLocation.RelLoc ? offset - (spec.Offset + 4) : offset;
        Location(field, stored, payload.Length);
        _dynamic.AddRange(payload);
        return this;
    }

    /// <summary>Writes a location word directly, for corrupt records.</summary>
    public RecordBuilder Location(string field, int offset, int length) => Set(field, (uint)(offset & 0xFFFF) | (uint)length << 16);

    public byte[] Build()
    {
        var record = new byte[_fixed.Length + _dynamic.Count];
        _fixed.CopyTo(record, 0);
        _dynamic.CopyTo(record, _fixed.Length);
        return record;
    }

    private FieldSpec Field(string name) => _schema.FindField(name) ?? throw new ArgumentException($"{_schema.FullName} has no field {name}");
}
