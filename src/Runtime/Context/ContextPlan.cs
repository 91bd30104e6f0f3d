using System;
using System.Collections.Generic;
using TpGen.Emitters.Bpf;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Kernel;
using TpGen.Packets;
using TpGen.Probes;
using TpGen.Schema;

namespace TpGen.Context;

/// <summary>
/// How a probe set's handlers capture context on the running kernel: the process's command name
/// and cgroup id, each event's user strings (from the build's syscall arguments, found by name in
/// the running kernel's record), its packet (members of its sk_buff resolved by name in the
/// running kernel's BTF) and, for tp_btf events, the struct members captured into the record.
/// Made before anything loads; what it cannot place is refused with the thing named.
/// </summary>
internal sealed class ContextPlan
{
    private static readonly Lazy<BtfData> s_btf = new(ReadBtf);

    private readonly BpfEventContext?[] _bpf;

    private ContextPlan(uint processFlags, int stringBytes, int packetBytes, EventContextLayout[] events, BpfEventContext?[] bpf)
    {
        ProcessFlags = processFlags;
        StringBytes = stringBytes;
        PacketBytes = packetBytes;
        Events = events;
        _bpf = bpf;
    }

    /// <summary>The <c>tpgen_config.flags</c> bits of the process's context.</summary>
    public uint ProcessFlags { get; }

    public int StringBytes { get; }

    public int PacketBytes { get; }

    /// <summary>Per event, in handler order: where its context is.</summary>
    public EventContextLayout[] Events { get; }

    /// <summary>Per event: the bytes between the ring buffer record's start and the tracepoint record.</summary>
    public int RecordOffset(int index) => RecordHeader.Size + Events[index].Size;

    /// <exception cref="ProbeException">A packet on an event with no sk_buff, a member the kernel's sk_buff lacks, or more context than a handler holds.</exception>
    public static ContextPlan Create(ProbeSetDefinition definition, IReadOnlyList<TracepointSchema?> running, ProbeOptions options)
    {
        ProcessContext process = definition.Process;
        uint flags = ((process & ProcessContext.Command) != 0 ? BpfConfigLayout.CaptureCommandFlag : 0) |
            ((process & ProcessContext.CgroupId) != 0 ? ContextConfigLayout.CaptureCgroupFlag : 0);
        int commandOffset = (process & ProcessContext.Command) != 0 ? 0 : -1;
        int cgroupOffset = (process & ProcessContext.CgroupId) != 0 ? (commandOffset >= 0 ? 16 : 0) : -1;
        int processSize = (commandOffset >= 0 ? 16 : 0) + (cgroupOffset >= 0 ? 8 : 0);
        int stringBytes = options.UserStringBytes;
        int packetBytes = options.PacketBytes;

        var events = new EventContextLayout[running.Count];
        var bpf = new BpfEventContext?[running.Count];
        for (int i = 0; i < running.Count; i++)
        {
            ProbeDefinition probe = definition.Probes[i];
            if (running[i] is not { } live)
            {
                events[i] = new EventContextLayout(processSize, commandOffset, cgroupOffset, -1, Array.Empty<ContextString>(), -1, 0, null, new Dictionary<string, int>());
                continue;
            }
            (events[i], bpf[i]) = PlanEvent(probe, live, processSize, commandOffset, cgroupOffset, stringBytes, packetBytes);
        }
        return new ContextPlan(flags, stringBytes, packetBytes, events, bpf);
    }

    private static (EventContextLayout, BpfEventContext) PlanEvent(ProbeDefinition probe, TracepointSchema live, int processSize, int commandOffset, int cgroupOffset, int stringBytes, int packetBytes)
    {
        bool btf = BtfTracepoints.IsBtf(live);
        // The pointer a capture starts from is read from the program's context: a tracepoint's is the
        // record, a tp_btf program's the arguments (the record's after its 8 common bytes).
        int contextShift = btf ? BtfTracepoints.ArgumentsOffset : 0;
        int at = processSize;
        int status = -1;
        var strings = new List<ContextString>();
        var stringReads = new List<BpfUserStringRead>();
        var members = new List<BpfMemberRead>();
        var memberBits = new Dictionary<string, int>(StringComparer.Ordinal);
        int packetAt = -1;
        int[]? packetBits = null;
        var packetPlaces = new int[3];

        IReadOnlyList<FieldSpec> built = stringBytes > 0 ? UserStrings.Fields(probe.BuiltSchema) : Array.Empty<FieldSpec>();
        bool needsStatus = built.Count > 0 || probe.Packet || probe.Members.Count > 0;
        if (needsStatus)
        {
            status = at;
            at += 8;
        }
        for (int s = 0; s < built.Count; s++)
        {
            FieldSpec? field = live.FindField(built[s].Name);
            if (field is not { Kind: FieldKind.Pointer, Size: 8 })
            {
                strings.Add(new ContextString(built[s].Name, s, -1, stringBytes));
                continue;
            }
            strings.Add(new ContextString(field.Name, stringReads.Count, at, stringBytes));
            stringReads.Add(new BpfUserStringRead(field.Offset, at));
            at += Align8(stringBytes);
        }

        if (probe.Packet)
        {
            FieldSpec skb = PacketPaths.FindSkb(live)
                ?? throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName} is not about a packet: it has no struct sk_buff * argument and no pointer field named {PacketPaths.SkbField}, so it cannot capture one. Ask for packets on skb events such as skb:kfree_skb.");
            BtfData kernel = Btf(probe);
            int skbStruct = BtfMemberResolver.FindStruct(kernel, PacketPaths.SkbStruct);
            if (skbStruct < 0)
                throw new ProbeException(ProbeFailure.LayoutMismatch, $"This kernel's BTF has no struct {PacketPaths.SkbStruct}: {probe.FullName} cannot capture packets here.");
            packetAt = at;
            packetBits = new int[PacketPaths.Members.Count];
            foreach (PacketMember member in PacketPaths.Members)
            {
                packetBits[(int)member.Value] = -1;
                ResolvedMember resolved;
                try
                {
                    resolved = BtfMemberResolver.ResolveFrom(kernel, skbStruct, Context.MemberPath.Parse(member.Path));
                }
                catch (MemberPathException) when (member.Value is PacketValue.NetworkNamespace or PacketValue.SocketNetworkNamespace or PacketValue.DeviceName or PacketValue.InterfaceIndex)
                {
                    // A kernel without network namespaces has no nd_net.net: the namespace reads 0.
                    continue;
                }
                catch (MemberPathException e)
                {
                    throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName} cannot capture packets on this kernel: {e.Message}", e);
                }
                if (resolved.Size > member.Size)
                    throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName} cannot capture packets on this kernel: {member.Path} is {resolved.Size} bytes here, more than the {member.Size} TpGen reads.");
                int place = packetAt + BlockOffset(member.Value);
                packetBits[(int)member.Value] = members.Count;
                members.Add(new BpfMemberRead(skb.Offset - contextShift, place, resolved.Offsets, resolved.Size));
                if (member.Value == PacketValue.Head)
                    packetPlaces[0] = place;
                else if (member.Value == PacketValue.NetworkHeader)
                    packetPlaces[1] = place;
                else if (member.Value == PacketValue.Data)
                    packetPlaces[2] = place;
            }
            at += PacketView.BlockSize + Align8(packetBytes);
        }

        int eventSize = at - processSize;
        int recordAt = at;
        int arguments = 0;
        if (btf)
        {
            foreach (FieldSpec field in live.Fields)
            {
                if (!field.IsCommon && field.Offset + 8 <= BtfTracepoints.ArgumentsOffset + 8 * BtfTracepoints.MaxArguments && IsArgument(probe, field))
                    arguments = Math.Max(arguments, field.Offset - BtfTracepoints.ArgumentsOffset + 8);
            }
            foreach (Context.MemberPath path in probe.Members)
            {
                FieldSpec? field = live.FindField(path.FieldName);
                if (field is null)
                    continue; // this kernel's types lack it: absent, as relocation says
                ResolvedMember resolved = ResolveCapture(probe, path);
                FieldSpec? root = live.FindField(path.Root);
                if (root is null)
                    continue;
                memberBits[path.FieldName] = members.Count;
                members.Add(new BpfMemberRead(root.Offset - contextShift, recordAt + field.Offset, resolved.Offsets, resolved.Size));
            }
        }
        if (members.Count > ContextConfigLayout.MaxMembers)
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName} captures {members.Count} kernel struct members (a packet takes {PacketPaths.Members.Count}); a handler reads at most {ContextConfigLayout.MaxMembers}.");
        if (recordAt > ushort.MaxValue / 2)
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName}'s context takes {recordAt} bytes per record; lower ProbeOptions.UserStringBytes or PacketBytes.");

        var layout = new EventContextLayout(at, commandOffset, cgroupOffset, status, strings.ToArray(), packetAt, packetAt >= 0 ? packetBytes : 0, packetBits, memberBits);
        var entry = new BpfEventContext(eventSize, status < 0 ? 0 : status, arguments, stringReads, members,
            packetAt >= 0 ? packetPlaces[0] : 0, packetPlaces[1], packetPlaces[2], packetAt >= 0 ? packetAt + PacketView.BlockSize : 0);
        return (layout, entry);
    }

    /// <summary>Writes the context part of the configuration, at <paramref name="offset"/> of <paramref name="config"/>.</summary>
    /// <exception cref="ProbeException">The object's configuration has no room for it.</exception>
    public void Write(Span<byte> config, int offset, int handlers, string probeSet)
    {
        if (offset < 0 || offset + ContextConfigLayout.Size(handlers) > config.Length || handlers < _bpf.Length)
            throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object of {probeSet} has no room for its context configuration: it was not generated by this version of TpGen.");
        Span<byte> context = config.Slice(offset);
        ContextConfigLayout.WriteBounds(context, StringBytes, PacketBytes);
        for (int i = 0; i < _bpf.Length; i++)
        {
            if (_bpf[i] is { } entry)
                ContextConfigLayout.WriteEvent(context.Slice(ContextConfigLayout.EventOffset(i)), entry);
        }
    }

    /// <summary>
    /// Where the context part of <c>tpgen_config</c> is in the object, from the object's own BTF:
    /// the member <see cref="ContextConfigLayout.MemberName"/> of the variable <c>tpgen_config</c>.
    /// </summary>
    /// <exception cref="ProbeException">The object has no such member.</exception>
    public static int ConfigOffset(BtfData objectBtf, string probeSet)
    {
        foreach (BtfType variable in objectBtf.FindByName(BtfKind.Var, "tpgen_config"))
        {
            int id = variable.ReferencedType;
            while (objectBtf.TypeById(id) is { Kind: BtfKind.Const or BtfKind.Volatile or BtfKind.Typedef } qualifier)
                id = qualifier.ReferencedType;
            foreach (BtfMember member in objectBtf.TypeById(id).Members)
            {
                if (member.Name == ContextConfigLayout.MemberName)
                    return member.BitOffset / 8;
            }
        }
        throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object of {probeSet} has no tpgen_config.{ContextConfigLayout.MemberName}: it was not generated by this version of TpGen.");
    }

    /// <summary>The running kernel's description of a tp_btf event, with the members the probe captures (those its types lack are left out).</summary>
    /// <exception cref="ProbeException">The kernel has no BTF or no such tracepoint.</exception>
    public static TracepointSchema? ReadBtfEvent(ProbeDefinition probe)
    {
        BtfData kernel = Btf(probe);
        if (!BtfTracepoints.Has(kernel, probe.Name))
        {
            if (probe.Optional)
                return null;
            throw new ProbeException(ProbeFailure.TracepointMissing, $"This kernel has no tracepoint {probe.Name} (its BTF has no btf_trace_{probe.Name}); {probe.FullName} cannot attach. 'tpgen list tp_btf:*' lists those it has.");
        }
        try
        {
            var unresolved = new List<MemberPathException>();
            return BtfPrintFormat.WithFieldList(BtfTracepoints.Read(kernel, probe.Name, probe.Members, unresolved));
        }
        catch (FormatParseException e)
        {
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName} cannot be read on this kernel: {e.Message}", e);
        }
        catch (MemberPathException e)
        {
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName}: {e.Message}", e);
        }
    }

    private static ResolvedMember ResolveCapture(ProbeDefinition probe, Context.MemberPath path)
    {
        BtfData kernel = Btf(probe);
        try
        {
            return BtfTracepoints.ResolveMember(kernel, probe.Name, BtfTracepoints.Arguments(kernel, probe.Name), path);
        }
        catch (Exception e) when (e is MemberPathException or FormatParseException)
        {
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName}: {e.Message}", e);
        }
    }

    // The tp_btf argument fields are those before the first capture; captures are named by their paths.
    private static bool IsArgument(ProbeDefinition probe, FieldSpec field)
    {
        foreach (Context.MemberPath path in probe.Members)
        {
            if (path.FieldName == field.Name)
                return false;
        }
        return true;
    }

    private static int BlockOffset(PacketValue value) => value switch
    {
        PacketValue.Head => PacketView.HeadOffset,
        PacketValue.Data => PacketView.DataOffset,
        PacketValue.NetworkNamespace => PacketView.NetworkNamespaceOffset,
        PacketValue.SocketNetworkNamespace => PacketView.SocketNetworkNamespaceOffset,
        PacketValue.Length => PacketView.LengthOffset,
        PacketValue.InterfaceIndex => PacketView.InterfaceIndexOffset,
        PacketValue.NetworkHeader => PacketView.NetworkHeaderOffset,
        PacketValue.Protocol => PacketView.ProtocolOffset,
        _ => PacketView.DeviceNameOffset,
    };

    private static BtfData Btf(ProbeDefinition probe)
    {
        try
        {
            return s_btf.Value;
        }
        catch (Exception e) when (e is KernelBtfException or FormatParseException)
        {
            throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName} needs the running kernel's BTF ({KernelBtf.VmlinuxPath}), which cannot be read: {e.Message}", e);
        }
    }

    private static BtfData ReadBtf() => KernelBtf.ReadVmlinux();

    private static int Align8(int value) => (value + 7) & ~7;
}
