using System;
using System.Collections.Generic;
using TpGen.Relocation;

namespace TpGen.Probes;

/// <summary>Why a probe set could not be loaded or attached.</summary>
public enum ProbeFailure
{
    /// <summary>The process lacks CAP_BPF or CAP_PERFMON (or root).</summary>
    NotPermitted,

    /// <summary>tracefs is not mounted or not readable.</summary>
    TracefsUnavailable,

    /// <summary>The running kernel has no such tracepoint.</summary>
    TracepointMissing,

    /// <summary>The running kernel lays the event out differently from the build's description.</summary>
    LayoutMismatch,

    /// <summary>libbpf (Debian's libbpf1) is not installed.</summary>
    LibbpfMissing,

    /// <summary>There is no compiled BPF object and clang is not available to compile one.</summary>
    CompilerMissing,

    /// <summary>clang failed to compile the BPF program.</summary>
    CompileFailed,

    /// <summary>The kernel's verifier rejected a program, or libbpf could not load the object.</summary>
    LoadFailed,

    /// <summary>A loaded program could not be attached to its tracepoint.</summary>
    AttachFailed,

    /// <summary>Reading the ring buffer failed after the probe set was attached (waiting on it returned an error).</summary>
    ReadFailed,
}

/// <summary>A probe set could not be loaded, attached or read. The message names the cause and what to do about it.</summary>
public sealed class ProbeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProbeException(ProbeFailure failure, string message, Exception? inner = null)
        : base(message, inner) => Failure = failure;

    /// <summary>Which step failed.</summary>
    public ProbeFailure Failure { get; }

    /// <summary>The event (<c>system:event</c>) the failure is about, when it is about one.</summary>
    public string? Event { get; init; }

    /// <summary>
    /// For <see cref="ProbeFailure.LayoutMismatch"/> from relocation: the fields of <see cref="Event"/>
    /// the build cannot read on this kernel (changed kind, or a conversion that can lose values),
    /// each with what changed. Empty otherwise.
    /// </summary>
    public IReadOnlyList<FieldRelocation> UnreadableFields { get; init; } = [];
}
