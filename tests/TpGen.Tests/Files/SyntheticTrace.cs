using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TpGen.Files;
using TpGen.Schema;
using TpGen.Tests.Support;

namespace TpGen.Tests.Files;

/// <summary>
/// A trace.dat built by hand from the fixtures' real formats (skb:kfree_skb, sched:sched_switch,
/// sched:sched_process_exec) and pages written with <see cref="RingBufferPageBuilder"/>: two CPUs
/// whose records interleave in time, a time extend, an absolute time stamp, a discarded event, a
/// record long enough for the long header, a page after events lost with their count stored, and
/// one without. The builder keeps what a reader must find, in time order.
/// </summary>
internal sealed class SyntheticTrace
{
    public const ulong Location = 0xffffffff820464bc;

    /// <summary>A record the reader must return.</summary>
    public sealed record Expected(ulong Time, int Cpu, int Pid, string Event, byte[] Data);

    /// <summary>A loss the reader must report just before the record at <see cref="Before"/>.</summary>
    public sealed record ExpectedLoss(int Cpu, long? Count, int Before);

    private SyntheticTrace(List<Expected> records, List<ExpectedLoss> losses)
    {
        Records = records;
        Losses = losses;
    }

    /// <summary>The records in time order (CPU order at equal times).</summary>
    public IReadOnlyList<Expected> Records { get; }

    /// <summary>The losses, each placed before a record of <see cref="Records"/>.</summary>
    public IReadOnlyList<ExpectedLoss> Losses { get; }

    public static TracepointSchema KfreeSkb => Fixtures.Schema("skb", "kfree_skb");

    public static TracepointSchema SchedSwitch => Fixtures.Schema("sched", "sched_switch");

    public static TracepointSchema SchedProcessExec => Fixtures.Schema("sched", "sched_process_exec");

    /// <summary>The symbols the file carries for %pS.</summary>
    public const string Kallsyms = "ffffffff82046000 T __udp4_lib_rcv\nffffffff82047000 T udp_rcv\nffffffff82048000 t udp_err\n";

    /// <summary>Writes the file to <paramref name="path"/> and returns what it holds.</summary>
    public static SyntheticTrace Write(string path)
    {
        var pending = new List<(ulong Time, int Cpu, int Order, Expected Record, (long? Count, bool Lost) Loss)>();
        int order = 0;
        void Add(ulong time, int cpu, int pid, string name, byte[] data, bool lost = false, long? count = null) =>
            pending.Add((time, cpu, order++, new Expected(time, cpu, pid, name, data), (count, lost)));

        var cpu0 = new RingBufferPageBuilder();
        ulong t = 1_000_000_000;
        byte[] a = Drop(100, 0xffff888100001000);
        byte[] b = Switch(100, "flooder", 200, "bash");
        byte[] c = Drop(100, 0xffff888100002000);
        byte[] d = Drop(200, 0xffff888100003000);
        cpu0.Page(t).Record(0, a).Record(1_000, b).Discarded(48).Record(500, c).TimeExtend(1UL << 28).Record(7, d);
        Add(t, 0, 100, "skb:kfree_skb", a);
        Add(t + 1_000, 0, 100, "sched:sched_switch", b);
        Add(t + 1_500, 0, 100, "skb:kfree_skb", c);
        Add(t + 1_507 + (1UL << 28), 0, 200, "skb:kfree_skb", d);

        ulong t2 = 2_000_000_000;
        byte[] e = Drop(200, 0xffff888100004000);
        byte[] f = Exec(200, "/usr/lib/very/long/path/to/a/program/that/needs/the/long/event/header/form/because/it/is/long");
        cpu0.Page(t2, lost: true, lostCount: 42).Record(10, e).Record(20, f);
        Add(t2 + 10, 0, 200, "skb:kfree_skb", e, lost: true, count: 42);
        Add(t2 + 30, 0, 200, "sched:sched_process_exec", f);

        var cpu1 = new RingBufferPageBuilder();
        byte[] g = Drop(300, 0xffff888100005000);
        byte[] h = Drop(300, 0xffff888100006000);
        cpu1.Page(1_000_000_500).Record(0, g).TimeStamp(3_000_000_000).Record(0, h);
        Add(1_000_000_500, 1, 300, "skb:kfree_skb", g);
        Add(3_000_000_000, 1, 300, "skb:kfree_skb", h);

        byte[] i = Switch(300, "worker", 0, "swapper/1");
        cpu1.Page(3_500_000_000, lost: true).Record(5, i);
        Add(3_500_000_005, 1, 300, "sched:sched_switch", i, lost: true);

        var writer = new TraceDataWriter(RingBufferPageBuilder.PageSize, 2)
        {
            HeaderPage = File.ReadAllText(Path.Combine(Fixtures.EventsDirectory, "header_page")),
            HeaderEvent = File.ReadAllText(Path.Combine(Fixtures.EventsDirectory, "header_event")),
            Kallsyms = Kallsyms,
            PrintkFormats = "0xffffffff83000000 : \"a printk string\"\n",
            SavedCmdlines = "100 flooder\n200 bash\n300 worker\n",
            Clock = "local",
            Uname = "Linux test 6.18.0 x86_64",
            RecorderVersion = "tpgen tests",
        };
        foreach (string directory in Directory.GetDirectories(Path.Combine(Fixtures.EventsDirectory, "ftrace")).Order(StringComparer.Ordinal))
            writer.AddFtraceFormat(File.ReadAllText(Path.Combine(directory, "format")));
        writer.AddEventFormat("skb", Fixtures.FormatText("skb", "kfree_skb"));
        writer.AddEventFormat("sched", Fixtures.FormatText("sched", "sched_switch"));
        writer.AddEventFormat("sched", Fixtures.FormatText("sched", "sched_process_exec"));
        using (var file = File.Create(path))
            writer.Write(file, [new MemoryStream(cpu0.Data()), new MemoryStream(cpu1.Data())]);

        var sorted = pending.OrderBy(p => p.Time).ThenBy(p => p.Cpu).ThenBy(p => p.Order).ToList();
        var losses = new List<ExpectedLoss>();
        for (int at = 0; at < sorted.Count; at++)
        {
            if (sorted[at].Loss.Lost)
                losses.Add(new ExpectedLoss(sorted[at].Cpu, sorted[at].Loss.Count, at));
        }
        return new SyntheticTrace(sorted.Select(p => p.Record).ToList(), losses);
    }

    public static byte[] Drop(int pid, ulong skb) => new RecordBuilder(KfreeSkb)
        .Set("common_pid", pid).Set("skbaddr", (long)skb).Set("location", unchecked((long)Location)).Set("protocol", 0x800).Set("reason", 3).Build();

    public static byte[] Switch(int pid, string previous, int nextPid, string next) => new RecordBuilder(SchedSwitch)
        .Set("common_pid", pid).String("prev_comm", previous).Set("prev_pid", pid).Set("prev_prio", 120).Set("prev_state", 1)
        .String("next_comm", next).Set("next_pid", nextPid).Set("next_prio", 120).Build();

    public static byte[] Exec(int pid, string filename) => new RecordBuilder(SchedProcessExec)
        .Set("common_pid", pid).String("filename", filename).Set("pid", pid).Set("old_pid", pid).Build();

    /// <summary>Everything a reader gives, as lines: "LOSS cpu count" and "time cpu pid event hex".</summary>
    public static List<string> Read(TraceDataFile file)
    {
        var lines = new List<string>();
        TraceFileReader reader = file.CreateReader();
        while (reader.MoveNext())
        {
            if (reader.Kind == TraceFileItemKind.Loss)
            {
                lines.Add($"LOSS {reader.Loss.Cpu} {reader.Loss.Count?.ToString() ?? "?"}");
                continue;
            }
            TraceFileRecord record = reader.Record;
            lines.Add($"{record.Timestamp} {record.Cpu} {record.ProcessId} {record.Event?.FullName} {Convert.ToHexString(record.Data)}");
        }
        return lines;
    }

    /// <summary>What <see cref="Read"/> must give.</summary>
    public List<string> ExpectedLines()
    {
        var lines = new List<string>();
        for (int at = 0; at < Records.Count; at++)
        {
            foreach (ExpectedLoss loss in Losses.Where(l => l.Before == at))
                lines.Add($"LOSS {loss.Cpu} {loss.Count?.ToString() ?? "?"}");
            Expected record = Records[at];
            // The ring buffer rounds a record up to whole words.
            byte[] padded = new byte[(record.Data.Length + 3) & ~3];
            record.Data.CopyTo(padded, 0);
            lines.Add($"{record.Time} {record.Cpu} {record.Pid} {record.Event} {Convert.ToHexString(padded)}");
        }
        return lines;
    }

    public static string Describe(IEnumerable<string> lines) => string.Join("\n", lines.Select(l => l.Length > 160 ? l[..160] + "..." : l));

    /// <summary>A fresh directory for one test's files.</summary>
    public static string TemporaryDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "tpgen-files-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    public static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);
}
