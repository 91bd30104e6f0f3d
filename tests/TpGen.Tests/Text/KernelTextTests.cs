using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Text;

/// <summary>
/// The kernel is the oracle: real events are recorded in a tracefs instance of their own, the
/// kernel's text is read from its per-CPU <c>trace</c> files and the very same records from its
/// per-CPU <c>trace_pipe_raw</c>, and the generated text of each record must be the kernel's,
/// byte for byte. <c>nohash-ptr</c> makes the kernel print real addresses for <c>%p</c>.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class KernelTextTests(ITestOutputHelper output)
{
    // Not syscalls:*: the kernel prints those with its syscall printer ("sys_openat(dfd: ...)"), not their print fmt (docs/event-text.md).
    private static readonly string[] Events =
    [
        "skb:kfree_skb", "skb:consume_skb", "skb:skb_copy_datagram_iovec",
        "sched:sched_switch", "sched:sched_wakeup", "sched:sched_waking", "sched:sched_wakeup_new",
        "sched:sched_process_exec", "sched:sched_process_fork", "sched:sched_process_exit", "sched:sched_process_free",
        "net:net_dev_queue", "net:net_dev_xmit", "net:netif_receive_skb", "net:netif_rx", "net:napi_gro_receive_entry",
        "irq:irq_handler_entry", "irq:irq_handler_exit", "irq:softirq_entry", "irq:softirq_exit", "irq:softirq_raise",
        "timer:timer_start", "timer:timer_expire_entry", "timer:hrtimer_start", "timer:hrtimer_expire_entry", "timer:hrtimer_cancel",
        "ipi:ipi_send_cpu", "ipi:ipi_send_cpumask",
        "block:block_rq_issue", "block:block_rq_complete", "block:block_bio_queue",
        "sock:inet_sock_set_state", "udp:udp_fail_queue_rcv_skb",
        "workqueue:workqueue_queue_work", "workqueue:workqueue_execute_start",
        "signal:signal_generate", "signal:signal_deliver",
        "kmem:kmem_cache_alloc", "kmem:kfree", "kmem:mm_page_alloc",
        "filemap:mm_filemap_add_to_page_cache", "writeback:writeback_dirty_folio", "task:task_newtask", "task:task_rename",
    ];

    [Fact]
    public void RealEvents_PrintExactlyAsTheKernelPrintsThem_WithRealPointers()
    {
        string eventsDirectory = KernelFacility.RequireTracefs();
        KernelFacility.RequireBpf(); // root
        // As the build reads them: the constants the print fmts name without defining get their values from BTF.
        IReadOnlyDictionary<string, long> constants = KernelBtf.RunningKernelConstants ?? new Dictionary<string, long>();
        var formats = Events.Select(e => e.Split(':'))
            .Where(p => File.Exists(Path.Combine(eventsDirectory, p[0], p[1], "format")))
            .ToDictionary(p => p[0] + ":" + p[1], p => KernelConstants.ResolveFormatText(File.ReadAllText(Path.Combine(eventsDirectory, p[0], p[1], "format")), p[0], p[1], constants));
        var schemas = formats.Select(p => FormatFileReader.ReadOrThrow(p.Value, p.Key.Split(':')[0], p.Key, p.Key.Split(':')[1])).ToList();
        CompiledEvents compiled = CompiledEvents.Build(schemas, s => formats[s.FullName]);
        var byId = schemas.ToDictionary(s => s.Id);

        string instance = Path.Combine(Tracefs.Root, "instances", $"tpgen_text_{Environment.ProcessId}");
        var (texts, records) = Record(instance, schemas, Workload);

        int compared = 0, same = 0, fallbacks = 0, known = 0;
        var seen = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var mismatches = new List<string>();
        foreach (int cpu in texts.Keys)
        {
            List<string> lines = texts[cpu];
            List<byte[]> raw = records[cpu];
            Assert.True(lines.Count == raw.Count, $"cpu {cpu}: the trace file has {lines.Count} event lines but trace_pipe_raw {raw.Count} records");
            for (int i = 0; i < lines.Count; i++)
            {
                int id = BitConverter.ToUInt16(raw[i], 0);
                Assert.True(byId.TryGetValue(id, out TracepointSchema? schema), $"cpu {cpu} record {i} has event id {id}, which was not enabled");
                string prefix = schema!.Name + ": ";
                Assert.True(lines[i].StartsWith(prefix, StringComparison.Ordinal), $"cpu {cpu} line {i} is not a {schema.FullName} line: {lines[i]}");
                string kernel = lines[i][prefix.Length..];
                seen[schema.FullName] = seen.GetValueOrDefault(schema.FullName) + 1;
                // An event whose print fmt calls kernel code prints a field list instead, and says so (TPGEN0040).
                if (compiled.Fallbacks.ContainsKey(schema.FullName))
                {
                    fallbacks++;
                    continue;
                }
                string? ours = compiled.Format(schema.FullName, raw[i]);
                compared++;
                if (ours == kernel)
                    same++;
                else if (ours is not null && KnownDifferences.ExplainKernel(schema, ours, kernel) is not null)
                    known++;
                else if (mismatches.Count < 20)
                    mismatches.Add($"{schema.FullName}\n  kernel: {kernel}\n  tpgen:  {ours}");
            }
        }

        output.WriteLine($"{compared + fallbacks} event lines of {seen.Count} events; {compared} compared, {same} identical, " +
                         $"{known} differ only in a table entry the format does not define; {fallbacks} lines of {string.Join(", ", compiled.Fallbacks.Keys.Where(seen.ContainsKey))} print a field list");
        foreach (var (name, count) in seen)
            output.WriteLine($"  {name}: {count}");
        foreach (string mismatch in mismatches)
            output.WriteLine(mismatch);
        Assert.True(seen.Count >= 10, $"only {seen.Count} kinds of event fired: {string.Join(", ", seen.Keys)}");
        Assert.Empty(mismatches);
        Assert.True(same > compared * 9 / 10, $"only {same} of {compared} lines are identical");
        // With BTF every constant the print fmts name has its value: nothing is left to explain.
        if (KernelBtf.RunningKernelConstants is not null)
            Assert.Equal(0, known);
    }

    [Fact]
    public void ConstantsThePrintFmtNamesButTheFormatDoesNotDefine_PrintAsTheKernelPrintsThem_WithTheirValuesFromBtf()
    {
        string eventsDirectory = KernelFacility.RequireTracefs();
        KernelFacility.RequireBpf(); // root
        IReadOnlyDictionary<string, long> constants = BtfSchemaReader.EnumConstants(KernelBtfs.ThisKernel());
        // hrtimer modes (mode=ABS), TCP states (state=TCP_CLOSE), I/O priority classes (none,0,0).
        string[] events = ["timer:hrtimer_start", "tcp:tcp_send_reset", "block:block_rq_issue", "block:block_rq_complete"];
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string[] e in events.Select(e => e.Split(':')).Where(p => File.Exists(Path.Combine(eventsDirectory, p[0], p[1], "format"))))
        {
            raw[e[0] + ":" + e[1]] = File.ReadAllText(Path.Combine(eventsDirectory, e[0], e[1], "format"));
            // What the build does with the build machine's tracefs and BTF (GatherTracepointFormats).
            resolved[e[0] + ":" + e[1]] = KernelConstants.ResolveFormatText(raw[e[0] + ":" + e[1]], e[0], e[1], constants);
        }
        Assert.True(resolved.Count >= 2, $"only {string.Join(", ", resolved.Keys)} exist here");
        var schemas = resolved.Select(p => FormatFileReader.ReadOrThrow(p.Value, p.Key.Split(':')[0], p.Key, p.Key.Split(':')[1])).ToList();
        Assert.All(schemas, s => Assert.Empty(KernelConstants.Unresolved(s)));
        CompiledEvents compiled = CompiledEvents.Build(schemas, s => resolved[s.FullName]);
        CompiledEvents unresolved = CompiledEvents.Build(schemas, s => raw[s.FullName]);
        var byId = schemas.ToDictionary(s => s.Id);

        string instance = Path.Combine(Tracefs.Root, "instances", $"tpgen_constants_{Environment.ProcessId}");
        var (texts, records) = Record(instance, schemas, ConstantsWorkload);

        int compared = 0, differedBefore = 0;
        var seen = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var mismatches = new List<string>();
        foreach (int cpu in texts.Keys)
        {
            Assert.Equal(texts[cpu].Count, records[cpu].Count);
            for (int i = 0; i < texts[cpu].Count; i++)
            {
                TracepointSchema schema = byId[BitConverter.ToUInt16(records[cpu][i], 0)];
                string kernel = texts[cpu][i][(schema.Name.Length + 2)..];
                string? ours = compiled.Format(schema.FullName, records[cpu][i]);
                seen[schema.FullName] = seen.GetValueOrDefault(schema.FullName) + 1;
                compared++;
                differedBefore += unresolved.Format(schema.FullName, records[cpu][i]) != kernel ? 1 : 0;
                if (ours != kernel && mismatches.Count < 20)
                    mismatches.Add($"{schema.FullName}\n  kernel: {kernel}\n  tpgen:  {ours}");
            }
        }

        output.WriteLine($"{compared} lines ({string.Join(", ", seen.Select(p => $"{p.Key} {p.Value}"))}); {differedBefore} of them differ from the kernel's without BTF's values");
        foreach (string mismatch in mismatches)
            output.WriteLine(mismatch);
        Assert.Empty(mismatches);
        Assert.True(seen.GetValueOrDefault("timer:hrtimer_start") > 0 && seen.GetValueOrDefault("tcp:tcp_send_reset") > 0, "the workload fired too few events: " + string.Join(", ", seen.Keys));
        Assert.True(differedBefore > 0, "no line printed a constant the format does not define");
    }

    /// <summary>Timers, a TCP connection reset from the established state (close with SO_LINGER 0), and a synced file write.</summary>
    private static void ConstantsWorkload()
    {
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            using var client = new TcpClient();
            client.Connect((IPEndPoint)listener.LocalEndpoint);
            using TcpClient server = listener.AcceptTcpClient();
            client.LingerState = new LingerOption(true, 0);
            client.Close();
            listener.Stop();
        }
        string temporary = Path.Combine(Path.GetTempPath(), $"tpgen-constants-{Environment.ProcessId}");
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            file.Write(new byte[64 * 1024]);
            file.Flush(flushToDisk: true);
        }
        File.Delete(temporary);
        Thread.Sleep(20);
    }

    /// <summary>Enables the events in a new instance, runs the workload, and reads each CPU's text lines and raw records.</summary>
    private static (Dictionary<int, List<string>> Texts, Dictionary<int, List<byte[]>> Records) Record(string instance, List<TracepointSchema> schemas, Action workload)
    {
        Directory.CreateDirectory(instance);
        try
        {
            Write(instance, "tracing_on", "0");
            Write(instance, "buffer_size_kb", "4096");
            Write(instance, "trace_options", "nohash-ptr");
            Write(instance, "trace_options", "nocontext-info");
            Write(instance, "trace_options", "noannotate");
            foreach (TracepointSchema schema in schemas)
                Write(instance, $"events/{schema.System}/{schema.Name}/enable", "1");
            Write(instance, "tracing_on", "1");
            try
            {
                workload();
            }
            finally
            {
                Write(instance, "tracing_on", "0");
            }

            var texts = new Dictionary<int, List<string>>();
            var records = new Dictionary<int, List<byte[]>>();
            foreach (string cpuDirectory in Directory.GetDirectories(Path.Combine(instance, "per_cpu"), "cpu*"))
            {
                int cpu = int.Parse(Path.GetFileName(cpuDirectory)[3..]);
                // The text first (reading it consumes nothing), then the same records, drained.
                texts[cpu] = File.ReadAllLines(Path.Combine(cpuDirectory, "trace")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
                records[cpu] = RingBufferPages.ReadAll(Path.Combine(cpuDirectory, "trace_pipe_raw"));
            }
            return (texts, records);
        }
        finally
        {
            // Removing the instance disables its events and frees its buffers; its options go with it.
            TryWrite(instance, "tracing_on", "0");
            foreach (TracepointSchema schema in schemas)
                TryWrite(instance, $"events/{schema.System}/{schema.Name}/enable", "0");
            for (int attempt = 0; attempt < 50 && Directory.Exists(instance); attempt++)
            {
                try
                {
                    Directory.Delete(instance);
                }
                catch (IOException)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }

    /// <summary>UDP to a closed port (kfree_skb, net, softirqs), file opens, sleeps, and a short-lived process.</summary>
    private static void Workload()
    {
        int port = UdpWorkload.ClosedPort();
        UdpWorkload.Send(20, port, burst: 5);
        using (var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp))
            v6.SendTo(new byte[8], new IPEndPoint(IPAddress.IPv6Loopback, port));
        for (int i = 0; i < 5; i++)
        {
            File.ReadAllBytes("/proc/self/stat");
            File.Exists("/nonexistent/tpgen");
            Thread.Sleep(5);
        }
        string temporary = Path.GetTempFileName();
        File.WriteAllText(temporary, "tpgen");
        File.Delete(temporary);
        using (Process process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!)
            process.WaitForExit();
        Thread.Sleep(20);
    }

    private static void Write(string instance, string file, string value) => File.WriteAllText(Path.Combine(instance, file), value);

    private static void TryWrite(string instance, string file, string value)
    {
        try
        {
            Write(instance, file, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
