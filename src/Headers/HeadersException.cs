using System;
using System.Collections.Generic;

namespace TpGen.Frontends.Headers;

/// <summary>
/// The exception the kernel-headers frontend throws for a problem with its inputs or its
/// environment: a missing header tree or libclang, a system without a header, headers that do
/// not parse, an event the headers do not define. The message names the thing and says what to
/// do. Anything else escaping the frontend is a bug in TpGen.
/// </summary>
public sealed class HeadersException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HeadersException(HeadersProblem problem, string message)
        : this(problem, message, [])
    {
    }

    /// <summary>Creates the exception with the compiler's own messages.</summary>
    public HeadersException(HeadersProblem problem, string message, IReadOnlyList<string> compilerMessages)
        : base(message)
    {
        Problem = problem;
        CompilerMessages = compilerMessages;
    }

    /// <summary>What sort of problem it is.</summary>
    public HeadersProblem Problem { get; }

    /// <summary>For <see cref="HeadersProblem.ParseFailed"/>: clang's errors, as it prints them; otherwise empty.</summary>
    public IReadOnlyList<string> CompilerMessages { get; }
}
