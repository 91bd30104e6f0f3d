using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using TpGen.Schema;
using static Interop.Libclang;

namespace TpGen.Frontends.Headers;

/// <summary>
/// The one C file and command line that make clang expand a trace system's header the way the
/// kernel's own build does: the prelude, <c>#define CREATE_TRACE_POINTS</c>, the header, so that
/// <c>define_trace.h</c> runs every trace-event stage (the <c>trace_event_raw_*</c> structs, the
/// <c>trace_event_fields_*</c> tables, the <c>print_fmt_*</c> strings, the
/// <c>trace_event_call</c>s) over it.
/// </summary>
internal static partial class TraceEventTranslationUnit
{
    /// <summary>The source text of the unit.</summary>
    /// <param name="header">The system's header.</param>
    /// <param name="prelude">Headers to include first (checked: <c>&lt;...&gt;</c> names only).</param>
    /// <param name="forwardDeclarations">Struct tags to declare before the header, for headers that name a struct first inside a prototype.</param>
    public static string Source(SystemHeader header, IReadOnlyList<string> prelude, IReadOnlyCollection<string> forwardDeclarations)
    {
        var text = new StringBuilder();
        text.Append("/* TpGen: trace system ").Append(header.System).Append(", as the kernel creates its events. */\n");
        foreach (string include in prelude)
        {
            if (include.Length == 0 || include.IndexOfAny(['>', '<', '"', '\n', '\r', '\0']) >= 0)
                throw new ArgumentException($"Prelude entry '{include}' is not a header name to #include <...>.", nameof(prelude));
            text.Append("#include <").Append(include).Append(">\n");
        }
        foreach (string tag in forwardDeclarations)
        {
            if (TraceNames.IsIdentifier(tag))
                text.Append("struct ").Append(tag).Append(";\n");
        }
        text.Append("#define CREATE_TRACE_POINTS\n");
        // define_trace.h re-reads the header from trace/events/ unless TRACE_INCLUDE_PATH says otherwise. A header
        // kept elsewhere that does not say it itself relies on its .c file to (drivers/ras/ras.c for ras/ras_event.h).
        int slash = header.IncludeName.LastIndexOf('/');
        if (!header.IncludeName.StartsWith("trace/events/", StringComparison.Ordinal) && slash > 0 && !DefinesIncludePath(header.Path) &&
            IsPlainPath(header.IncludeName))
        {
            text.Append("#define TRACE_INCLUDE_PATH ").Append(header.IncludeName, 0, slash).Append('\n');
        }
        text.Append("#include <").Append(header.IncludeName).Append(">\n");
        return text.ToString();
    }

    /// <summary>
    /// The compiler arguments, as kbuild passes them for x86_64 (the flags that change what the
    /// headers declare or how structs are laid out), minus code generation.
    /// </summary>
    public static List<string> Arguments(HeaderTree tree, SystemHeader header)
    {
        var arguments = new List<string>
        {
            "-target", "x86_64-linux-gnu",
            "-std=gnu11",
            "-D__KERNEL__",
            // kbuild defines it when the compiler has -mfentry (all supported clangs); without it asm/ftrace.h stops with #error.
            "-DCC_USING_FENTRY",
            // The kernel builds with -nostdinc -isystem $(cc -print-file-name=include): no libc headers, but the
            // compiler's own (stddef.h, stdarg.h, ...). -nostdlibinc is exactly that, with the resource directory
            // that libclang itself knows, so no path to the compiler's headers is guessed here.
            "-nostdlibinc",
            // MODULE is left undefined, as for code built into vmlinux (where most events live). What it changes
            // (no trace_*_rcuidle helpers, initcalls become module_init) is not part of any event's layout or print
            // fmt, and with it TRACE_EVENT_FLAGS expands to module_init twice, so raw_syscalls does not compile.
        };
        // Linux 6.2 made plain char unsigned on every architecture (-funsigned-char); it changes tracefs' signed: for char fields.
        if (tree.VersionCode >= (6 << 16 | 2 << 8))
            arguments.Add("-funsigned-char");
        foreach (string directory in tree.IncludeDirectories)
            arguments.Add("-I" + directory);
        // A header that sets TRACE_INCLUDE_PATH (asm/trace/exceptions.h: ".") is re-included from where its
        // Makefile points -I, its own directory; searched last, that finds nothing the directories above do not.
        if (DefinesIncludePath(header.Path))
            arguments.Add("-I" + Path.GetDirectoryName(header.Path)!);
        foreach (string forced in tree.ForcedIncludes)
        {
            arguments.Add("-include");
            arguments.Add(forced);
        }
        return arguments;
    }

    // Letters, digits, '_', '-', '.' and '/' only: the name is pasted into the unit as tokens.
    private static bool IsPlainPath(string includeName)
    {
        foreach (char c in includeName)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.' or '/'))
                return false;
        }
        return true;
    }

    private static bool DefinesIncludePath(string header)
    {
        foreach (string line in File.ReadLines(header))
        {
            string trimmed = line.TrimStart();
            if (trimmed.StartsWith("#define TRACE_INCLUDE_PATH", StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>Parses the system's translation unit, declaring first the structs its header names first inside prototypes, if it has to.</summary>
    /// <exception cref="HeadersException">clang reports errors (<see cref="HeadersProblem.ParseFailed"/>).</exception>
    public static (ClangTranslationUnit Unit, List<string> DeclaredStructs) Compile(HeaderTree tree, SystemHeader header, IReadOnlyList<string> prelude)
    {
        List<string> arguments = Arguments(tree, header);
        string fileName = $"tpgen-trace-{header.System}.c";
        ClangTranslationUnit unit = ClangTranslationUnit.Parse(fileName, Source(header, prelude, []), arguments);
        List<string> errors = Errors(unit, out List<string> prototypeStructs);
        var declared = new List<string>();
        if (errors.Count > 0 && prototypeStructs.Count > 0)
        {
            declared = prototypeStructs;
            // The header names a struct first inside a prototype, where the kernel's .c file has declared it before; declare it too.
            unit.Dispose();
            unit = ClangTranslationUnit.Parse(fileName, Source(header, prelude, prototypeStructs), arguments);
            errors = Errors(unit, out _);
        }
        if (errors.Count > 0)
        {
            unit.Dispose();
            throw new HeadersException(HeadersProblem.ParseFailed,
                $"clang could not compile {header.IncludeName} as the kernel does, with the headers in {tree}: {errors[0]}" +
                (errors.Count > 1 ? $" (and {errors.Count - 1} more errors)" : "") +
                ". Trace headers often rely on headers that the kernel's own .c file includes before them: add those to KernelHeadersOptions.Prelude.",
                errors);
        }
        return (unit, declared);
    }

    private static List<string> Errors(ClangTranslationUnit unit, out List<string> prototypeStructs)
    {
        var errors = new List<string>();
        prototypeStructs = new List<string>();
        foreach ((CXDiagnosticSeverity severity, string text) in unit.Diagnostics())
        {
            if (severity >= CXDiagnosticSeverity.Error)
            {
                errors.Add(text);
            }
            else if (PrototypeScopedStruct().Match(text) is { Success: true } match && !prototypeStructs.Contains(match.Groups[1].Value))
            {
                prototypeStructs.Add(match.Groups[1].Value);
            }
        }
        return errors;
    }

    // clang's -Wvisibility: "declaration of 'struct tasklet_struct' will not be visible outside of this function".
    [GeneratedRegex(@"declaration of 'struct ([A-Za-z_][A-Za-z0-9_]*)' will not be visible outside of this function")]
    private static partial Regex PrototypeScopedStruct();
}
