using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using CsCheck;
using TpGen.Decoding;
using TpGen.Frontends.Tracefs;
using TpGen.Probes;
using TpGen.Schema;
using TpGen.Tests.Decoding;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Robustness;

/// <summary>
/// The generated decoders on records a buggy or hostile source could hand them: random bytes,
/// records cut short, <c>__data_loc</c> words that point outside the record, into its fixed part
/// or at each other, and length fields that claim more than is there. A record is rejected with
/// <see cref="TraceRecordException"/> or read, with dynamic payloads clamped to the record; what
/// is read formats without throwing. Records sit at the very end of readable memory, so a read
/// past one is a crash, not a silent success.
/// </summary>
public sealed class HostileRecordTests(ITestOutputHelper output)
{
    internal delegate bool FormatRecord(ReadOnlySpan<byte> record, in RecordHeader header, Span<char> destination, out int charsWritten);

    /// <summary>One generated event: its schema, its probe set's decoder (as ReadAllAsync uses it) and text writer.</summary>
    internal sealed record Event(string ProbeSet, int Index, TracepointSchema Schema, RecordDecoder Decode, FormatRecord Format)
    {
        /// <summary>The event's layout on the kernel it was built from, as the decoders use it.</summary>
        public EventLayout Layout { get; } = EventLayout.Of(Schema);

        public override string ToString() => $"{ProbeSet}[{Index}] {Schema.FullName}";
    }

    private static readonly Type[] ProbeSets = { typeof(SkbProbes), typeof(SchedProbes), typeof(NetProbes), typeof(MiscProbes), typeof(LengthProbes) };

    internal static readonly Event[] Events = ProbeSets.SelectMany(EventsOf).ToArray();

    [ThreadStatic]
    private static GuardedMemory? t_memory;

    private static GuardedMemory Memory => t_memory ??= new GuardedMemory(FormatFileReader.MaxRecordSize + 4096);

    [Fact]
    public async Task HostileRecords_AreRejectedOrReadInsideTheRecord_AndWhatIsReadFormats()
    {
        output.WriteLine($"{Events.Length} event types: {string.Join(", ", Events.Select(e => e.Schema.FullName))}");
        // One-time loads (the kernel's symbol table for %pS, formats' tables) are not per record.
        foreach (Event e in Events)
            Check(e, Build(e.Schema, 1, [1, 2, 3, 4, 5, 6, 7, 8]), measure: false);
        long accepted = 0;
        Gen<(int Event, int Recipe, int[] Numbers)> cases = Gen.Select(Gen.Int[0, Events.Length - 1], Gen.Int[0, 5], Gen.Int[0, int.MaxValue].Array[8, 8]);

        long count = await Fuzzing.CheckAsync(
            cases,
            input =>
            {
                Event e = Events[input.Event];
                if (Check(e, Build(e.Schema, input.Recipe, input.Numbers)))
                    System.Threading.Interlocked.Increment(ref accepted);
            },
            Fuzzing.Cases(20_000, 1_000_000),
            Fuzzing.PerCaseLimit,
            input => $"{Events[input.Event]}: {Convert.ToHexString(Build(Events[input.Event].Schema, input.Recipe, input.Numbers).AsSpan(0, Math.Min(512, Build(Events[input.Event].Schema, input.Recipe, input.Numbers).Length)))}",
            output,
            "decoders");

        output.WriteLine($"{accepted} of {count} hostile records were read, the rest rejected");
        Assert.True(accepted > count / 10 && accepted < count - count / 10, "the records should be both readable and broken often");
    }

    /// <summary>
    /// Each hostile <c>__data_loc</c> the fuzzing makes, pinned with its documented outcome on
    /// sched_process_exec (filename at 8, a 20-byte fixed part, 6 bytes of payload "abcde\0"):
    /// a payload that starts inside the fixed part or past the record is rejected; one that runs
    /// past the end is clamped to the record and marked truncated.
    /// </summary>
    [Theory]
    [InlineData(20, 6, 26, "abcde", false)]
    [InlineData(20, 0xFFFF, 26, "abcde", true)]
    [InlineData(26, 4, 26, "", true)]
    [InlineData(20, 6, 23, "abc", true)]
    [InlineData(4, 4, 26, null, false)]
    [InlineData(8, 4, 26, null, false)]
    [InlineData(19, 2, 26, null, false)]
    [InlineData(27, 1, 26, null, false)]
    [InlineData(0xFFFF, 0xFFFF, 26, null, false)]
    [InlineData(20, 6, 19, null, false)]
    public void ADataLocOutsideThePayloadArea_IsRejected_AndOnePastTheEnd_IsClamped(int offset, int length, int recordLength, string? filename, bool truncated)
    {
        Event exec = Events.First(e => e.Schema.FullName == "sched:sched_process_exec");
        Assert.Equal(20, exec.Schema.FixedSize);
        byte[] record = new byte[26];
        "abcde\0"u8.CopyTo(record.AsSpan(20));
        BitConverter.TryWriteBytes(record.AsSpan(8), (uint)offset | (uint)length << 16);
        record = record[..recordLength];

        bool read = Check(exec, record, measure: false);

        Assert.Equal(filename is not null, read);
        if (!read)
            return;
        var owned = (TraceRecord)exec.Decode(Memory.Place(record), new RecordHeader(1, 0, (ushort)exec.Index, RecordFlags.None, 1, (uint)record.Length))!;
        Assert.Equal(filename, owned.GetType().GetProperty("Filename")!.GetValue(owned));
        SchedProbes.SchedProcessExec view = SchedProbes.SchedProcessExec.Read(record);
        Assert.Equal(truncated, view.Filename.IsTruncated);
    }

    /// <summary>Decodes <paramref name="bytes"/> every way the runtime does; true when it was read, false when rejected.</summary>
    internal static bool Check(Event e, byte[] bytes, bool measure = true)
    {
        var header = new RecordHeader(1, 0, (ushort)e.Index, RecordFlags.None, 1, (uint)bytes.Length);
        ReadOnlySpan<byte> record = Memory.Place(bytes);
        // The test generated readers make of every record agrees with the one that says what is wrong.
        Assert.Equal(e.Layout.Check(record) is null, e.Layout.IsWellFormed(record));
        long before = GC.GetAllocatedBytesForCurrentThread();

        TraceRecord? owned = null;
        try
        {
            owned = e.Decode(record, header);
        }
        catch (TraceRecordException rejected)
        {
            Assert.Equal(e.Schema.FullName, rejected.EventName);
            Assert.False(string.IsNullOrEmpty(rejected.Problem));
        }

        // The in-place view (the callback path) decides as the owned record does.
        char[] text = new char[1 << 18];
        bool formatted = false;
        int written = 0;
        try
        {
            formatted = e.Format(record, header, text, out written);
            Assert.NotNull(owned);
        }
        catch (TraceRecordException)
        {
            Assert.Null(owned);
        }
        if (owned is null)
            return false;

        Assert.Equal(e.Schema.Name, owned.EventName);
        Assert.True(bytes.AsSpan().SequenceEqual(owned.RawRecord));
        string line = owned.ToString();
        if (formatted)
            Assert.Equal(line, new string(text, 0, written));
        foreach (int size in new[] { 0, 1, 7, 64 })
        {
            char[] small = new char[size];
            if (owned.TryFormat(small, out int count))
                Assert.InRange(count, 0, size);
        }
        foreach (PropertyInfo property in owned.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.PropertyType.IsByRefLike && property.GetIndexParameters().Length == 0)
                property.GetValue(owned);
        }

        // Bounded by the record, not by any length or count the record claims.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(!measure || allocated < (4 << 20) + 64L * bytes.Length, $"decoding and formatting a {bytes.Length}-byte record allocated {allocated} bytes");
        return true;
    }

    /// <summary>
    /// A record for <paramref name="schema"/> from a recipe: 0 random bytes; 1 a well-formed record
    /// with random field values; 2 one cut short; 3 one whose dynamic field points somewhere
    /// interesting; 4 one whose dynamic fields all point at one payload; 5 random bytes of exactly the fixed size.
    /// </summary>
    internal static byte[] Build(TracepointSchema schema, int recipe, int[] numbers)
    {
        var random = new Random(numbers[0]);
        int fixedSize = schema.FixedSize;
        if (recipe == 0)
            return Random(random, numbers[1] % (fixedSize + 512));
        if (recipe == 5)
            return Random(random, fixedSize);

        // The fixed part random; each dynamic field's payload after it, of random length, with or without a NUL.
        byte[] fixedPart = Random(random, fixedSize);
        var dynamic = new List<byte>();
        FieldSpec[] locations = schema.Fields.Where(f => f.IsDynamic).ToArray();
        foreach (FieldSpec field in locations)
        {
            int length = numbers[2] % 3 == 0 ? random.Next(0, 300) : random.Next(0, 24);
            byte[] payload = Random(random, length);
            if (length > 0 && numbers[3] % 2 == 0)
                payload[^1] = 0;
            SetLocation(fixedPart, field, fixedSize + dynamic.Count, length);
            dynamic.AddRange(payload);
        }
        byte[] record = [.. fixedPart, .. dynamic];

        switch (recipe)
        {
            case 2:
                return record[..(numbers[4] % (record.Length + 1))];
            case 3 when locations.Length > 0:
            {
                FieldSpec field = locations[numbers[4] % locations.Length];
                int[] offsets = { 0, 4, 8, fixedSize - 1, fixedSize, record.Length - 1, record.Length, record.Length + 1, 0xFFFF, numbers[5] % 0x10000 };
                int[] lengths = { 0, 1, 2, record.Length, record.Length - fixedSize + 1, 0xFFFF, numbers[7] % 0x10000 };
                SetLocation(record, field, offsets[numbers[5] % offsets.Length], lengths[numbers[6] % lengths.Length]);
                return record;
            }
            case 4 when locations.Length > 0:
                foreach (FieldSpec field in locations)
                    SetLocation(record, field, fixedSize, record.Length - fixedSize);
                return record;
            default:
                return record;
        }
    }

    private static byte[] Random(Random random, int length)
    {
        byte[] bytes = new byte[Math.Max(0, length)];
        random.NextBytes(bytes);
        return bytes;
    }

    // A __data_loc word holds the payload's offset from the record start; a __rel_loc word, from the end of the word.
    private static void SetLocation(byte[] record, FieldSpec field, int offset, int length)
    {
        if (field.Offset + 4 > record.Length)
            return;
        int stored = field.Location == DynamicLocation.RelLoc ? offset - (field.Offset + 4) : offset;
        BitConverter.TryWriteBytes(record.AsSpan(field.Offset), (uint)(stored & 0xFFFF) | (uint)(length & 0xFFFF) << 16);
    }

    private static IEnumerable<Event> EventsOf(Type probeSet)
    {
        var definition = (ProbeSetDefinition)probeSet.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        MethodInfo decodeMethod = probeSet.GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Single(m => m.Name == "Decode" && m.GetParameters().Length == 2);
        var decode = (RecordDecoder)Delegate.CreateDelegate(typeof(RecordDecoder), decodeMethod);
        var format = (FormatRecord)Delegate.CreateDelegate(typeof(FormatRecord), probeSet.GetMethod("TryFormat", BindingFlags.Public | BindingFlags.Static)!);
        for (int i = 0; i < definition.Probes.Count; i++)
        {
            ProbeDefinition probe = definition.Probes[i];
            TracepointSchema schema = probe.BuiltSchema;
            yield return new Event(probeSet.Name, i, schema, decode, format);
        }
    }
}
