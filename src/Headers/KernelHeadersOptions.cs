using System.Collections.Generic;

namespace TpGen.Frontends.Headers;

/// <summary>How the kernel-headers frontend compiles a trace system's header.</summary>
public sealed record KernelHeadersOptions
{
    /// <summary>
    /// What the translation unit includes before it defines <c>CREATE_TRACE_POINTS</c>, as the
    /// kernel's own <c>.c</c> file that creates a system's events includes its subsystem's
    /// headers first: many trace headers use types and constants they do not include themselves
    /// (irq.h's <c>struct tasklet_struct</c>, timer.h's <c>TICK_DEP_*</c>). The default covers
    /// the core, scheduler, memory, block and networking headers; add a subsystem's own
    /// headers here when its trace header needs them.
    /// </summary>
    public IReadOnlyList<string> Prelude { get; init; } = DefaultPrelude;

    /// <summary>The default <see cref="Prelude"/>.</summary>
    public static IReadOnlyList<string> DefaultPrelude { get; } =
    [
        "linux/module.h",
        "linux/interrupt.h",
        "linux/sched.h",
        "linux/tick.h",
        "linux/fs.h",
        "linux/mm.h",
        "linux/blkdev.h",
        "linux/skbuff.h",
        "linux/netdevice.h",
        "net/sock.h",
    ];

    /// <summary>The options used when none are given.</summary>
    public static KernelHeadersOptions Default { get; } = new();
}
