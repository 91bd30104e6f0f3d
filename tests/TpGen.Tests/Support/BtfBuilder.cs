using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using TpGen.Frontends.Btf;

namespace TpGen.Tests.Support;

/// <summary>
/// Writes BTF blobs for tests, record by record as the kernel's uapi/linux/btf.h lays them out.
/// Ids are handed out in the order types are added, starting at 1, so a test can refer to a
/// type it adds later (that is how cycles are made).
/// </summary>
internal class BtfBuilder
{
    private readonly List<uint> _words = new();
    private readonly MemoryStream _strings = new();
    private readonly Dictionary<string, uint> _stringOffsets = new(StringComparer.Ordinal);

    public BtfBuilder() => _strings.WriteByte(0); // offset 0 is the empty name

    public bool BigEndian { get; init; }

    /// <summary>The id the next type will get.</summary>
    public int NextId { get; private set; } = 1;

    public uint String(string text)
    {
        if (text.Length == 0)
            return 0;
        if (_stringOffsets.TryGetValue(text, out uint offset))
            return offset;
        offset = (uint)_strings.Length;
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        _strings.Write(bytes);
        _strings.WriteByte(0);
        _stringOffsets.Add(text, offset);
        return offset;
    }

    /// <summary>Any record, exactly as given: for corrupt input.</summary>
    public int Raw(uint nameOffset, uint info, uint sizeOrType, params uint[] items)
    {
        _words.Add(nameOffset);
        _words.Add(info);
        _words.Add(sizeOrType);
        _words.AddRange(items);
        return NextId++;
    }

    public static uint Info(BtfKind kind, int vlen = 0, bool kindFlag = false) =>
        (kindFlag ? 0x80000000u : 0) | (uint)kind << 24 | (uint)(vlen & 0xFFFF);

    public int Int(string name, int size, bool signed = false, bool isChar = false, bool isBool = false)
    {
        uint encoding = (signed ? 1u : 0) | (isChar ? 2u : 0) | (isBool ? 4u : 0);
        return Raw(String(name), Info(BtfKind.Int), (uint)size, encoding << 24 | (uint)(size * 8));
    }

    public int Pointer(int target) => Raw(0, Info(BtfKind.Pointer), (uint)target);

    public int Typedef(string name, int target) => Raw(String(name), Info(BtfKind.Typedef), (uint)target);

    public int Const(int target) => Raw(0, Info(BtfKind.Const), (uint)target);

    public int Volatile(int target) => Raw(0, Info(BtfKind.Volatile), (uint)target);

    public int TypeTag(string tag, int target) => Raw(String(tag), Info(BtfKind.TypeTag), (uint)target);

    public int Forward(string name, bool isUnion = false) => Raw(String(name), Info(BtfKind.Forward, 0, isUnion), 0);

    public int Array(int element, uint count, int indexType) => Raw(0, Info(BtfKind.Array), 0, (uint)element, (uint)indexType, count);

    public int Struct(string name, int size, params (string Name, int Type, int BitOffset)[] members) =>
        Aggregate(BtfKind.Struct, name, size, members, bitfields: null);

    /// <summary>A struct with kind_flag set: each member's offset word holds a bitfield size in its top 8 bits.</summary>
    public int StructWithBitfields(string name, int size, params (string Name, int Type, int BitOffset, int BitfieldSize)[] members)
    {
        var plain = new (string, int, int)[members.Length];
        var sizes = new int[members.Length];
        for (int i = 0; i < members.Length; i++)
        {
            plain[i] = (members[i].Name, members[i].Type, members[i].BitOffset);
            sizes[i] = members[i].BitfieldSize;
        }
        return Aggregate(BtfKind.Struct, name, size, plain, sizes);
    }

    public int Union(string name, int size, params (string Name, int Type, int BitOffset)[] members) =>
        Aggregate(BtfKind.Union, name, size, members, bitfields: null);

    private int Aggregate(BtfKind kind, string name, int size, (string Name, int Type, int BitOffset)[] members, int[]? bitfields)
    {
        var items = new List<uint>();
        for (int i = 0; i < members.Length; i++)
        {
            items.Add(String(members[i].Name));
            items.Add((uint)members[i].Type);
            items.Add(bitfields is null ? (uint)members[i].BitOffset : (uint)bitfields[i] << 24 | (uint)members[i].BitOffset);
        }
        return Raw(String(name), Info(kind, members.Length, bitfields is not null), (uint)size, items.ToArray());
    }

    public int Enum(string name, int size, bool signed, params (string Name, long Value)[] values)
    {
        var items = new List<uint>();
        foreach (var (member, value) in values)
        {
            items.Add(String(member));
            items.Add(unchecked((uint)value));
        }
        return Raw(String(name), Info(BtfKind.Enum, values.Length, signed), (uint)size, items.ToArray());
    }

    public int Enum64(string name, bool signed, params (string Name, long Value)[] values)
    {
        var items = new List<uint>();
        foreach (var (member, value) in values)
        {
            items.Add(String(member));
            items.Add(unchecked((uint)value));
            items.Add(unchecked((uint)((ulong)value >> 32)));
        }
        return Raw(String(name), Info(BtfKind.Enum64, values.Length, signed), 8, items.ToArray());
    }

    public int FuncProto(int returnType, params (string Name, int Type)[] parameters)
    {
        var items = new List<uint>();
        foreach (var (name, type) in parameters)
        {
            items.Add(String(name));
            items.Add((uint)type);
        }
        return Raw(0, Info(BtfKind.FuncProto, parameters.Length), (uint)returnType, items.ToArray());
    }

    public int Func(string name, int prototype) => Raw(String(name), Info(BtfKind.Func, 0), (uint)prototype);

    /// <summary>The blob: header, type section, string section, in the builder's byte order.</summary>
    public byte[] Build()
    {
        byte[] strings = _strings.ToArray();
        int typeLength = _words.Count * 4;
        var blob = new byte[24 + typeLength + strings.Length];
        blob[0] = BigEndian ? (byte)0xEB : (byte)0x9F;
        blob[1] = BigEndian ? (byte)0x9F : (byte)0xEB;
        blob[2] = 1; // version
        Write(blob, 4, 24); // hdr_len
        Write(blob, 8, 0); // type_off
        Write(blob, 12, (uint)typeLength);
        Write(blob, 16, (uint)typeLength); // str_off
        Write(blob, 20, (uint)strings.Length);
        for (int i = 0; i < _words.Count; i++)
            Write(blob, 24 + 4 * i, _words[i]);
        strings.CopyTo(blob, 24 + typeLength);
        return blob;
    }

    private void Write(byte[] blob, int offset, uint value)
    {
        for (int i = 0; i < 4; i++)
            blob[offset + (BigEndian ? 3 - i : i)] = (byte)(value >> (8 * i));
    }
}
