using System;
using System.Collections.Generic;
using System.IO;

namespace TpGen.Probes;

/// <summary>One tracepoint of a probe set: its name, and the layout the build decoded it with (tracefs format text).</summary>
/// <param name="System">The event's system, e.g. <c>skb</c>.</param>
/// <param name="Name">The event's name, e.g. <c>kfree_skb</c>.</param>
/// <param name="FormatText">The event's description as the build saw it, checked against the running kernel before attaching.</param>
public sealed record ProbeDefinition(string System, string Name, string FormatText)
{
    /// <summary><c>system:name</c>.</summary>
    public string FullName => System + ":" + Name;
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
    /// <param name="capturesCommand">Whether each record carries the task's command name after the header.</param>
    public ProbeSetDefinition(string name, string bpfSource, string bpfSourceHash, IReadOnlyList<ProbeDefinition> probes, bool capturesCommand = false)
    {
        if (probes.Count == 0)
            throw new ArgumentException("A probe set needs at least one probe.", nameof(probes));
        Name = name;
        BpfSource = bpfSource;
        BpfSourceHash = bpfSourceHash;
        Probes = probes;
        CapturesCommand = capturesCommand;
    }

    /// <summary>The probe set's name.</summary>
    public string Name { get; }

    /// <summary>The BPF C program.</summary>
    public string BpfSource { get; }

    /// <summary>The hash of <see cref="BpfSource"/>.</summary>
    public string BpfSourceHash { get; }

    /// <summary>The events, in handler order.</summary>
    public IReadOnlyList<ProbeDefinition> Probes { get; }

    /// <summary>Whether each record carries the task's command name (16 bytes) after the header.</summary>
    public bool CapturesCommand { get; }

    /// <summary>The file name of the compiled object, as the build writes it beside the assembly (in a bpf folder).</summary>
    public string ObjectFileName => ObjectFileNameFor(Name, BpfSourceHash);

    /// <summary>The object file name for a probe set and source hash.</summary>
    public static string ObjectFileNameFor(string name, string hash) => name + "." + hash + ".bpf.o";

    /// <summary>Where the build puts compiled objects: a bpf folder beside the application.</summary>
    public static string DefaultObjectDirectory => Path.Combine(AppContext.BaseDirectory, "bpf");
}
