using System;
using System.Collections.Generic;
using System.IO;
using TpGen.Decoding;
using TpGen.Schema;

namespace TpGen.Probes;

/// <summary>
/// One tracepoint of a probe set: its name, how the build described it (one description per
/// kernel the build saw; the running kernel's is matched with them by name at attach), and how
/// it attaches.
/// </summary>
public sealed class ProbeDefinition
{
    private TracepointSchema? _built;

    /// <summary>A tracepoint described by one kernel, the build machine's.</summary>
    /// <param name="system">The event's system, e.g. <c>skb</c>.</param>
    /// <param name="name">The event's name, e.g. <c>kfree_skb</c>.</param>
    /// <param name="description">Its description in tracefs format.</param>
    /// <param name="filter">A filter in TpGen's filter language applied in the kernel, or null.</param>
    public ProbeDefinition(string system, string name, string description, string? filter = null)
        : this(system, name, new[] { description }, new[] { "" }, optional: false, filter)
    {
    }

    /// <summary>A tracepoint described by one or more kernels.</summary>
    /// <param name="system">The event's system, e.g. <c>skb</c>.</param>
    /// <param name="name">The event's name, e.g. <c>kfree_skb</c>.</param>
    /// <param name="descriptions">Each kernel's description in tracefs format, the first leading.</param>
    /// <param name="kernels">The kernels' names, in the same order (empty for the build machine's).</param>
    /// <param name="optional">Whether attaching skips the event, and says so, where the running kernel lacks it.</param>
    /// <param name="filter">A filter in TpGen's filter language applied in the kernel, or null.</param>
    /// <param name="members">For a tp_btf event: kernel struct members to capture into each record, as paths from its arguments (<c>skb-&gt;dev-&gt;ifindex</c>).</param>
    /// <param name="packet">Whether each record carries the packet of the event's sk_buff (see <see cref="Context.RecordContext.Packet"/>).</param>
    /// <exception cref="Context.MemberPathException">A member path is not a path of C member names.</exception>
    public ProbeDefinition(string system, string name, IReadOnlyList<string> descriptions, IReadOnlyList<string> kernels, bool optional = false, string? filter = null, IReadOnlyList<string>? members = null, bool packet = false)
    {
        TraceNames.ThrowIfInvalidSystem(system, nameof(system));
        TraceNames.ThrowIfInvalidEvent(name, nameof(name));
        if (descriptions.Count == 0 || descriptions.Count != kernels.Count)
            throw new ArgumentException("a probe needs one description per kernel, at least one", nameof(descriptions));
        System = system;
        Name = name;
        Descriptions = descriptions;
        Kernels = kernels;
        Optional = optional;
        Filter = filter;
        Members = Context.ContextRequest.Paths(members);
        Packet = packet;
    }

    /// <summary>The event's system.</summary>
    public string System { get; }

    /// <summary>The event's name.</summary>
    public string Name { get; }

    /// <summary><c>system:name</c>.</summary>
    public string FullName => System + ":" + Name;

    /// <summary>The build's descriptions of the event, in tracefs format, one per kernel.</summary>
    public IReadOnlyList<string> Descriptions { get; }

    /// <summary>The kernels the descriptions came from.</summary>
    public IReadOnlyList<string> Kernels { get; }

    /// <summary>Whether attaching skips the event where the running kernel lacks it.</summary>
    public bool Optional { get; }

    /// <summary>The filter applied in the kernel, or null.</summary>
    public string? Filter { get; }

    /// <summary>The kernel struct members a tp_btf event captures into each record.</summary>
    public IReadOnlyList<Context.MemberPath> Members { get; }

    /// <summary>Whether each record carries the packet of the event's sk_buff.</summary>
    public bool Packet { get; }

    /// <summary>The event as the build generated its types: the union of its descriptions.</summary>
    /// <exception cref="TraceRecordException">A description does not parse.</exception>
    public TracepointSchema BuiltSchema => _built ??= EventLayout.BuiltSchema(System, Name, Descriptions, Kernels);
}

/// <summary>
/// What a probe set is, before anything is loaded: its name, its BPF C program and the events
/// its handlers attach to, in handler order. Generated code creates one per attributed class.
/// </summary>
public sealed class ProbeSetDefinition
{
    /// <summary>Describes a probe set.</summary>
    /// <param name="name">The probe set's name (its class's full name).</param>
    /// <param name="bpfSource">The BPF C program, one handler per probe.</param>
    /// <param name="bpfSourceHash">The hash that names the compiled object, so a stale object is never loaded.</param>
    /// <param name="probes">The events, in handler order.</param>
    /// <param name="capturesCommand">Whether each record carries the task's command name after the header (as <see cref="Context.ProcessContext.Command"/>).</param>
    /// <param name="process">What each record carries about the process the event fired in.</param>
    public ProbeSetDefinition(string name, string bpfSource, string bpfSourceHash, IReadOnlyList<ProbeDefinition> probes, bool capturesCommand = false, Context.ProcessContext process = Context.ProcessContext.None)
    {
        if (probes.Count == 0)
            throw new ArgumentException("A probe set needs at least one probe.", nameof(probes));
        Name = name;
        BpfSource = bpfSource;
        BpfSourceHash = bpfSourceHash;
        Probes = probes;
        Process = process | (capturesCommand ? Context.ProcessContext.Command : Context.ProcessContext.None);
    }

    /// <summary>
    /// A probe set made at run time (by a tool, or a test), its BPF C emitted here from the probes'
    /// descriptions and filters, so the program and the definition cannot disagree.
    /// </summary>
    /// <param name="name">The probe set's name: letters, digits, '_' and '.'.</param>
    /// <param name="probes">The events, in handler order.</param>
    /// <param name="capturesCommand">Whether each record carries the task's command name after the header.</param>
    /// <param name="process">What each record carries about the process the event fired in.</param>
    /// <exception cref="Filters.FilterException">A probe's filter does not fit its event.</exception>
    public static ProbeSetDefinition FromProbes(string name, IReadOnlyList<ProbeDefinition> probes, bool capturesCommand = false, Context.ProcessContext process = Context.ProcessContext.None)
    {
        var schemas = new List<TracepointSchema>(probes.Count);
        var filters = new List<Filters.FilterExpr?>(probes.Count);
        foreach (ProbeDefinition probe in probes)
        {
            schemas.Add(probe.BuiltSchema);
            filters.Add(probe.Filter is null ? null : Filters.FilterParser.Parse(probe.Filter, probe.BuiltSchema));
        }
        string source = Emitters.Bpf.BpfEmitter.Emit(name, schemas, filters: filters);
        return new ProbeSetDefinition(name, source, Emitters.Bpf.BpfEmitter.Hash(source), probes, capturesCommand, process);
    }

    /// <summary>How many events a probe set without filters may have and still use the BPF object TpGen ships (no compiler needed).</summary>
    public const int SharedObjectCapacity = SharedObject.Handlers;

    /// <summary>The probe set's name.</summary>
    public string Name { get; }

    /// <summary>The BPF C program.</summary>
    public string BpfSource { get; }

    /// <summary>The hash of <see cref="BpfSource"/>.</summary>
    public string BpfSourceHash { get; }

    /// <summary>The events, in handler order.</summary>
    public IReadOnlyList<ProbeDefinition> Probes { get; }

    /// <summary>Whether each record carries the task's command name (16 bytes) after the header.</summary>
    public bool CapturesCommand => (Process & Context.ProcessContext.Command) != 0;

    /// <summary>What each record carries about the process the event fired in (between the header and the record).</summary>
    public Context.ProcessContext Process { get; }

    /// <summary>Aggregations the kernel computes over the events (<see cref="Aggregations.AggregationSpec"/>); the events they read send no records.</summary>
    public IReadOnlyList<Aggregations.AggregationSpec> Aggregations { get; init; } = Array.Empty<Aggregations.AggregationSpec>();

    /// <summary>The file name of the compiled object, as the build writes it beside the assembly (in a bpf folder).</summary>
    public string ObjectFileName => ObjectFileNameFor(Name, BpfSourceHash);

    /// <summary>The object file name for a probe set and source hash.</summary>
    public static string ObjectFileNameFor(string name, string hash) => name + "." + hash + ".bpf.o";

    /// <summary>Where the build puts compiled objects: a bpf folder beside the application.</summary>
    public static string DefaultObjectDirectory => Path.Combine(AppContext.BaseDirectory, "bpf");
}
