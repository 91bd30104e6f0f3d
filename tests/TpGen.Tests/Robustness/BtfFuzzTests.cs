using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using CsCheck;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Robustness;

/// <summary>
/// The BTF reader on mutated BTF: real kernels' types for many events (cut down to what those
/// events need, so each case is cheap) and a hand-made blob with every kind of field. Corrupt
/// input is a <see cref="FormatParseException"/>, nothing else; every schema read from what is
/// accepted is self-consistent; no case hangs.
/// </summary>
public sealed class BtfFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Events =
    {
        "kfree_skb", "consume_skb", "sched_switch", "sched_process_exec", "sched_waking", "tcp_retransmit_skb", "irq_handler_entry",
        "ipi_send_cpumask", "inet_sock_set_state", "kmalloc", "timer_start", "signal_generate", "xdp_exception", "block_rq_issue",
        "netif_receive_skb", "softirq_entry",
    };

    private static readonly Lazy<(string Name, byte[] Bytes)[]> s_seeds = new(LoadSeeds);

    [Fact]
    public async Task MutatedBtf_OnlyEverThrowsFormatParseException_AndWhatIsReadIsSelfConsistent()
    {
        (string Name, byte[] Bytes)[] seeds = s_seeds.Value;
        output.WriteLine(string.Join(", ", seeds.Select(s => $"{s.Name} ({s.Bytes.Length} bytes)")));
        long accepted = 0, schemas = 0;
        Gen<(int Seed, (int Kind, int A, int B)[] Edits)> cases = Gen.Select(
            Gen.Int[0, seeds.Length - 1],
            Gen.Select(Gen.Int[0, 9], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue]).Array[1, 3]);

        long count = await Fuzzing.CheckAsync(
            cases,
            input =>
            {
                int read = Check(Mutate(seeds[input.Seed].Bytes, input.Edits));
                if (read >= 0)
                {
                    System.Threading.Interlocked.Increment(ref accepted);
                    System.Threading.Interlocked.Add(ref schemas, read);
                }
            },
            Fuzzing.Cases(3_000, 1_000_000),
            Fuzzing.PerCaseLimit,
            input => $"{seeds[input.Seed].Name} with {string.Join(", ", input.Edits.Select(Describe))}",
            output,
            "BTF reader");

        output.WriteLine($"{accepted} of {count} mutated blobs parsed; {schemas} schemas read from them");
        Assert.True(accepted > count / 20 && accepted < count - count / 20, "the mutations should both break the BTF and keep it readable often");
    }

    // Inputs the fuzzing found that broke a property, cut down by hand: regression cases.

    [Fact]
    public void ClassesAndTracepointsWhoseNamesAreNotIdentifiers_AreNotListed()
    {
        // Corrupt BTF named a class "sm\x01": the catalog listed it, and reading it threw ArgumentException.
        byte[] bytes = MiniKernel.Bytes(b =>
        {
            b.Struct("trace_event_raw_sm\u0001", 12, ("ent", b.TraceEntry, 0), ("x", b.U32Type, 64));
            b.Struct("trace_event_raw_ok", 12, ("ent", b.TraceEntry, 0), ("x", b.U32Type, 64));
            b.Typedef("btf_trace_a b", b.Pointer(b.FuncProto(0)));
        });
        var catalog = new BtfEventCatalog(BtfData.Parse(bytes, "fuzz.btf"));

        Assert.Equal(["ok"], catalog.Classes);
        Assert.Empty(catalog.Tracepoints);
        Assert.Equal(1, Check(bytes));
    }

    [Fact]
    public void AMemberOfSizeZeroThatIsNotAFlexibleArray_IsCorruptInput()
    {
        // A corrupt int of size 0 read as an opaque field of 0-byte elements.
        byte[] bytes = MiniKernel.Bytes(b => b.Struct("trace_event_raw_e", 16, ("ent", b.TraceEntry, 0), ("x", b.Int("empty", 0), 64), ("y", b.U32Type, 64)));
        BtfData btf = BtfData.Parse(bytes, "fuzz.btf");

        var error = Assert.Throws<FormatParseException>(() => BtfSchemaReader.Read(btf, "s", "e"));
        Assert.Contains("member 'x' has size 0", error.Message);
        Assert.Equal(0, Check(bytes));
    }

    [Theory]
    [InlineData("__data_loc_3")]
    [InlineData("__rel_loc_9lives")]
    public void ADynamicFieldWhoseNameIsNotAnIdentifier_IsCorruptInput(string member)
    {
        // "__data_loc_3" is an identifier, but the field it describes, "3", is not: it reached the schema.
        byte[] bytes = MiniKernel.Bytes(b => b.Struct("trace_event_raw_e", 12, ("ent", b.TraceEntry, 0), (member, b.U32Type, 64)));

        var error = Assert.Throws<FormatParseException>(() => BtfSchemaReader.Read(BtfData.Parse(bytes, "fuzz.btf"), "s", "e"));
        Assert.Contains("is not a C identifier", error.Message);
        Assert.Equal(0, Check(bytes));
    }

    [Fact]
    public void AnEnumOfASizeNoEnumHas_IsCorruptInput()
    {
        // An enum64 whose size word was corrupted to 7 gave the schema a 7-byte enum.
        byte[] bytes = MiniKernel.Bytes(b =>
        {
            int wide = b.Enum64("wide", true, ("W", -1));
            b.Struct("trace_event_raw_e", 16, ("ent", b.TraceEntry, 0), ("w", wide, 64));
        });
        BitConverter.TryWriteBytes(bytes.AsSpan(IndexOf(bytes, 8u, afterInfo: 0x93000001)), 7u);
        BtfData btf = BtfData.Parse(bytes, "fuzz.btf");

        Assert.Contains("an enum is 1, 2, 4 or 8", Assert.Throws<FormatParseException>(() => BtfSchemaReader.Read(btf, "s", "e")).Message);
        Assert.Contains("an enum is 1, 2, 4 or 8", Assert.Throws<FormatParseException>(() => BtfSchemaReader.FindEnum(btf, "wide")).Message);
        Assert.Equal(0, Check(bytes));
    }

    // The offset of the word <paramref name="value"/> that follows an info word <paramref name="afterInfo"/>: a record's size.
    private static int IndexOf(byte[] bytes, uint value, uint afterInfo)
    {
        for (int at = 24; at + 8 <= bytes.Length; at += 4)
        {
            if (BitConverter.ToUInt32(bytes, at) == afterInfo && BitConverter.ToUInt32(bytes, at + 4) == value)
                return at + 4;
        }
        throw new InvalidOperationException("no such record");
    }

    /// <summary>Reads <paramref name="bytes"/> as the tools would; the number of schemas read, or -1 when the blob was rejected.</summary>
    internal static int Check(byte[] bytes)
    {
        BtfData btf;
        try
        {
            btf = BtfData.Parse(bytes, "fuzz.btf");
        }
        catch (FormatParseException e)
        {
            Assert.Equal("fuzz.btf", e.Diagnostic.File);
            Assert.True(e.Diagnostic.IsError);
            return -1;
        }

        int read = 0;
        try
        {
            for (int id = 0; id < btf.TypeCount; id++)
                btf.TypeById(id);
            _ = btf.PointerSize;
            var catalog = new BtfEventCatalog(btf);
            foreach (string className in catalog.Classes)
            {
                if (Read(btf, className, className) is not null)
                    read++;
            }
            foreach (string tracepoint in catalog.Tracepoints.Take(40))
            {
                BtfClassMatch match = catalog.FindClass(tracepoint);
                if (match.ClassName is not null && SchemaInvariants.IsIdentifier(tracepoint) && Read(btf, tracepoint, match.ClassName) is not null)
                    read++;
            }
            BtfSchemaReader.FindEnum(btf, "skb_drop_reason");
            BtfSchemaReader.FindEnum(btf, "enum e");
        }
        catch (FormatParseException e)
        {
            // The header and table checked out, but a type met while reading is corrupt: that is reported too.
            Assert.Equal("fuzz.btf", e.Diagnostic.File);
        }
        return read;
    }

    private static TracepointSchema? Read(BtfData btf, string eventName, string className)
    {
        Assert.True(SchemaInvariants.IsIdentifier(className), $"the catalog named class '{Fuzzing.Shorten(className)}' ({className.Length} chars), which no reader accepts");
        TracepointSchema? schema = BtfSchemaReader.TryRead(btf, "fuzz", eventName, className, DynamicFieldHints.None.WithArray("addrs", "u64"));
        if (schema is null)
            return null;
        Assert.Equal(-1, schema.Id);
        Assert.Empty(SchemaInvariants.Violations(schema));
        foreach (EnumSpec spec in schema.Enums)
            Assert.True(spec.Size is 1 or 2 or 4 or 8, $"enum {spec.Name} of {spec.Size} bytes");
        return schema;
    }

    private static readonly uint[] Interesting = { 0, 1, 2, 3, 4, 7, 8, 12, 24, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFF0, 0x0400FFFF, 0x8400FFFF, 0x13000001, 0x04000003, 0x03000000 };

    /// <summary>Bit flips, truncation, words set to values at the edges, kinds and vlens rewritten, header fields, repeated and swapped ranges.</summary>
    internal static byte[] Mutate(byte[] original, (int Kind, int A, int B)[] edits)
    {
        byte[] bytes = original;
        foreach ((int kind, int a, int b) in edits)
        {
            bytes = (byte[])bytes.Clone();
            int words = Math.Max(1, (bytes.Length - 24) / 4);
            int word = 24 + 4 * (a % words);
            switch (kind)
            {
                case 0 when bytes.Length > 0:
                    bytes[a % bytes.Length] ^= (byte)(1 << (b % 8));
                    break;
                case 1:
                    bytes = bytes[..(a % (bytes.Length + 1))];
                    break;
                case 2 or 3 when word + 4 <= bytes.Length:
                    BitConverter.TryWriteBytes(bytes.AsSpan(word), Interesting[b % Interesting.Length]);
                    break;
                case 4 when word + 4 <= bytes.Length:
                    // The kind and vlen of what may be a record's info word.
                    BitConverter.TryWriteBytes(bytes.AsSpan(word), (uint)(b % 32) << 24 | (uint)(b / 32 % 5) | (b % 3 == 0 ? 0x80000000u : 0));
                    break;
                case 5 when bytes.Length >= 24:
                    // A header field: magic, version, flags, lengths and offsets of the sections.
                    int at = 4 * (a % 6);
                    BitConverter.TryWriteBytes(bytes.AsSpan(at), at < 4 ? (uint)b : Interesting[b % Interesting.Length] + (uint)(b % 3 == 0 ? 0 : bytes.Length - 24));
                    break;
                case 6 when word + 4 <= bytes.Length:
                    // A small number where a type id or a string offset may be.
                    BitConverter.TryWriteBytes(bytes.AsSpan(word), (uint)(b % 600));
                    break;
                case 7 when bytes.Length > 24:
                {
                    // Repeat a range of words in place of the ones after it.
                    int length = 4 * (1 + b % 16);
                    int to = 24 + 4 * (b / 16 % words);
                    for (int i = 0; i < length && word + i < bytes.Length && to + i < bytes.Length; i++)
                        bytes[to + i] = bytes[word + i];
                    break;
                }
                case 8 when bytes.Length > 24:
                {
                    // Random bytes over a range.
                    var random = new Random(b);
                    int length = 1 + b % 64;
                    for (int i = 0; i < length && word + i < bytes.Length; i++)
                        bytes[word + i] = (byte)random.Next(256);
                    break;
                }
                default:
                    if (word + 4 <= bytes.Length)
                        BitConverter.TryWriteBytes(bytes.AsSpan(word), (uint)b);
                    break;
            }
        }
        return bytes;
    }

    private static string Describe((int Kind, int A, int B) edit) => edit.Kind switch
    {
        0 => $"flip bit {edit.B % 8} of byte #{edit.A}",
        1 => $"truncate to #{edit.A} bytes",
        2 or 3 => $"word #{edit.A} = interesting #{edit.B}",
        4 => $"info word #{edit.A} = kind {edit.B % 32} vlen {edit.B / 32 % 5}",
        5 => $"header word {edit.A % 6} from {edit.B}",
        6 => $"word #{edit.A} = {edit.B % 600}",
        7 => $"repeat words from #{edit.A} ({edit.B})",
        8 => $"random bytes at word #{edit.A} ({edit.B})",
        _ => $"word #{edit.A} = 0x{edit.B:X8}",
    };

    private static (string, byte[])[] LoadSeeds()
    {
        var seeds = new List<(string, byte[])> { ("hand-made", HandMade()) };
        if (File.Exists(KernelBtf.VmlinuxPath))
            seeds.Add(("this kernel", Extract(KernelBtf.ReadVmlinux())));
        string debian61 = Path.Combine(Fixtures.Debian61Directory, "vmlinux.btf.gz");
        if (File.Exists(debian61))
            seeds.Add(("Debian 6.1", Extract(BtfData.Parse(KernelBtf.ReadBytes(debian61), debian61))));
        return seeds.ToArray();
    }

    /// <summary>The types <see cref="Events"/> need: their classes' records and probes, their tracepoints, and skb_drop_reason.</summary>
    private static byte[] Extract(BtfData btf)
    {
        var catalog = new BtfEventCatalog(btf);
        var roots = new List<int>();
        foreach (string name in Events)
        {
            foreach (string className in catalog.FindClass(name).Candidates)
            {
                roots.AddRange(btf.FindByName(BtfKind.Struct, "trace_event_raw_" + className).Select(t => t.Id));
                roots.AddRange(btf.FindByName(BtfKind.Func, "__bpf_trace_" + className).Select(t => t.Id));
            }
            roots.AddRange(btf.FindByName(BtfKind.Func, "__traceiter_" + name).Select(t => t.Id));
            roots.AddRange(btf.FindByName(BtfKind.Typedef, "btf_trace_" + name).Select(t => t.Id));
        }
        roots.AddRange(btf.FindByName(BtfKind.Enum, "skb_drop_reason").Select(t => t.Id));
        foreach (string name in new[] { "long int", "char" })
            roots.AddRange(btf.FindByName(BtfKind.Int, name).Select(t => t.Id));
        return BtfExtract.Closure(btf, roots);
    }

    /// <summary>A class with a field of every kind: numbers, enums, bools, pointers, arrays, dynamic strings and arrays.</summary>
    private static byte[] HandMade() => MiniKernel.Bytes(b =>
    {
        int u8 = b.Int("unsigned char", 1);
        int u64 = b.Int("long long unsigned int", 8);
        int comm = b.Array(b.CharType, 16, b.IntType);
        int flexible = b.Array(b.CharType, 0, b.IntType);
        int matrix = b.Array(b.Array(u8, 3, b.IntType), 2, b.IntType);
        int reason = b.Enum("e", 4, false, ("A", 1), ("B", 2));
        int wide = b.Enum64("wide", true, ("W", -1));
        int pointer = b.Pointer(b.Const(b.CharType));
        int function = b.Pointer(b.FuncProto(b.IntType, ("p", pointer)));
        int nested = b.Struct("in6_addr", 16, ("b", b.Array(u8, 16, b.IntType), 0));
        b.Struct("trace_event_raw_every", 112,
            ("ent", b.TraceEntry, 0), ("comm", comm, 64), ("pid", b.IntType, 192), ("flag", b.BoolType, 224), ("why", reason, 256),
            ("big", wide, 320), ("name", pointer, 384), ("call", function, 448), ("addr", nested, 512), ("m", matrix, 640),
            ("__data_loc_s", b.U32Type, 704), ("__rel_loc_addrs", b.U32Type, 736), ("len", u64, 768), ("__data", flexible, 896));
        b.Struct("trace_event_raw_small", 12, ("ent", b.TraceEntry, 0), ("x", b.U32Type, 64));
        b.Typedef("btf_trace_small", b.Pointer(b.FuncProto(0, ("__data", b.Pointer(0)), ("x", b.U32Type))));
    });
}
