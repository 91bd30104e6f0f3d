using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Context;

/// <summary><c>tpgen trace</c> with context: user strings beside bpftrace, packets beside /proc/net/snmp and tshark, tp_btf events.</summary>
[Collection(KernelCollection.Name)]
public sealed class ToolContextTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TraceOpenat_PrintsTheFileNamesCatOpens_AsBpftraceReadsThem()
    {
        KernelFacility.RequireBpf();
        string bpftrace = KernelFacility.RequireProgram("bpftrace", "bpftrace");
        using RunningProgram trace = ToolRunner.Start("trace", "syscalls:sys_enter_openat", "--duration", "60");
        using var oracle = new Bpftrace(bpftrace, "tracepoint:syscalls:sys_enter_openat /comm == \"cat\"/ { printf(\"%d %s\\n\", pid, str(args->filename)); }");
        await trace.TracingAsync();
        await oracle.AttachedAsync();

        var cats = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            using Process cat = Process.Start(new ProcessStartInfo("cat", ["/etc/hostname"]) { RedirectStandardOutput = true })!;
            cat.StandardOutput.ReadToEnd();
            cat.WaitForExit();
            cats.Add(cat.Id);
        }
        await Task.Delay(500, TestContext.Current.CancellationToken);
        trace.Signal("INT");
        ProgramResult result = trace.Finish();
        string[] expected = oracle.Stop();

        Assert.Equal(0, result.ExitCode);
        // A string not yet paged in cannot be read at syscall entry: tpgen says "(unreadable)" where bpftrace prints "".
        // The kernel's line, then the string: "cat-PID [CPU] TIME: sys_enter_openat: dfd: ..., filename: 0x..., ... filename="/etc/hostname"".
        var line = new Regex(@"^\s*cat-(\d+)\s+\[\d{3}\]\s+\d+\.\d{6}: sys_enter_openat: dfd: 0x[0-9a-f]+, filename: 0x[0-9a-f]+, flags: 0x[0-9a-f]+, mode: 0x[0-9a-f]+ filename=(?:""((?:[^""\\]|\\.)*)""|\(unreadable\))$");
        var traced = result.Output.Split('\n').Select(l => line.Match(l)).Where(m => m.Success)
            .Select(m => (Pid: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Name: m.Groups[2].Value)).ToList();
        var read = expected.Select(l => l.Split(' ', 2)).Where(p => p.Length == 2)
            .Select(p => (Pid: int.Parse(p[0], CultureInfo.InvariantCulture), Name: p[1])).ToList();
        foreach (int pid in cats)
        {
            string[] ours = traced.Where(t => t.Pid == pid).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
            string[] theirs = read.Where(t => t.Pid == pid).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
            output.WriteLine($"cat {pid}: tpgen {string.Join(", ", ours)}; bpftrace {string.Join(", ", theirs)}");
            Assert.Contains("/etc/hostname", ours);
            Assert.NotEmpty(theirs);
            Assert.Equal(theirs, ours);
        }
    }

    [Fact]
    public async Task TracePacket_ShowsEachUdpDropsFlowDeviceAndNamespace_CountsNoPorts_AndPcapIsReadByTshark()
    {
        KernelFacility.RequireBpf();
        string tshark = KernelFacility.RequireProgram("tshark", "tshark");
        string pcap = Path.Combine(Path.GetTempPath(), $"tpgen-context-{Environment.ProcessId}.pcapng");
        try
        {
            using RunningProgram trace = ToolRunner.Start("trace", "skb:kfree_skb", "--packet", "--pcap", pcap, "--output", "json", "--filter", "reason == NO_SOCKET", "--duration", "60");
            await trace.TracingAsync();
            long before4 = UdpWorkload.NoPorts(), before6 = UdpWorkload.NoPorts6();
            Flows.Send(Flows.Source4, 5);
            Flows.Send(Flows.Source6, 5);
            long delta4 = UdpWorkload.NoPorts() - before4, delta6 = UdpWorkload.NoPorts6() - before6;
            await Task.Delay(500, TestContext.Current.CancellationToken);
            trace.Signal("INT");
            ProgramResult result = trace.Finish();
            output.WriteLine(result.Error);

            Assert.Equal(0, result.ExitCode);
            uint netns = Flows.NetworkNamespace();
            var packets = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("packet")).ToList();
            Assert.Equal(delta4, packets.Count(p => IPAddress.Parse(p.GetProperty("saddr").GetString()!).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork));
            Assert.Equal(delta6, packets.Count(p => IPAddress.Parse(p.GetProperty("saddr").GetString()!).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6));
            foreach (JsonElement packet in packets)
            {
                IPEndPoint source = IPAddress.Parse(packet.GetProperty("saddr").GetString()!).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? Flows.Source4 : Flows.Source6;
                Assert.Equal(source.Address, IPAddress.Parse(packet.GetProperty("saddr").GetString()!));
                Assert.Equal(source.Address, IPAddress.Parse(packet.GetProperty("daddr").GetString()!));
                Assert.Equal(source.Port, packet.GetProperty("sport").GetInt32());
                Assert.Equal(Flows.ClosedPort, packet.GetProperty("dport").GetInt32());
                Assert.Equal("udp", packet.GetProperty("l4proto").GetString());
                Assert.Equal("lo", packet.GetProperty("dev").GetString());
                Assert.Equal(netns, packet.GetProperty("netns").GetUInt32());
            }

            // tshark: every packet UDP to port 9 from our ports, on lo, its comment the drop's reason.
            var read = new ProcessStartInfo(tshark, ["-r", pcap, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "frame.comment"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using Process process = Process.Start(read)!;
            string fields = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            output.WriteLine(fields);
            Assert.Equal(0, process.ExitCode);
            string[] rows = fields.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(delta4 + delta6, rows.Length);
            foreach (string[] row in rows.Select(r => r.Split('|')))
            {
                Assert.Equal("lo", row[0]);
                Assert.Contains(row[1], new[] { "40001", "40002" });
                Assert.Equal("9", row[2]);
                Assert.Contains("reason: NO_SOCKET", row[3]);
            }
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [Fact]
    public void TraceBareTracepoint_ThroughTpBtf_GivesItsTypedArguments()
    {
        KernelFacility.RequireBpf();
        // sched_update_nr_running_tp is DECLARE_TRACE only: no tracefs event, a btf_trace_ typedef.
        Assert.False(Directory.Exists(Path.Combine(KernelFacility.RequireTracefs(), "sched", "sched_update_nr_running_tp")));
        ProgramResult result = ToolRunner.Run("trace", "tp_btf:sched_update_nr_running_tp", "--output", "json", "--limit", "20", "--duration", "60");

        output.WriteLine(result.Error);
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, lines.Length);
        foreach (string line in lines)
        {
            JsonElement root = JsonDocument.Parse(line).RootElement;
            Assert.Equal("tp_btf:sched_update_nr_running_tp", root.GetProperty("event").GetString());
            JsonElement fields = root.GetProperty("fields");
            // struct rq *rq: a kernel address; int change: a signed number, never 0.
            Assert.Matches("^ffff[0-9a-f]{12}$", fields.GetProperty("rq").GetString());
            Assert.Equal(JsonValueKind.Number, fields.GetProperty("change").ValueKind);
            Assert.NotEqual(0, fields.GetProperty("change").GetInt32());
        }
    }

    [Fact]
    public async Task TraceTpBtfMembers_ReadTheDroppedSkbsLengthDeviceAndProtocol()
    {
        KernelFacility.RequireBpf();
        using RunningProgram trace = ToolRunner.Start("trace", "tp_btf:kfree_skb", "--member", "skb->len", "--member", "skb->dev->ifindex", "--member", "skb->dev->name", "--member", "skb->protocol",
            "--filter", "reason == NO_SOCKET", "--output", "json", "--duration", "60");
        await trace.TracingAsync();
        long before = UdpWorkload.NoPorts6();
        Flows.Send(Flows.Source6, 5);
        long delta = UdpWorkload.NoPorts6() - before;
        await Task.Delay(500, TestContext.Current.CancellationToken);
        trace.Signal("INT");
        ProgramResult result = trace.Finish();

        Assert.Equal(0, result.ExitCode);
        // skb->protocol is __be16: ETH_P_IPV6 (0x86DD) as the little-endian load of its bytes reads it.
        var ours = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("fields"))
            .Where(f => f.GetProperty("skb_protocol").GetInt32() == 0xDD86).ToList();
        Assert.Equal(delta, ours.Count);
        foreach (JsonElement fields in ours)
        {
            Assert.Equal("NO_SOCKET", fields.GetProperty("reason").GetString());
            // Dropped in __udp6_lib_rcv, where skb->data is the UDP header: its length is the UDP length.
            Assert.Equal(8 + Flows.Payload, fields.GetProperty("skb_len").GetInt32());
            Assert.Equal(Flows.LoopbackIndex(), fields.GetProperty("skb_dev_ifindex").GetInt32());
            Assert.Equal("lo", fields.GetProperty("skb_dev_name").GetString());
        }
    }

    [Fact]
    public async Task DropWatchByFlow_CountsTheDemosOneFlow_AsTheKernelCountsNoPorts()
    {
        KernelFacility.RequireBpf();
        long before = UdpWorkload.NoPorts();
        using RunningProgram dropWatch = ToolRunner.StartDropWatch("--by-flow", "--demo", "--duration", "3");
        await dropWatch.StartedAsync();
        ProgramResult result = dropWatch.Finish();
        long delta = UdpWorkload.NoPorts() - before;

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("REASON PROTOCOL SOURCE DESTINATION COUNT", lines[0]);
        // The demo sends from one socket to one closed port on 127.0.0.1: one flow, every datagram dropped.
        var flow = new Regex(@"^NO_SOCKET udp 127\.0\.0\.1:(\d+) 127\.0\.0\.1:(\d+) (\d+)$");
        Match demo = Assert.Single(lines.Select(l => flow.Match(l)), m => m.Success);
        Assert.True(delta > 0, "the demo sent nothing");
        Assert.Equal(delta, long.Parse(demo.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.NotEqual(demo.Groups[1].Value, demo.Groups[2].Value);
    }

    [Theory]
    [InlineData("tp_btf:kfree_skb", "--member", "skb->nope", "struct sk_buff has no member 'nope'")]
    [InlineData("tp_btf:kfree_skb", "--member", "skb->len); system(\"reboot", "expected '->' or '.' after 'skb->len'")]
    [InlineData("tp_btf:kfree_skb", "--member", "sock->sk_mark", "none of the tp_btf events has an argument 'sock'")]
    [InlineData("sched:sched_switch", "--packet", null, "none of the events is about a packet")]
    public void ContextThatDoesNotFitTheEvents_IsAUsageError_BeforeAnythingLoads(string spec, string option, string? value, string message)
    {
        KernelFacility.RequireBpf();
        ProgramResult result = value is null ? ToolRunner.Run("trace", spec, option, "--limit", "1") : ToolRunner.Run("trace", spec, option, value, "--limit", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain("loading and attaching", result.Error);
        Assert.Empty(result.Output);
    }

    /// <summary>bpftrace running a program, its output collected.</summary>
    private sealed class Bpftrace : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = new();
        private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Bpftrace(string path, string program)
        {
            var start = new ProcessStartInfo(path, ["-e", program]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["BPFTRACE_STRLEN"] = "200";
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, line) =>
            {
                if (line.Data is null)
                    return;
                if (line.Data.StartsWith("Attaching ", StringComparison.Ordinal))
                    _attached.TrySetResult();
                else
                    lock (_lines)
                        _lines.Add(line.Data);
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public async Task AttachedAsync()
        {
            await Task.WhenAny(_attached.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(_attached.Task.IsCompleted, "bpftrace did not attach");
            // bpftrace says so before its probes are attached.
            await Task.Delay(1000);
        }

        public string[] Stop()
        {
            Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(30)), "bpftrace did not stop");
            _process.WaitForExit();
            lock (_lines)
                return _lines.ToArray();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill();
            _process.Dispose();
        }
    }
}
