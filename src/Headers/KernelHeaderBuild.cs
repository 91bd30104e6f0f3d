using System;
using System.Collections.Generic;

namespace TpGen.Frontends.Headers;

/// <summary>What a system's translation unit included before its header, and what it cost.</summary>
/// <param name="Prelude">The headers included first, from <see cref="KernelHeadersOptions.Prelude"/>.</param>
/// <param name="HelperHeaders">Trace headers also included first because the system's print fmts use macros they define (tcp.h uses sock.h's <c>show_family_name</c>).</param>
/// <param name="DeclaredStructs">Structs declared first because the header names them first inside a prototype (irq.h's <c>tasklet_struct</c> without linux/interrupt.h).</param>
/// <param name="ParseTime">How long clang took, over every parse the system needed.</param>
public sealed record KernelHeaderBuild(
    IReadOnlyList<string> Prelude,
    IReadOnlyList<string> HelperHeaders,
    IReadOnlyList<string> DeclaredStructs,
    TimeSpan ParseTime);
