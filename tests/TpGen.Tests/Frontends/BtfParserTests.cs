using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using TpGen.Text;
using Xunit;

namespace TpGen.Tests.Frontends;

public sealed class BtfParserTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Debian 6.1")]
    [InlineData("this kernel")]
    public void EveryType_ReadsAsBpftoolDumpsIt(string kernel)
    {
        string bpftool = FindProgram("bpftool") ?? throw SkipException("bpftool is not installed; it is the outside oracle of this test");
        BtfData btf = kernel == "this kernel" ? KernelBtfs.ThisKernel() : KernelBtfs.Debian61();
        string path = KernelBtf.VmlinuxPath;
        string? temporary = null;
        if (kernel != "this kernel")
        {
            temporary = path = Path.Combine(Path.GetTempPath(), "tpgen-" + Guid.NewGuid().ToString("N") + ".btf");
            File.WriteAllBytes(path, KernelBtfs.Debian61Bytes());
        }
        try
        {
            List<string> records = BpftoolRecords(bpftool, path);

            Assert.Equal(records.Count, btf.TypeCount - 1);
            var mismatches = new List<string>();
            for (int id = 1; id < btf.TypeCount && mismatches.Count < 5; id++)
            {
                string ours = AsBpftool(btf, btf.TypeById(id));
                if (ours != records[id - 1])
                    mismatches.Add($"bpftool:\n{records[id - 1]}\nours:\n{ours}");
            }
            Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
            output.WriteLine($"{kernel}: {btf.TypeCount - 1} types agree with bpftool, {string.Join(", ", Enumerable.Range(1, btf.TypeCount - 1).GroupBy(btf.KindOf).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"))}");
        }
        finally
        {
            if (temporary is not null)
                File.Delete(temporary);
        }
    }

    [Fact]
    public void BigEndianBtf_ReadsTheSameTypesAndSchemaAsLittleEndian()
    {
        static void Add(MiniKernel b) =>
            b.Struct("trace_event_raw_e", 24, ("ent", b.TraceEntry, 0), ("addr", b.Pointer(0), 64), ("len", b.U32Type, 128), ("__data_loc_s", b.U32Type, 160),
                ("__data", b.Array(b.CharType, 0, b.IntType), 192));
        BtfData little = MiniKernel.Build(Add);
        BtfData big = MiniKernel.Build(Add, bigEndian: true);

        Assert.False(little.IsBigEndian);
        Assert.True(big.IsBigEndian);
        Assert.Equal(little.TypeCount, big.TypeCount);
        for (int id = 0; id < little.TypeCount; id++)
            Assert.Equal(AsBpftool(little, little.TypeById(id)), AsBpftool(big, big.TypeById(id)));
        Assert.Equal(BtfSchemaReader.Read(little, "t", "e"), BtfSchemaReader.Read(big, "t", "e"));
    }

    [Fact]
    public void KindFlagStructs_SplitMemberOffsetsIntoBitOffsetAndBitfieldWidth()
    {
        int structId = 0;
        BtfData btf = MiniKernel.Build(b => structId = b.StructWithBitfields("flags", 4, ("a", b.UIntType, 0, 1), ("b", b.UIntType, 1, 3), ("c", b.UIntType, 8, 0)));

        BtfType type = btf.TypeById(structId);

        Assert.True(type.KindFlag);
        Assert.Equal(new[] { new BtfMember("a", 2, 0, 1), new BtfMember("b", 2, 1, 3), new BtfMember("c", 2, 8, 0) }, type.Members);
    }

    [Fact]
    public void EnumValues_AreSignExtendedOnlyInSignedEnums_AndEnum64KeepsAll64Bits()
    {
        int signed = 0, unsigned = 0, wide = 0;
        BtfData btf = MiniKernel.Build(b =>
        {
            signed = b.Enum("s", 4, true, ("S_MINUS_ONE", -1), ("S_MAX", int.MaxValue));
            unsigned = b.Enum("u", 4, false, ("U_ALL_ONES", 0xFFFFFFFF));
            wide = b.Enum64("w", false, ("W_MASK", unchecked((long)0xFFFFFFFF00000001)), ("W_SMALL", 2));
        });

        Assert.Equal(new[] { -1L, int.MaxValue }, btf.TypeById(signed).Enumerators.Select(e => e.Value));
        Assert.Equal(0xFFFFFFFFL, btf.TypeById(unsigned).Enumerators.Single().Value);
        Assert.Equal(new[] { unchecked((long)0xFFFFFFFF00000001), 2L }, btf.TypeById(wide).Enumerators.Select(e => e.Value));
        Assert.Equal((true, false, false), (btf.TypeById(signed).IsSignedEnum, btf.TypeById(unsigned).IsSignedEnum, btf.TypeById(wide).IsSignedEnum));
        Assert.Equal(new EnumSpec("w", 8, false, new[] { new EnumMember("W_MASK", unchecked((long)0xFFFFFFFF00000001)), new EnumMember("W_SMALL", 2) }.ToEquatableArray()),
            BtfSchemaReader.FindEnum(btf, "w"));
    }

    public static TheoryData<string> CorruptCases() => new(CorruptInputs.Keys.ToArray());

    [Theory]
    [MemberData(nameof(CorruptCases))]
    public void CorruptInput_GivesAFormatParseExceptionAtTheByteOffset(string name)
    {
        (byte[] bytes, long offset, string message) = CorruptInputs[name]();

        var thrown = Assert.Throws<FormatParseException>(() => BtfData.Parse(bytes, "bad.btf"));

        output.WriteLine(thrown.Message);
        Assert.Equal(("bad.btf", 1, offset + 1, true), (thrown.Diagnostic.File, thrown.Diagnostic.Line, (long)thrown.Diagnostic.Column, thrown.Diagnostic.IsError));
        Assert.StartsWith($"byte offset {offset}: ", thrown.Diagnostic.Message);
        Assert.Contains(message, thrown.Diagnostic.Message);
    }

    private static readonly Dictionary<string, Func<(byte[] Bytes, long Offset, string Message)>> CorruptInputs = new()
    {
        ["truncated header"] = () => (Valid()[..10], 10, "too short for a BTF header (24 bytes)"),
        ["empty"] = () => (Array.Empty<byte>(), 0, "too short for a BTF header"),
        ["bad magic"] = () => (Patch(Valid(), 0, 0x1F, 0x8B), 0, "bad magic 1F 8B"),
        ["unknown version"] = () => (Patch(Valid(), 2, 2), 2, "BTF version 2 is not supported"),
        ["header length past the end"] = () => (PatchWord(Valid(), 4, 100_000), 4, "header length 100000 runs past the end"),
        ["type section past the end"] = () => (PatchWord(Valid(), 12, 1_000_000), 8, "the type section (byte offset 24, 1000000 bytes) runs past the end of the data"),
        ["string section past the end"] = () => (PatchWord(Valid(), 20, 1_000_000), 16, "the string section"),
        ["string section without its final NUL"] = () => { byte[] b = Valid(); b[^1] = (byte)'x'; return (b, b.Length - 1, "does not end with a NUL byte"); },
        ["string offset past the end"] = () => Build(b => b.Raw(5000, BtfBuilder.Info(BtfKind.Typedef), 0), wordOfType: 1, word: 0, "its name is at string offset 5000, past the end of the"),
        ["member name past the end"] = () => Build(b => b.Raw(0, BtfBuilder.Info(BtfKind.Struct, 1), 4, 9999, 0, 0), wordOfType: 1, word: 3, "the name of member 0 is at string offset 9999"),
        ["type id out of range"] = () => Build(b => b.Pointer(99), wordOfType: 1, word: 2, "the type it refers to is type id 99, but the highest id is 1"),
        ["member type out of range"] = () => Build(b => { b.Int("int", 4, true); b.Struct("s", 8, ("a", 1, 0), ("b", 7, 32)); }, wordOfType: 2, word: 7, "the type of member 1 is type id 7"),
        ["typedef cycle"] = () => Build(b => { b.Typedef("a", 2); b.Typedef("b", 3); b.Const(1); }, wordOfType: 1, word: 0, "type [1] refers back to itself: [1] Typedef 'a' -> [2] Typedef 'b' -> [3] Const -> [1]"),
        ["pointer to itself"] = () => Build(b => b.Pointer(1), wordOfType: 1, word: 0, "type [1] refers back to itself"),
        ["array of itself"] = () => Build(b => { b.Int("int", 4, true); b.Array(2, 4, 1); }, wordOfType: 2, word: 0, "type [2] refers back to itself"),
        ["huge vlen"] = () => Build(b => b.Raw(0, BtfBuilder.Info(BtfKind.Struct, 0xFFFF), 4), wordOfType: 1, word: 0, "type [1] (Struct with vlen 65535) needs 786432 bytes, past the end of the type section"),
        ["unknown kind"] = () => Build(b => b.Raw(0, 25u << 24, 0), wordOfType: 1, word: 1, "type [1] has kind 25, which BTF does not define"),
        ["record cut short"] = () =>
        {
            // The last record, trace_event_raw_e with one member, takes 24 bytes; 8 of them stay.
            byte[] b = Valid();
            uint typeLength = BitConverter.ToUInt32(b, 12);
            return (PatchWord(b, 12, typeLength - 16), 24 + typeLength - 24, "type [11] starts 8 bytes before the end of the type section, but a type record needs 12");
        },
        ["unaligned type section"] = () => (PatchWord(Valid(), 8, 2), 8, "is not made of whole 4-byte words"),
    };

    [Fact]
    public async Task MutatedRealBtf_OnlyEverThrowsFormatParseException_AndEveryCaseEndsQuickly()
    {
        byte[] real = KernelBtfs.Debian61Bytes();
        BtfData full = KernelBtfs.Debian61();
        string[] events = { "kfree_skb", "consume_skb", "sched_switch", "sched_process_exec", "sched_waking", "tcp_retransmit_skb", "softirq_entry", "xdp_redirect" };
        byte[] small = Extract(full, events);
        BtfData smallBtf = BtfData.Parse(small, "small.btf");
        // The cut-down copy reads as the original does, so mutating it exercises the same paths.
        foreach (string name in new[] { "kfree_skb", "sched_switch", "sched_process_exec" })
            Assert.Equal(BtfSchemaReader.Read(full, "t", name), BtfSchemaReader.Read(smallBtf, "t", name));
        Assert.Equal(BtfClassEvidence.SamePrototype, new BtfEventCatalog(smallBtf).FindClass("tcp_retransmit_skb").Evidence);
        Assert.Equal(BtfClassEvidence.Ambiguous, new BtfEventCatalog(smallBtf).FindClass("sched_waking").Evidence);

        var random = new Random(20261125);
        int accepted = 0, rejected = 0;
        TimeSpan slowest = TimeSpan.Zero;
        string slowestCase = "";
        void Run(int number, string description, byte[] bytes, bool deep)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                Exercise(bytes, events, deep);
                accepted++;
            }
            catch (FormatParseException e)
            {
                Assert.Equal("mutated.btf", e.Diagnostic.File);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {number} ({description}) threw {e.GetType().Name} instead of FormatParseException: {e}");
            }
            if (watch.Elapsed > slowest)
                (slowest, slowestCase) = (watch.Elapsed, $"case {number} ({description}, {bytes.Length} bytes)");
        }

        Task all = Task.Run(() =>
        {
            for (int i = 0; i < 3000; i++)
            {
                (byte[] bytes, string description) = Mutate(small, random);
                Run(i, description, bytes, deep: true);
            }
            // The whole real file, too: truncations are cheap, flips cost a full parse each.
            for (int i = 0; i < 300; i++)
            {
                (byte[] bytes, string description) = i % 3 == 0 ? Flip(real, random, 1 + random.Next(4)) : Truncate(real, random);
                Run(3000 + i, description, bytes, deep: false);
            }
        }, TestContext.Current.CancellationToken);

        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail("the mutated inputs did not finish within 2 minutes: a case hangs");
        }
        output.WriteLine($"{accepted + rejected} cases: {rejected} rejected with FormatParseException, {accepted} read; slowest {slowest.TotalMilliseconds:F1} ms: {slowestCase}");
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"the slowest case took {slowest}: {slowestCase}");
        Assert.True(rejected > 1000 && accepted > 100, "the mutations should both break and keep the input readable often");
    }

    [Fact]
    public void KernelBtf_ReadsGzipAndPlainFilesAlike_AndSaysWhichFileIsMissingOrNotGzip()
    {
        byte[] bytes = MiniKernel.Bytes(b => b.Struct("trace_event_raw_e", 8, ("ent", b.TraceEntry, 0)));
        string directory = Path.Combine(Path.GetTempPath(), "tpgen-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string plain = Path.Combine(directory, "vmlinux.btf");
            string gzipped = Path.Combine(directory, "vmlinux.btf.gz");
            string notGzip = Path.Combine(directory, "plain.btf.gz");
            File.WriteAllBytes(plain, bytes);
            File.WriteAllBytes(notGzip, bytes);
            using (var gzip = new GZipStream(File.Create(gzipped), CompressionLevel.Optimal))
                gzip.Write(bytes);

            Assert.Equal(bytes, KernelBtf.ReadBytes(gzipped));
            Assert.Equal(BtfSchemaReader.Read(KernelBtf.Read(plain), "t", "e"), BtfSchemaReader.Read(KernelBtf.Read(gzipped), "t", "e"));
            Assert.Equal(gzipped, KernelBtf.Read(gzipped).File);
            var missing = Assert.Throws<KernelBtfException>(() => KernelBtf.Read(Path.Combine(directory, "absent.btf")));
            Assert.Contains("absent.btf does not exist", missing.Message);
            var broken = Assert.Throws<KernelBtfException>(() => KernelBtf.Read(notGzip));
            Assert.Contains("plain.btf.gz is not valid gzip data", broken.Message);
            string text = Path.Combine(directory, "text.btf");
            File.WriteAllText(text, "hello");
            var notBtf = Assert.Throws<FormatParseException>(() => KernelBtf.Read(text));
            Assert.Equal(text, notBtf.Diagnostic.File);
            Assert.Contains("bad magic", notBtf.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ThisKernelsBtf_IsReadWithoutRoot_FromSysKernelBtf()
    {
        BtfData btf = KernelBtfs.ThisKernel();

        Assert.Equal(KernelBtf.VmlinuxPath, btf.File);
        Assert.Equal(8, btf.PointerSize);
        Assert.True(btf.TypeCount > 10_000, $"{btf.TypeCount} types");
        Assert.Single(btf.FindByName(BtfKind.Struct, "trace_entry"));
    }

    /// <summary>Parses and reads what the generator would: schemas, the class of each event, an enum.</summary>
    private static void Exercise(byte[] bytes, string[] events, bool deep)
    {
        BtfData btf = BtfData.Parse(bytes, "mutated.btf");
        BtfSchemaReader.TryRead(btf, "t", "kfree_skb", "kfree_skb");
        BtfSchemaReader.FindEnum(btf, "skb_drop_reason");
        if (!deep)
            return;
        for (int id = 0; id < btf.TypeCount; id++)
            btf.TypeById(id);
        var catalog = new BtfEventCatalog(btf);
        foreach (string name in events)
        {
            BtfClassMatch match = catalog.FindClass(name);
            if (match.ClassName is not null)
                BtfSchemaReader.TryRead(btf, "t", name, match.ClassName, DynamicFieldHints.None.WithArray("cpus", "u64"));
        }
    }

    /// <summary>The types <paramref name="events"/> need: their (candidate) classes' records and probes, their tracepoints, and skb_drop_reason.</summary>
    private static byte[] Extract(BtfData btf, string[] events)
    {
        var catalog = new BtfEventCatalog(btf);
        var roots = new List<int>();
        foreach (string name in events)
        {
            // An ambiguous event brings every candidate class, so the copy is ambiguous too.
            foreach (string className in catalog.FindClass(name).Candidates)
            {
                roots.Add(btf.FindByName(BtfKind.Struct, "trace_event_raw_" + className)[0].Id);
                roots.Add(btf.FindByName(BtfKind.Func, "__bpf_trace_" + className)[0].Id);
            }
            roots.Add(btf.FindByName(BtfKind.Func, "__traceiter_" + name)[0].Id);
            roots.Add(btf.FindByName(BtfKind.Typedef, "btf_trace_" + name)[0].Id);
        }
        roots.Add(btf.FindByName(BtfKind.Enum, "skb_drop_reason")[0].Id);
        foreach (string name in new[] { "long int", "char" })
            roots.Add(btf.FindByName(BtfKind.Int, name)[0].Id);
        return BtfExtract.Closure(btf, roots);
    }

    private static (byte[], string) Mutate(byte[] original, Random random) => random.Next(5) switch
    {
        0 => Flip(original, random, 1 + random.Next(8)),
        1 => Truncate(original, random),
        2 => OverwriteWord(original, random),
        3 => FlipIn(original, random, 0, 24), // the header
        _ => OverwriteWord(original, random, kindsOnly: true),
    };

    private static (byte[], string) Flip(byte[] original, Random random, int count) => FlipIn(original, random, 0, original.Length, count);

    private static (byte[], string) FlipIn(byte[] original, Random random, int start, int end, int count = 1)
    {
        byte[] bytes = (byte[])original.Clone();
        var flips = new List<string>();
        for (int i = 0; i < count; i++)
        {
            int at = random.Next(start, end);
            int bit = random.Next(8);
            bytes[at] ^= (byte)(1 << bit);
            flips.Add($"{at}.{bit}");
        }
        return (bytes, "bit flips at " + string.Join(" ", flips));
    }

    private static (byte[], string) Truncate(byte[] original, Random random)
    {
        // Half anywhere, half near the header and the ends of the sections.
        int length = random.Next(2) == 0 ? random.Next(original.Length) : Math.Clamp(original.Length - random.Next(64), 0, original.Length - 1);
        if (random.Next(4) == 0)
            length = random.Next(40);
        return (original[..length], $"truncated to {length} bytes");
    }

    private static readonly uint[] Interesting = { 0, 1, 2, 3, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x0400FFFF, 0x8400FFFF, 0x13000001 };

    private static (byte[], string) OverwriteWord(byte[] original, Random random, bool kindsOnly = false)
    {
        byte[] bytes = (byte[])original.Clone();
        int words = (bytes.Length - 24) / 4;
        int at = 24 + 4 * random.Next(words);
        uint value;
        if (kindsOnly)
        {
            // Rewrite the kind and vlen of what may be a record's info word.
            value = (uint)random.Next(0, 32) << 24 | (uint)random.Next(0, 4);
        }
        else
        {
            value = random.Next(3) switch
            {
                0 => Interesting[random.Next(Interesting.Length)],
                1 => (uint)random.Next(0, 400),
                _ => (uint)random.Next(),
            };
        }
        BitConverter.TryWriteBytes(bytes.AsSpan(at), value);
        return (bytes, $"word at {at} set to 0x{value:X8}");
    }

    private static byte[] Valid() => MiniKernel.Bytes(b => b.Struct("trace_event_raw_e", 8, ("ent", b.TraceEntry, 0)));

    private static byte[] Patch(byte[] bytes, int offset, params byte[] values)
    {
        values.CopyTo(bytes, offset);
        return bytes;
    }

    private static byte[] PatchWord(byte[] bytes, int offset, uint value)
    {
        BitConverter.TryWriteBytes(bytes.AsSpan(offset), value);
        return bytes;
    }

    /// <summary>A blob of the types <paramref name="add"/> makes, and the byte offset of word <paramref name="word"/> of type <paramref name="wordOfType"/>.</summary>
    private static (byte[], long, string) Build(Action<BtfBuilder> add, int wordOfType, int word, string message)
    {
        var builder = new BtfBuilder();
        add(builder);
        byte[] bytes = builder.Build();
        // Walk the records as the format lays them out, to find where the type starts.
        long at = 24;
        for (int id = 1; id < wordOfType; id++)
        {
            uint info = BitConverter.ToUInt32(bytes, (int)at + 4);
            int vlen = (int)(info & 0xFFFF);
            at += 12 + ((BtfKind)(info >> 24 & 0x1F) switch
            {
                BtfKind.Int => 4,
                BtfKind.Array => 12,
                BtfKind.Struct or BtfKind.Union => 12 * vlen,
                BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
                _ => 0,
            });
        }
        return (bytes, at + 4 * word, message);
    }

    private static string AsBpftool(BtfData btf, BtfType type)
    {
        string Quoted(string name) => "'" + (name.Length == 0 ? "(anon)" : name) + "'";
        string Linkage(int linkage) => linkage switch { 0 => "static", 1 => "global", 2 => "extern", _ => "(unknown)" };
        string kind = type.Kind switch
        {
            BtfKind.Pointer => "PTR",
            BtfKind.Forward => "FWD",
            BtfKind.FuncProto => "FUNC_PROTO",
            BtfKind.DataSec => "DATASEC",
            BtfKind.DeclTag => "DECL_TAG",
            BtfKind.TypeTag => "TYPE_TAG",
            _ => type.Kind.ToString().ToUpperInvariant(),
        };
        var text = new StringBuilder($"[{type.Id}] {kind} {Quoted(type.Name)}");
        switch (type.Kind)
        {
            case BtfKind.Int:
                string encoding = type.Int.IsSigned ? "SIGNED" : type.Int.IsChar ? "CHAR" : type.Int.IsBool ? "BOOL" : "(none)";
                text.Append($" size={type.Size} bits_offset={type.Int.BitOffset} nr_bits={type.Int.Bits} encoding={encoding}");
                break;
            case BtfKind.Pointer or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.Typedef or BtfKind.TypeTag:
                text.Append($" type_id={type.ReferencedType}");
                break;
            case BtfKind.Array:
                text.Append($" type_id={type.Array.ElementType} index_type_id={type.Array.IndexType} nr_elems={type.Array.Count}");
                break;
            case BtfKind.Struct or BtfKind.Union:
                text.Append($" size={type.Size} vlen={type.Vlen}");
                foreach (BtfMember member in type.Members)
                    text.Append($"\n\t{Quoted(member.Name)} type_id={member.Type} bits_offset={member.BitOffset}").Append(member.BitfieldSize > 0 ? $" bitfield_size={member.BitfieldSize}" : "");
                break;
            case BtfKind.Enum:
                text.Append($" encoding={(type.KindFlag ? "SIGNED" : "UNSIGNED")} size={type.Size} vlen={type.Vlen}");
                foreach (BtfEnumerator value in type.Enumerators)
                    text.Append($"\n\t{Quoted(value.Name)} val={value.Value}");
                break;
            case BtfKind.Enum64:
                text.Append($" encoding={(type.KindFlag ? "SIGNED" : "UNSIGNED")} size={type.Size} vlen={type.Vlen}");
                foreach (BtfEnumerator value in type.Enumerators)
                    text.Append($"\n\t{Quoted(value.Name)} val=").Append(type.KindFlag ? $"{value.Value}LL" : $"{(ulong)value.Value}ULL");
                break;
            case BtfKind.Forward:
                text.Append($" fwd_kind={(type.KindFlag ? "union" : "struct")}");
                break;
            case BtfKind.Func:
                text.Append($" type_id={type.ReferencedType} linkage={Linkage(type.Linkage)}");
                break;
            case BtfKind.FuncProto:
                text.Append($" ret_type_id={type.ReferencedType} vlen={type.Vlen}");
                foreach (BtfParameter parameter in type.Parameters)
                    text.Append($"\n\t{Quoted(parameter.Name)} type_id={parameter.Type}");
                break;
            case BtfKind.Var:
                text.Append($" type_id={type.ReferencedType}, linkage={Linkage(type.Linkage)}");
                break;
            case BtfKind.DataSec:
                text.Append($" size={type.Size} vlen={type.Vlen}");
                foreach (BtfSectionVariable variable in type.Variables)
                    text.Append($"\n\ttype_id={variable.Type} offset={variable.Offset} size={variable.Size} (VAR {Quoted(btf.TypeById(variable.Type).Name)})");
                break;
            case BtfKind.Float:
                text.Append($" size={type.Size}");
                break;
            case BtfKind.DeclTag:
                text.Append($" type_id={type.ReferencedType} component_idx={type.ComponentIndex}");
                break;
        }
        return text.ToString();
    }

    /// <summary>bpftool's raw dump, one string per type (a record's first line and its indented lines).</summary>
    private static List<string> BpftoolRecords(string bpftool, string path)
    {
        var start = new ProcessStartInfo(bpftool, new[] { "btf", "dump", "file", path }) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        var records = new List<string>();
        var current = new StringBuilder();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith('[') && current.Length > 0)
            {
                records.Add(current.ToString());
                current.Clear();
            }
            current.Append(current.Length > 0 ? "\n" : "").Append(line);
        }
        if (current.Length > 0)
            records.Add(current.ToString());
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"bpftool failed: {errors.Result}");
        return records;
    }

    private static string? FindProgram(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string directory in path.Split(':').Concat(new[] { "/usr/sbin", "/sbin", "/usr/local/sbin" }))
        {
            string candidate = Path.Combine(directory, name);
            if (directory.Length > 0 && File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static Exception SkipException(string reason)
    {
        Assert.Skip(reason);
        return new InvalidOperationException(reason);
    }
}
