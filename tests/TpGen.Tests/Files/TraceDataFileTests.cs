using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TpGen.Files;
using TpGen.Kernel;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Files;

/// <summary>
/// The reader on a file whose every page was written by the tests' own encoder: the records come
/// back in time order across CPUs with their times, CPUs, threads, events and bytes; losses come
/// where the kernel marked them, with their counts; the file's own formats, symbols and command
/// names are what it carries.
/// </summary>
public sealed class TraceDataFileTests : IDisposable
{
    private readonly string _directory = SyntheticTrace.TemporaryDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Records_ComeInTimeOrderAcrossCpus_WithLossesBeforeThePagesThatReportThem()
    {
        string path = Path.Combine(_directory, "synthetic.dat");
        SyntheticTrace trace = SyntheticTrace.Write(path);
        using TraceDataFile file = TraceDataFile.Open(path);

        List<string> actual = SyntheticTrace.Read(file);

        Assert.True(trace.ExpectedLines().SequenceEqual(actual), "expected:\n" + SyntheticTrace.Describe(trace.ExpectedLines()) + "\nread:\n" + SyntheticTrace.Describe(actual));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("zstd")]
    public void TheSameTrace_ConvertedByTraceCmdToVersion7_ReadsTheSame(string compression)
    {
        string path = Path.Combine(_directory, "synthetic.dat");
        SyntheticTrace trace = SyntheticTrace.Write(path);
        string converted = Path.Combine(_directory, "converted.dat");
        TraceCmd.Convert(path, converted, "7", compression);
        using TraceDataFile file = TraceDataFile.Open(converted);

        List<string> actual = SyntheticTrace.Read(file);

        Assert.Equal(7, file.Version);
        Assert.Equal(compression, file.Compression);
        Assert.Equal("flooder", file.FindCommand(100));
        Assert.True(file.Symbols.TryLookup(SyntheticTrace.Location, out string name, out _, out _, out _) && name == "__udp4_lib_rcv");
        Assert.True(trace.ExpectedLines().SequenceEqual(actual), "expected:\n" + SyntheticTrace.Describe(trace.ExpectedLines()) + "\nread:\n" + SyntheticTrace.Describe(actual));
    }

    [Fact]
    public void TheReaderCounts_LostEventsPerCpu_AndLossesWhoseCountTheKernelCouldNotStore()
    {
        string path = Path.Combine(_directory, "synthetic.dat");
        SyntheticTrace trace = SyntheticTrace.Write(path);
        using TraceDataFile file = TraceDataFile.Open(path);
        TraceFileReader reader = file.CreateReader();
        while (reader.MoveNext())
        {
        }

        Assert.Equal(trace.Records.Count, reader.RecordCount);
        Assert.Equal(2, reader.LossCount);
        Assert.Equal(42, Assert.Single(reader.LostEventsByCpu).Value);
        Assert.Equal(1, reader.LossesOfUnknownCount);
    }

    [Fact]
    public void TheFilesOwnDescriptions_AreWhatItCarries()
    {
        string path = Path.Combine(_directory, "synthetic.dat");
        SyntheticTrace.Write(path);
        using TraceDataFile file = TraceDataFile.Open(path);

        Assert.Equal(6, file.Version);
        Assert.Equal("none", file.Compression);
        Assert.Equal(4096, file.PageSize);
        Assert.Equal(8, file.KernelLongSize);
        Assert.Equal(2, file.CpuCount);
        Assert.Equal("local", file.Clock);
        Assert.Equal("Linux test 6.18.0 x86_64", file.Uname);
        Assert.Equal("flooder", file.FindCommand(100));
        TraceFileEvent drop = Assert.IsType<TraceFileEvent>(file.FindEvent("skb", "kfree_skb"));
        Assert.Equal(SyntheticTrace.KfreeSkb.Id, drop.Id);
        Assert.Same(drop, file.FindEvent(drop.Id));
        Assert.Equal(SyntheticTrace.KfreeSkb, drop.Schema);
        Assert.Contains(file.Events, e => e.System == "ftrace" && e.Name == "print");
        Assert.True(file.Symbols.TryLookup(SyntheticTrace.Location, out string name, out ulong offset, out _, out _));
        Assert.Equal(("__udp4_lib_rcv", 0x4bcUL), (name, offset));
        Assert.True(file.PrintkFormats.TryGet(0xffffffff83000000, out string printk));
        Assert.Equal("a printk string", printk);
    }

    [Fact]
    public void FormattingInsideUseForFormatting_UsesTheFilesSymbols_AndOutsideItTheMachines()
    {
        string path = Path.Combine(_directory, "synthetic.dat");
        SyntheticTrace.Write(path);
        using TraceDataFile file = TraceDataFile.Open(path);

        using (file.UseForFormatting())
            Assert.Same(file.Symbols, KernelSymbols.Current);
        Assert.Same(KernelSymbols.Default, KernelSymbols.Current);
    }

    [Fact]
    public async Task ReadAllAsync_AndTheCallback_GiveTheSameItemsAsTheReader()
    {
        string path = Path.Combine(_directory, "synthetic.dat");
        SyntheticTrace trace = SyntheticTrace.Write(path);
        using TraceDataFile file = TraceDataFile.Open(path);
        var fromCallback = new List<string>();
        file.Read((in TraceFileRecord r) => fromCallback.Add($"{r.Timestamp} {r.Cpu} {r.Event?.FullName}"), loss => fromCallback.Add($"LOSS {loss.Cpu} {loss.Count}"), TestContext.Current.CancellationToken);
        var fromAsync = new List<string>();
        await foreach (string item in file.ReadAllAsync((in TraceFileRecord r) => $"{r.Timestamp} {r.Cpu} {r.Event?.FullName}", loss => $"LOSS {loss.Cpu} {loss.Count}", TestContext.Current.CancellationToken))
            fromAsync.Add(item);

        var expected = trace.ExpectedLines().Select(l => l.StartsWith("LOSS", StringComparison.Ordinal) ? l.Replace(" ?", " ") : string.Join(' ', l.Split(' ').Where((_, i) => i is 0 or 1 or 3))).ToList();
        Assert.Equal(expected, fromCallback);
        Assert.Equal(expected, fromAsync);
    }
}
