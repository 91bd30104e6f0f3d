using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Context;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Packets;
using TpGen.Probes;
using TpGen.Schema;
using TpGen.Tool.Events;

namespace TpGen.Tool.Packets;

/// <summary>What <c>tpgen trace</c> captures besides the events' fields: packets (--packet, --pcap) and struct members of tp_btf events (--member).</summary>
/// <param name="Packet">Whether skb events carry their packet.</param>
/// <param name="PcapPath">Where to write the packets as pcapng, or null.</param>
/// <param name="Members">Member paths (<c>skb-&gt;len</c>); each applies to the tp_btf events that have its root argument.</param>
/// <param name="PacketBytes">Bytes of each packet captured.</param>
internal sealed record TraceContextRequest(bool Packet, string? PcapPath, IReadOnlyList<string> Members, int PacketBytes = 128)
{
    public static TraceContextRequest None { get; } = new(false, null, Array.Empty<string>());

    public bool Packets => Packet || PcapPath is not null;
}

/// <summary>Resolves <c>tpgen trace</c>'s events and what they capture.</summary>
internal static class TraceContext
{
    /// <summary>
    /// The events the specs name: tracefs events from <paramref name="kernel"/>, and <c>tp_btf:NAME</c>
    /// (globs allowed) from the running kernel's BTF, with the members asked for.
    /// </summary>
    public static List<TracepointSchema> ResolveEvents(IReadOnlyList<EventSpec> specs, EventSource kernel, TraceContextRequest request, IProgress<string> progress)
    {
        var tracefs = specs.Where(s => !BtfTracepoints.IsBtf(s.System)).ToList();
        var btfSpecs = specs.Where(s => BtfTracepoints.IsBtf(s.System)).ToList();
        var schemas = tracefs.Count == 0 ? new List<TracepointSchema>() : kernel.Resolve(tracefs).Select(e => kernel.Read(e.System, e.Name)).ToList();

        List<MemberPath> members = request.Members.Select(Parse).ToList();
        var used = new HashSet<MemberPath>();
        if (btfSpecs.Count > 0)
        {
            progress.Report("reading the kernel's BTF");
            BtfData btf = ReadBtf();
            IReadOnlyList<string> names = BtfTracepoints.Names(btf);
            foreach (EventSpec spec in btfSpecs)
            {
                var matches = names.Where(n => spec.Matches(BtfTracepoints.System, n)).ToList();
                if (matches.Count == 0)
                {
                    IReadOnlyList<string> nearest = NearestNames.Find(spec.Name, names);
                    throw new UsageException($"the running kernel's BTF has no tracepoint '{spec.Name}' (no typedef {BtfTracepoints.TypedefPrefix}{spec.Name}){(nearest.Count == 0 ? "" : "; did you mean " + string.Join(" or ", nearest.Select(n => "tp_btf:" + n)))}");
                }
                foreach (string name in matches)
                {
                    if (schemas.Any(s => s.System == BtfTracepoints.System && s.Name == name))
                        continue;
                    IReadOnlyList<BtfArgument> arguments = BtfTracepoints.Arguments(btf, name);
                    var mine = members.Where(m => arguments.Any(a => a.Name == m.Root)).ToList();
                    used.UnionWith(mine);
                    try
                    {
                        schemas.Add(BtfPrintFormat.WithFieldList(BtfTracepoints.Read(btf, name, mine)));
                    }
                    catch (MemberPathException e)
                    {
                        throw new UsageException($"--member for tp_btf:{name}: {e.Message}");
                    }
                }
            }
        }
        foreach (MemberPath member in members.Where(m => !used.Contains(m)))
            throw new UsageException($"--member {member.Text}: none of the tp_btf events has an argument '{member.Root}' (members are read from the typed arguments of tp_btf:EVENT; 'tpgen trace tp_btf:NAME --output json' shows them)");
        if (request.Packets && !schemas.Any(s => PacketPaths.FindSkb(s) is not null))
            throw new UsageException($"--packet{(request.PcapPath is null ? "" : " and --pcap")}: none of the events is about a packet (one with a struct sk_buff * argument or an {PacketPaths.SkbField} field, such as skb:kfree_skb)");
        return schemas;
    }

    /// <summary>Each event's probe: its filter, its members (tp_btf), its packet (skb events, when asked).</summary>
    public static List<ProbeDefinition> Probes(IReadOnlyList<TracepointSchema> schemas, string? filter, TraceContextRequest request) =>
        schemas.Select(s => new ProbeDefinition(s.System, s.Name, [FormatFileWriter.Write(s)], [""], optional: false, filter,
            members: BtfTracepoints.IsBtf(s) ? request.Members.Select(Parse).Where(m => s.FindField(m.FieldName) is not null).Select(m => m.Text).ToList() : null,
            packet: request.Packets && PacketPaths.FindSkb(s) is not null)).ToList();

    /// <summary>Creates the --pcap file.</summary>
    public static PcapngWriter OpenPcap(TraceContextRequest request, string application)
    {
        try
        {
            return new PcapngWriter(new FileStream(request.PcapPath!, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), request.PacketBytes, application);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--pcap: cannot create {request.PcapPath}: {e.Message}");
        }
    }

    private static MemberPath Parse(string text)
    {
        try
        {
            return MemberPath.Parse(text);
        }
        catch (MemberPathException e)
        {
            throw new UsageException($"--member: {e.Message}");
        }
    }

    private static BtfData ReadBtf()
    {
        try
        {
            return KernelBtf.ReadVmlinux();
        }
        catch (Exception e) when (e is KernelBtfException or FormatParseException)
        {
            throw new UsageException($"tp_btf events need the running kernel's BTF ({KernelBtf.VmlinuxPath}): {e.Message}");
        }
    }
}
