using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using CsCheck;
using TpGen.Files;
using TpGen.Tests.Files;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Robustness;

/// <summary>
/// Trace files cut short or damaged, as TpGen writes them (version 6) and as trace-cmd converts
/// them (version 7 with zstd-compressed sections and pages): opening and reading one either
/// succeeds or fails with a <see cref="TraceFileException"/> that names the problem and the byte
/// offset, never another exception, a crash or a hang, and never more records than the file holds.
/// </summary>
public sealed class HostileTraceFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = SyntheticTrace.TemporaryDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("6")]
    [InlineData("7-zstd")]
    public async Task FilesCutShortAnywhere_FailWithTheProblemAndOffset_OrReadWhatIsThere(string format)
    {
        byte[] original = Original(format, out int records);
        long cases = await Fuzzing.CheckAsync(
            Gen.Int[0, original.Length - 1],
            length => Check(original.AsSpan(0, length).ToArray(), records, expectFailure: format == "6"),
            Fuzzing.Cases(300, 20_000),
            Fuzzing.PerCaseLimit,
            length => $"the version {format} file cut to {length} of {original.Length} bytes",
            output,
            $"truncated version {format} trace files");
        Assert.True(cases > 0);
    }

    [Theory]
    [InlineData("6")]
    [InlineData("7-zstd")]
    public async Task DamagedBytes_FailWithTheProblemAndOffset_OrReadNoMoreThanTheFileHolds(string format)
    {
        byte[] original = Original(format, out int records);
        Gen<(int Offset, byte Value, int Count)> damage = Gen.Select(Gen.Int[0, original.Length - 1], Gen.Byte, Gen.Int[1, 4]);
        long cases = await Fuzzing.CheckAsync(
            damage,
            d =>
            {
                byte[] bytes = (byte[])original.Clone();
                for (int i = 0; i < d.Count && d.Offset + i < bytes.Length; i++)
                    bytes[d.Offset + i] ^= (byte)(d.Value | 1);
                Check(bytes, records, expectFailure: false);
            },
            Fuzzing.Cases(2_000, 200_000),
            Fuzzing.PerCaseLimit,
            d => $"version {format}: {d.Count} bytes at {d.Offset} xor {d.Value | 1:x2}",
            output,
            $"damaged version {format} trace files");
        Assert.True(cases > 0);
    }

    // The offset where the damage is; -1 where it is found in the file (the first page, the CPU table).
    [Theory]
    [InlineData("magic", TraceFileProblem.NotATraceFile, 0)]
    [InlineData("version", TraceFileProblem.UnsupportedVersion, 10)]
    [InlineData("big-endian", TraceFileProblem.UnsupportedByteOrder, 12)]
    [InlineData("header_page", TraceFileProblem.Corrupt, 18)]
    [InlineData("commit", TraceFileProblem.CorruptPage, -1)]
    [InlineData("event-length", TraceFileProblem.CorruptPage, -1)]
    [InlineData("cpu-offset", TraceFileProblem.Truncated, -1)]
    public void EachKindOfDamage_IsNamedWithItsOffset(string damage, TraceFileProblem problem, long offset)
    {
        byte[] bytes = Original("6", out _);
        long page = CpuDataOffset(bytes, cpu: 0);
        switch (damage)
        {
            case "magic":
                bytes[1] = 0x09;
                break;
            case "version":
                bytes[10] = (byte)'5';
                break;
            case "big-endian":
                bytes[12] = 1;
                break;
            case "header_page":
                bytes[20] = (byte)'X';
                break;
            case "commit":
                // The first page claims more events than a page holds.
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)page + 8), 5000);
                offset = page;
                break;
            case "event-length":
                // The first event: the long form with a length far past the page.
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)page + 16), 0);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)page + 20), 60_000);
                offset = page;
                break;
            case "cpu-offset":
                long entry = CpuTableEntry(bytes, cpu: 1);
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)entry), (ulong)bytes.Length + 4096);
                offset = entry;
                break;
        }
        string path = Path.Combine(_directory, damage + ".dat");
        File.WriteAllBytes(path, bytes);

        TraceFileException e = Assert.Throws<TraceFileException>(() =>
        {
            using TraceDataFile file = TraceDataFile.Open(path);
            TraceFileReader reader = file.CreateReader();
            while (reader.MoveNext())
            {
            }
        });
        output.WriteLine(e.Message);
        Assert.Equal(problem, e.Problem);
        Assert.Equal(offset, e.Offset);
        Assert.StartsWith($"{path}: at byte {offset}: ", e.Message);
    }

    // The synthetic trace as TpGen writes it (version 6), or converted by trace-cmd (version 7, its sections zstd-compressed).
    private byte[] Original(string format, out int records)
    {
        string path = Path.Combine(_directory, "original.dat");
        SyntheticTrace trace = SyntheticTrace.Write(path);
        records = trace.Records.Count;
        if (format == "6")
            return File.ReadAllBytes(path);
        string converted = Path.Combine(_directory, "converted.dat");
        TraceCmd.Convert(path, converted, "7", "zstd");
        return File.ReadAllBytes(converted);
    }

    // Open and read everything; a failure must be a TraceFileException naming a place in the file.
    private void Check(byte[] bytes, int records, bool expectFailure)
    {
        string path = Path.Combine(_directory, $"case-{Environment.CurrentManagedThreadId}.dat");
        File.WriteAllBytes(path, bytes);
        long read = 0;
        try
        {
            using TraceDataFile file = TraceDataFile.Open(path);
            TraceFileReader reader = file.CreateReader();
            while (reader.MoveNext())
            {
                if (reader.Kind == TraceFileItemKind.Record)
                {
                    TraceFileRecord record = reader.Record;
                    Assert.True(record.Data.Length >= 8);
                    _ = record.Event?.Schema;
                    read++;
                }
            }
            _ = file.Symbols.Count;
        }
        catch (TraceFileException e)
        {
            Assert.True(e.Offset >= -1 && e.Offset <= bytes.Length, "the offset is not a place in the file: " + e.Message);
            Assert.StartsWith(path + ": ", e.Message);
            Assert.True(e.Detail.Length > 10, e.Message);
            return;
        }
        // A cut inside the data after its last page is still a whole file; anywhere else it fails.
        if (expectFailure && bytes.Length < CpuDataEnd())
            Assert.Fail($"a file cut to {bytes.Length} bytes was read without complaint ({read} records)");
        // Damage can turn bytes into other records, but no record is smaller than 12 bytes with its header.
        Assert.True(read <= Math.Max(records, bytes.Length / 12), $"{read} records from {bytes.Length} bytes");
    }

    private long CpuDataEnd()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(_directory, "original.dat"));
        return CpuDataOffset(bytes, 1) + RingBufferPageBuilder.PageSize * 2;
    }

    // The flyrecord table of a version 6 file: after "flyrecord\0", (offset, size) per CPU.
    private static long CpuTableEntry(byte[] bytes, int cpu)
    {
        int at = IndexOf(bytes, Encoding.ASCII.GetBytes("flyrecord\0"));
        return at + 10 + 16 * cpu;
    }

    private static long CpuDataOffset(byte[] bytes, int cpu) => (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)CpuTableEntry(bytes, cpu)));

    private static int IndexOf(byte[] bytes, byte[] pattern) => bytes.AsSpan().IndexOf(pattern);
}
