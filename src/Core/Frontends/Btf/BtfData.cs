using System;
using System.Collections.Generic;

namespace TpGen.Frontends.Btf;

/// <summary>
/// A parsed BTF blob, as the kernel exposes its own types in <c>/sys/kernel/btf/vmlinux</c>:
/// the type table and the string section. Parsing checks the whole structure up front (every
/// record inside the type section, every name inside the string section, every type id in
/// range, no reference cycles that C cannot express) and decodes single types on demand.
/// </summary>
/// <remarks>
/// Pure: bytes in, types out; reading files is the caller's job (<c>TpGen.Kernel.KernelBtf</c>
/// in the runtime). Both byte orders are read. Split BTF (kernel modules, whose ids continue
/// those of vmlinux) is not supported. Instances are safe to share between threads.
/// </remarks>
public sealed class BtfData
{
    /// <summary>The largest type id BTF can encode (<c>BTF_MAX_TYPE</c>).</summary>
    public const int MaxTypeId = 0xFFFFF;

    private const int RecordWords = 3; // name_off, info, size/type

    private readonly BtfBytes _bytes;
    private readonly BtfHeader _header;
    private readonly uint[] _words; // the type section
    private readonly int[] _records; // each id's first word in _words; [0] (void) is unused
    private readonly BtfType?[] _decoded;
    private readonly Dictionary<BtfKind, Dictionary<string, int[]>> _names = new();
    private int _pointerSize;

    private BtfData(BtfBytes bytes, BtfHeader header, uint[] words, int[] records)
    {
        _bytes = bytes;
        _header = header;
        _words = words;
        _records = records;
        _decoded = new BtfType?[records.Length];
    }

    /// <summary>The file (or other name) the data came from, as diagnostics name it.</summary>
    public string File => _bytes.File;

    /// <summary>Whether the blob is big-endian (its magic reads EB 9F).</summary>
    public bool IsBigEndian => _header.BigEndian;

    /// <summary>The number of type ids, counting id 0 (<c>void</c>): valid ids are 0 to <c>TypeCount - 1</c>.</summary>
    public int TypeCount => _records.Length;

    /// <summary>
    /// The size of a pointer: BTF does not record it, so, as libbpf does, it is the size of
    /// <c>long</c> (8 where the blob has no <c>long</c>).
    /// </summary>
    public int PointerSize
    {
        get
        {
            if (_pointerSize == 0)
            {
                int size = 8;
                foreach (string name in new[] { "long int", "long unsigned int", "long" })
                {
                    IReadOnlyList<BtfType> found = FindByName(BtfKind.Int, name);
                    if (found.Count > 0 && found[0].Size is 4 or 8)
                    {
                        size = found[0].Size;
                        break;
                    }
                }
                _pointerSize = size;
            }
            return _pointerSize;
        }
    }

    /// <summary>Parses and checks a BTF blob.</summary>
    /// <param name="data">The whole blob, e.g. the bytes of <c>/sys/kernel/btf/vmlinux</c>. It must not change afterwards.</param>
    /// <param name="file">The file name, for diagnostics.</param>
    /// <exception cref="FormatParseException">the data is not BTF, is truncated or is inconsistent; the diagnostic names the byte offset.</exception>
    public static BtfData Parse(byte[] data, string file)
    {
        if (data is null)
            throw new ArgumentNullException(nameof(data));
        if (file is null)
            throw new ArgumentNullException(nameof(file));

        BtfHeader header = BtfHeader.Read(data, file);
        var bytes = new BtfBytes(data, file, header.BigEndian);
        uint[] words = bytes.Words(header.TypeStart, header.TypeEnd);
        int[] records = IndexRecords(bytes, header, words);
        var btf = new BtfData(bytes, header, words, records);
        btf.CheckReferences();
        btf.CheckForCycles();
        return btf;
    }

    /// <summary>The type with id <paramref name="id"/>; id 0 is <c>void</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not a type id of this blob.</exception>
    public BtfType TypeById(int id)
    {
        RequireId(id);
        // Decoding is deterministic, so two threads racing here store equal objects.
        return _decoded[id] ??= Decode(id);
    }

    /// <summary>The kind of type <paramref name="id"/>, without decoding the rest of it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not a type id of this blob.</exception>
    public BtfKind KindOf(int id)
    {
        RequireId(id);
        return id == 0 ? BtfKind.Void : KindField(_words[_records[id] + 1]);
    }

    /// <summary>
    /// The types of <paramref name="kind"/> named <paramref name="name"/>, in id order: usually
    /// one, none when absent. Forward declarations have their own kind, <see cref="BtfKind.Forward"/>.
    /// </summary>
    public IReadOnlyList<BtfType> FindByName(BtfKind kind, string name)
    {
        if (name is null)
            throw new ArgumentNullException(nameof(name));
        if (!NameIndex(kind).TryGetValue(name, out int[]? ids))
            return Array.Empty<BtfType>();
        var types = new BtfType[ids.Length];
        for (int i = 0; i < ids.Length; i++)
            types[i] = TypeById(ids[i]);
        return types;
    }

    /// <summary>The distinct names of the types of <paramref name="kind"/> (anonymous ones left out), in no particular order.</summary>
    public IEnumerable<string> NamesOfKind(BtfKind kind) => NameIndex(kind).Keys;

    /// <summary>An error about type <paramref name="id"/>, located at the start of its record.</summary>
    internal FormatParseException Error(int id, string message) =>
        _bytes.Error(id > 0 && id < _records.Length ? ByteOffset(_records[id]) : _header.TypeStart, message);

    /// <summary>A short description such as <c>[12] Typedef 'u32'</c>, with control characters made printable.</summary>
    internal string Describe(int id)
    {
        BtfType type = TypeById(id);
        return type.Name.Length == 0 ? $"[{id}] {type.Kind}" : $"[{id}] {type.Kind} '{Printable(type.Name)}'";
    }

    /// <summary>Outside text for a message: control characters would garble a terminal or a log, and long names flood it.</summary>
    internal static string Printable(string text)
    {
        var builder = new System.Text.StringBuilder(Math.Min(text.Length, 80));
        foreach (char c in text)
        {
            if (builder.Length >= 77)
                return builder.Append("...").ToString();
            builder.Append(c < ' ' || c == 127 ? '?' : c);
        }
        return builder.ToString();
    }

    private void RequireId(int id)
    {
        if (id < 0 || id >= _records.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"BTF type ids of {File} run from 0 to {_records.Length - 1}");
    }

    private long ByteOffset(long word) => _header.TypeStart + 4 * word;

    private static BtfKind KindField(uint info) => (BtfKind)((info >> 24) & 0x1F);

    private static int Vlen(uint info) => (int)(info & 0xFFFF);

    /// <summary>
    /// Walks the type section once, record by record, and notes where each starts. A record's
    /// length follows from its kind and vlen, so an unknown kind stops the walk: nothing after it
    /// could be found.
    /// </summary>
    private static int[] IndexRecords(BtfBytes bytes, BtfHeader header, uint[] words)
    {
        // Every record takes at least 3 words, which bounds the count before anything is allocated.
        var records = new int[Math.Min(words.Length / RecordWords, MaxTypeId) + 1];
        records[0] = -1;
        int count = 1;
        int at = 0;
        while (at < words.Length)
        {
            long byteOffset = header.TypeStart + 4L * at;
            if (words.Length - at < RecordWords)
                throw bytes.Error(byteOffset, $"type [{count}] starts {4 * (words.Length - at)} bytes before the end of the type section, but a type record needs {4 * RecordWords}");
            if (count == records.Length)
                throw bytes.Error(byteOffset, $"the type section holds more than {MaxTypeId} types, the most BTF can number");

            uint info = words[at + 1];
            int extra = ItemWords(KindField(info), Vlen(info));
            if (extra < 0)
                throw bytes.Error(byteOffset + 4, $"type [{count}] has kind {(int)KindField(info)}, which BTF does not define (1 to 19); the rest of the type section cannot be read");
            if (words.Length - at - RecordWords < extra)
                throw bytes.Error(byteOffset, $"type [{count}] ({KindField(info)} with vlen {Vlen(info)}) needs {4 * (RecordWords + extra)} bytes, past the end of the type section at byte offset {header.TypeEnd}");
            records[count++] = at;
            at += RecordWords + extra;
        }
        Array.Resize(ref records, count);
        return records;
    }

    /// <summary>The number of 32-bit words that follow a record of <paramref name="kind"/>, or -1 for a kind BTF does not define.</summary>
    private static int ItemWords(BtfKind kind, int vlen) => kind switch
    {
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 1,
        BtfKind.Array => 3,
        BtfKind.Struct or BtfKind.Union or BtfKind.DataSec or BtfKind.Enum64 => 3 * vlen,
        BtfKind.Enum or BtfKind.FuncProto => 2 * vlen,
        BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or
            BtfKind.Restrict or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
        _ => -1,
    };

    /// <summary>Checks that every name lies in the string section and every type id in the table.</summary>
    private void CheckReferences()
    {
        uint stringLength = (uint)(_header.StringEnd - _header.StringStart);
        uint typeCount = (uint)_records.Length;
        uint[] words = _words;
        for (int id = 1; id < _records.Length; id++)
        {
            int at = _records[id];
            if (words[at] >= stringLength)
                throw BadName(at, id, "its name", -1);
            uint info = words[at + 1];
            int vlen = Vlen(info);
            int items = at + RecordWords;
            // Each case names the words that hold names (stride, first name) and type ids.
            switch (KindField(info))
            {
                case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or
                    BtfKind.TypeTag or BtfKind.Func or BtfKind.Var or BtfKind.DeclTag:
                    if (words[at + 2] >= typeCount)
                        throw BadType(at + 2, id, "the type it refers to", -1);
                    break;
                case BtfKind.Array:
                    if (words[items] >= typeCount)
                        throw BadType(items, id, "its element type", -1);
                    if (words[items + 1] >= typeCount)
                        throw BadType(items + 1, id, "its index type", -1);
                    break;
                case BtfKind.Struct or BtfKind.Union:
                    for (int i = 0, m = items; i < vlen; i++, m += 3)
                    {
                        if (words[m] >= stringLength)
                            throw BadName(m, id, "the name of member", i);
                        if (words[m + 1] >= typeCount)
                            throw BadType(m + 1, id, "the type of member", i);
                    }
                    break;
                case BtfKind.Enum:
                    for (int i = 0, e = items; i < vlen; i++, e += 2)
                    {
                        if (words[e] >= stringLength)
                            throw BadName(e, id, "the name of enumerator", i);
                    }
                    break;
                case BtfKind.Enum64:
                    for (int i = 0, e = items; i < vlen; i++, e += 3)
                    {
                        if (words[e] >= stringLength)
                            throw BadName(e, id, "the name of enumerator", i);
                    }
                    break;
                case BtfKind.FuncProto:
                    if (words[at + 2] >= typeCount)
                        throw BadType(at + 2, id, "its return type", -1);
                    for (int i = 0, p = items; i < vlen; i++, p += 2)
                    {
                        if (words[p] >= stringLength)
                            throw BadName(p, id, "the name of parameter", i);
                        if (words[p + 1] >= typeCount)
                            throw BadType(p + 1, id, "the type of parameter", i);
                    }
                    break;
                case BtfKind.DataSec:
                    for (int i = 0, v = items; i < vlen; i++, v += 3)
                    {
                        if (words[v] >= typeCount)
                            throw BadType(v, id, "the type of variable", i);
                    }
                    break;
            }
        }
    }

    // The messages are only formatted on error: the checks run for every word of the section.
    private FormatParseException BadName(int word, int id, string what, int index) =>
        _bytes.Error(ByteOffset(word), $"type [{id}]: {What(what, index)} is at string offset {_words[word]}, past the end of the {_header.StringEnd - _header.StringStart}-byte string section");

    private FormatParseException BadType(int word, int id, string what, int index) =>
        _bytes.Error(ByteOffset(word), $"type [{id}]: {What(what, index)} is type id {_words[word]}, but the highest id is {_records.Length - 1}");

    private static string What(string what, int index) => index < 0 ? what : what + " " + index;

    /// <summary>
    /// Pointers, typedefs, qualifiers, type tags and array elements each lead to exactly one
    /// other type; in C such a chain always ends at a base type, struct, enum or function. A
    /// chain that comes back to where it was would hang every walker, so it is rejected here.
    /// </summary>
    private void CheckForCycles()
    {
        const byte Unvisited = 0, OnPath = 1, Done = 2;
        var state = new byte[_records.Length];
        var path = new List<int>();
        for (int start = 1; start < _records.Length; start++)
        {
            if (state[start] != Unvisited || NextInChain(start) < 0)
                continue;
            int id = start;
            path.Clear();
            int next;
            while (id != 0 && state[id] == Unvisited && (next = NextInChain(id)) >= 0)
            {
                state[id] = OnPath;
                path.Add(id);
                id = next;
            }
            if (id != 0 && state[id] == OnPath)
            {
                int first = path.IndexOf(id);
                var chain = new List<string>();
                for (int i = first; i < path.Count && chain.Count < 8; i++)
                    chain.Add(Describe(path[i]));
                string more = path.Count - first > 8 ? " -> ..." : "";
                throw Error(id, $"type [{id}] refers back to itself: {string.Join(" -> ", chain)}{more} -> [{id}]");
            }
            foreach (int visited in path)
                state[visited] = Done;
        }
    }

    /// <summary>The one type that <paramref name="id"/> leads to if it is a pointer, typedef, qualifier, type tag or array; else -1.</summary>
    private int NextInChain(int id)
    {
        int at = _records[id];
        switch (KindField(_words[at + 1]))
        {
            case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag:
                return (int)_words[at + 2];
            case BtfKind.Array:
                return (int)_words[at + RecordWords];
            default:
                return -1;
        }
    }

    private Dictionary<string, int[]> NameIndex(BtfKind kind)
    {
        lock (_names)
        {
            if (_names.TryGetValue(kind, out Dictionary<string, int[]>? index))
                return index;
            var lists = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (int id = 1; id < _records.Length; id++)
            {
                int at = _records[id];
                if (KindField(_words[at + 1]) != kind || _words[at] == 0)
                    continue;
                string name = StringAt(_words[at]);
                if (!lists.TryGetValue(name, out List<int>? ids))
                    lists.Add(name, ids = new List<int>(1));
                ids.Add(id);
            }
            index = new Dictionary<string, int[]>(lists.Count, StringComparer.Ordinal);
            foreach (KeyValuePair<string, List<int>> entry in lists)
                index.Add(entry.Key, entry.Value.ToArray());
            _names.Add(kind, index);
            return index;
        }
    }

    private string StringAt(uint nameOffset) => _bytes.StringAt(_header.StringStart + nameOffset, _header.StringEnd);

    private BtfType Decode(int id)
    {
        if (id == 0)
            return new BtfType(0, BtfKind.Void, "void", false, 0, 0, 0);

        int at = _records[id];
        string name = StringAt(_words[at]);
        uint info = _words[at + 1];
        uint sizeOrType = _words[at + 2];
        BtfKind kind = KindField(info);
        int vlen = Vlen(info);
        bool kindFlag = (info & 0x80000000u) != 0;
        bool hasSize = kind is BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.DataSec or BtfKind.Float;
        if (hasSize && sizeOrType > int.MaxValue)
            throw _bytes.Error(ByteOffset(at + 2), $"type [{id}] ({kind}) has size {sizeOrType}, larger than any type can be");
        int size = hasSize ? (int)sizeOrType : 0;
        int referenced = hasSize ? 0 : (int)sizeOrType; // references were checked to be in range
        var type = new BtfType(id, kind, name, kindFlag, vlen, size, referenced);
        int items = at + RecordWords;
        switch (kind)
        {
            case BtfKind.Int:
                uint encoding = _words[items];
                type.Int = new BtfIntEncoding(
                    IsSigned: (encoding & 0x01000000) != 0,
                    IsChar: (encoding & 0x02000000) != 0,
                    IsBool: (encoding & 0x04000000) != 0,
                    BitOffset: (int)(encoding >> 16) & 0xFF,
                    Bits: (int)(encoding & 0xFF));
                break;
            case BtfKind.Array:
                type.Array = new BtfArray((int)_words[items], (int)_words[items + 1], _words[items + 2]);
                break;
            case BtfKind.Struct or BtfKind.Union:
                var members = new BtfMember[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    int m = items + 3 * i;
                    uint offset = _words[m + 2];
                    // With kind_flag set, the top 8 bits hold a bitfield's width and the rest its bit offset.
                    long bitOffset = kindFlag ? offset & 0xFFFFFF : offset;
                    if (bitOffset > int.MaxValue)
                        throw _bytes.Error(ByteOffset(m + 2), $"type [{id}]: member {i} has bit offset {offset}, beyond any struct's size");
                    members[i] = new BtfMember(StringAt(_words[m]), (int)_words[m + 1], (int)bitOffset, kindFlag ? (int)(offset >> 24) : 0);
                }
                type.Members = members;
                break;
            case BtfKind.Enum:
                var values = new BtfEnumerator[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    uint raw = _words[items + 2 * i + 1];
                    values[i] = new BtfEnumerator(StringAt(_words[items + 2 * i]), kindFlag ? unchecked((int)raw) : (long)raw);
                }
                type.Enumerators = values;
                break;
            case BtfKind.Enum64:
                var values64 = new BtfEnumerator[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    int e = items + 3 * i;
                    ulong value = (ulong)_words[e + 2] << 32 | _words[e + 1];
                    values64[i] = new BtfEnumerator(StringAt(_words[e]), unchecked((long)value));
                }
                type.Enumerators = values64;
                break;
            case BtfKind.FuncProto:
                var parameters = new BtfParameter[vlen];
                for (int i = 0; i < vlen; i++)
                    parameters[i] = new BtfParameter(StringAt(_words[items + 2 * i]), (int)_words[items + 2 * i + 1]);
                type.Parameters = parameters;
                break;
            case BtfKind.DataSec:
                var variables = new BtfSectionVariable[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    int v = items + 3 * i;
                    variables[i] = new BtfSectionVariable((int)_words[v], _words[v + 1], _words[v + 2]);
                }
                type.Variables = variables;
                break;
            case BtfKind.Var:
                type.Linkage = unchecked((int)_words[items]);
                break;
            case BtfKind.Func:
                type.Linkage = vlen;
                break;
            case BtfKind.DeclTag:
                type.ComponentIndex = unchecked((int)_words[items]);
                break;
        }
        return type;
    }
}
