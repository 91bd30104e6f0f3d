using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Decoders;

/// <summary>
/// Decoding: each benchmark reads all <see cref="Records.Count"/> records of a buffer once, so
/// the time reported is per record. The hand-written decoder of the same record doing the same
/// reads is the baseline of each category.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(RecordsPerSecondConfig))]
public class FixedSizeDecoding
{
    private byte[] _records = Array.Empty<byte>();

    [GlobalSetup]
    public void Setup() => _records = Records.KfreeSkb(2310, (uint)Events.SkbDropReason.NO_SOCKET);

    [Benchmark(Baseline = true, OperationsPerInvoke = Records.Count), BenchmarkCategory("kfree_skb: one field")]
    public long HandWritten_Reason()
    {
        ReadOnlySpan<byte> all = _records;
        long sum = 0;
        for (int i = 0; i < Records.Count; i++)
            sum += new HandKfreeSkb(all.Slice(i * Records.KfreeSkbSize, Records.KfreeSkbSize)).Reason;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Records.Count), BenchmarkCategory("kfree_skb: one field")]
    public long Generated_Reason()
    {
        ReadOnlySpan<byte> all = _records;
        long sum = 0;
        for (int i = 0; i < Records.Count; i++)
            sum += (uint)Events.KfreeSkb.Read(all.Slice(i * Records.KfreeSkbSize, Records.KfreeSkbSize)).Reason;
        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Records.Count), BenchmarkCategory("kfree_skb: every field")]
    public long HandWritten_AllFields()
    {
        ReadOnlySpan<byte> all = _records;
        long sum = 0;
        for (int i = 0; i < Records.Count; i++)
        {
            var e = new HandKfreeSkb(all.Slice(i * Records.KfreeSkbSize, Records.KfreeSkbSize));
            sum += e.CommonPid + (long)e.Skbaddr + (long)e.Location + (long)e.RxSk + e.Protocol + e.Reason;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Records.Count), BenchmarkCategory("kfree_skb: every field")]
    public long Generated_AllFields()
    {
        ReadOnlySpan<byte> all = _records;
        long sum = 0;
        for (int i = 0; i < Records.Count; i++)
        {
            var e = Events.KfreeSkb.Read(all.Slice(i * Records.KfreeSkbSize, Records.KfreeSkbSize));
            sum += e.CommonPid + (long)e.Skbaddr + (long)e.Location + (long)e.RxSk + e.Protocol + (uint)e.Reason;
        }
        return sum;
    }

    /// <summary>An owned copy of each record, as ReadAllAsync makes: this one allocates.</summary>
    [Benchmark(OperationsPerInvoke = Records.Count), BenchmarkCategory("kfree_skb: owned record")]
    public long Generated_OwnedRecord()
    {
        ReadOnlySpan<byte> all = _records;
        long sum = 0;
        for (int i = 0; i < Records.Count; i++)
            sum += (uint)new Events.KfreeSkbRecord(all.Slice(i * Records.KfreeSkbSize, Records.KfreeSkbSize)).Reason;
        return sum;
    }
}

/// <summary>A __data_loc event: the filename of sched_process_exec, then the pids.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(RecordsPerSecondConfig))]
public class DynamicDecoding
{
    private byte[] _buffer = Array.Empty<byte>();
    private int[] _offsets = Array.Empty<int>();
    private int[] _lengths = Array.Empty<int>();

    [GlobalSetup]
    public void Setup() => (_buffer, _offsets, _lengths) = Records.SchedProcessExec(365);

    [Benchmark(Baseline = true, OperationsPerInvoke = Records.Count), BenchmarkCategory("sched_process_exec: every field")]
    public long HandWritten_AllFields()
    {
        ReadOnlySpan<byte> all = _buffer;
        long sum = 0;
        for (int i = 0; i < Records.Count; i++)
        {
            var e = new HandSchedProcessExec(all.Slice(_offsets[i], _lengths[i]));
            sum += e.Filename.Length + e.Pid + e.OldPid;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Records.Count), BenchmarkCategory("sched_process_exec: every field")]
    public long Generated_AllFields()
    {
        ReadOnlySpan<byte> all = _buffer;
        long sum = 0;
        for (int i = 0; i < Records.Count; i++)
        {
            var e = Events.SchedProcessExec.Read(all.Slice(_offsets[i], _lengths[i]));
            sum += e.Filename.Length + e.Pid + e.OldPid;
        }
        return sum;
    }
}

/// <summary>
/// Text: the kernel's line for each event (what /sys/kernel/tracing/trace prints after the
/// event name), into a buffer (TryFormat) or a new string (ToString). Both decoders write the
/// same characters; the setup checks that.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(RecordsPerSecondConfig))]
public class TextFormatting
{
    private const int Sample = 64;
    private byte[] _kfree = Array.Empty<byte>();
    private byte[] _exec = Array.Empty<byte>();
    private int[] _offsets = Array.Empty<int>();
    private int[] _lengths = Array.Empty<int>();
    private string?[] _reasonNames = Array.Empty<string?>();
    private readonly char[] _destination = new char[512];

    [GlobalSetup]
    public void Setup()
    {
        _kfree = Records.KfreeSkb(2310, (uint)Events.SkbDropReason.NO_SOCKET);
        (_exec, _offsets, _lengths) = Records.SchedProcessExec(365);
        // A hand-written decoder would carry the reason names as a table.
        var values = Enum.GetValues<Events.SkbDropReason>();
        _reasonNames = new string?[(int)values.Max(v => (uint)v) + 1];
        foreach (var value in values)
            _reasonNames[(uint)value] = value.ToString();

        for (int i = 0; i < Sample; i++)
        {
            string generated = Events.KfreeSkb.Read(Kfree(i)).ToString();
            new HandKfreeSkb(Kfree(i)).TryFormat(_destination, out int written, _reasonNames);
            Same(generated, new string(_destination, 0, written));
            generated = Events.SchedProcessExec.Read(Exec(i)).ToString();
            new HandSchedProcessExec(Exec(i)).TryFormat(_destination, out written);
            Same(generated, new string(_destination, 0, written));
        }
    }

    private static void Same(string generated, string handWritten)
    {
        if (generated != handWritten)
            throw new InvalidOperationException($"the decoders disagree:\n  generated:    {generated}\n  hand-written: {handWritten}");
    }

    private ReadOnlySpan<byte> Kfree(int i) => _kfree.AsSpan(i * Records.KfreeSkbSize, Records.KfreeSkbSize);

    private ReadOnlySpan<byte> Exec(int i) => _exec.AsSpan(_offsets[i], _lengths[i]);

    [Benchmark(Baseline = true, OperationsPerInvoke = Sample), BenchmarkCategory("kfree_skb: TryFormat")]
    public int HandWritten_KfreeSkb_TryFormat()
    {
        int total = 0;
        for (int i = 0; i < Sample; i++)
        {
            new HandKfreeSkb(Kfree(i)).TryFormat(_destination, out int written, _reasonNames);
            total += written;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = Sample), BenchmarkCategory("kfree_skb: TryFormat")]
    public int Generated_KfreeSkb_TryFormat()
    {
        int total = 0;
        for (int i = 0; i < Sample; i++)
        {
            Events.KfreeSkb.Read(Kfree(i)).TryFormat(_destination, out int written);
            total += written;
        }
        return total;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Sample), BenchmarkCategory("kfree_skb: ToString")]
    public int HandWritten_KfreeSkb_ToString()
    {
        int total = 0;
        Span<char> buffer = stackalloc char[256];
        for (int i = 0; i < Sample; i++)
        {
            new HandKfreeSkb(Kfree(i)).TryFormat(buffer, out int written, _reasonNames);
            total += new string(buffer.Slice(0, written)).Length;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = Sample), BenchmarkCategory("kfree_skb: ToString")]
    public int Generated_KfreeSkb_ToString()
    {
        int total = 0;
        for (int i = 0; i < Sample; i++)
            total += Events.KfreeSkb.Read(Kfree(i)).ToString().Length;
        return total;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Sample), BenchmarkCategory("sched_process_exec: TryFormat")]
    public int HandWritten_SchedProcessExec_TryFormat()
    {
        int total = 0;
        for (int i = 0; i < Sample; i++)
        {
            new HandSchedProcessExec(Exec(i)).TryFormat(_destination, out int written);
            total += written;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = Sample), BenchmarkCategory("sched_process_exec: TryFormat")]
    public int Generated_SchedProcessExec_TryFormat()
    {
        int total = 0;
        for (int i = 0; i < Sample; i++)
        {
            Events.SchedProcessExec.Read(Exec(i)).TryFormat(_destination, out int written);
            total += written;
        }
        return total;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Sample), BenchmarkCategory("sched_process_exec: ToString")]
    public int HandWritten_SchedProcessExec_ToString()
    {
        int total = 0;
        Span<char> buffer = stackalloc char[256];
        for (int i = 0; i < Sample; i++)
        {
            new HandSchedProcessExec(Exec(i)).TryFormat(buffer, out int written);
            total += new string(buffer.Slice(0, written)).Length;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = Sample), BenchmarkCategory("sched_process_exec: ToString")]
    public int Generated_SchedProcessExec_ToString()
    {
        int total = 0;
        for (int i = 0; i < Sample; i++)
            total += Events.SchedProcessExec.Read(Exec(i)).ToString().Length;
        return total;
    }
}

/// <summary>Adds records per second (one operation is one record) to the summary.</summary>
public sealed class RecordsPerSecondConfig : ManualConfig
{
    public RecordsPerSecondConfig() => AddColumn(new RecordsPerSecondColumn());

    private sealed class RecordsPerSecondColumn : IColumn
    {
        public string Id => "RecordsPerSecond";
        public string ColumnName => "Records/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Records decoded (or formatted) per second on one core: 1 s / Mean";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            double? mean = report?.ResultStatistics?.Mean;
            return mean is > 0 ? $"{1e9 / mean.Value / 1e6:N1} M" : "-";
        }
    }
}
