using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Text;
using static Interop.Libclang;

namespace TpGen.Frontends.Headers;

/// <summary>
/// The kernel-headers frontend: reads trace events from a kernel header tree through libclang,
/// the way the kernel's own trace-event machinery expands <c>include/trace/events/&lt;system&gt;.h</c>,
/// and produces the same <see cref="TracepointSchema"/> as the running kernel's tracefs would.
/// One translation unit per system reads all its events; each system is parsed once per instance.
/// </summary>
/// <remarks>
/// Problems with the inputs or the machine (no tree, no libclang, no header for the system,
/// headers that do not compile, an event the headers do not define) are thrown as
/// <see cref="HeadersException"/> with a message that says what to do.
/// </remarks>
public sealed partial class KernelHeaders
{
    private readonly ConcurrentDictionary<string, Lazy<KernelHeaderSystem>> _systems = new(StringComparer.Ordinal);

    /// <summary>A frontend over <paramref name="tree"/>.</summary>
    public KernelHeaders(HeaderTree tree, KernelHeadersOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tree);
        Tree = tree;
        Options = options ?? KernelHeadersOptions.Default;
    }

    /// <summary>The header tree read.</summary>
    public HeaderTree Tree { get; }

    /// <summary>How headers are compiled.</summary>
    public KernelHeadersOptions Options { get; }

    /// <summary>The version of the libclang the frontend uses, e.g. <c>Debian clang version 14.0.6</c>.</summary>
    /// <exception cref="HeadersException">libclang cannot be loaded (<see cref="HeadersProblem.LibclangNotFound"/>).</exception>
    public static string GetLibclangVersion()
    {
        LibclangResolver.EnsureLoaded();
        return GetClangVersion();
    }

    /// <summary>Every event of <paramref name="system"/> (parsed on first use, then cached).</summary>
    /// <exception cref="HeadersException">No header defines the system, or it does not compile.</exception>
    public KernelHeaderSystem ReadSystem(string system)
    {
        TraceNames.ThrowIfInvalid(system, nameof(system));
        return _systems.GetOrAdd(system, s => new Lazy<KernelHeaderSystem>(() => Parse(s))).Value;
    }

    /// <summary>The names of every event the headers define for <paramref name="system"/>, in header order.</summary>
    /// <exception cref="HeadersException">No header defines the system, or it does not compile.</exception>
    public IReadOnlyList<string> ListEvents(string system) => ReadSystem(system).EventNames;

    /// <summary>The schema of <paramref name="system"/>:<paramref name="name"/>.</summary>
    /// <exception cref="HeadersException">The system's header is missing or does not compile, or it does not define the event.</exception>
    public TracepointSchema ReadEvent(string system, string name)
    {
        TraceNames.ThrowIfInvalid(system, nameof(system));
        TraceNames.ThrowIfInvalid(name, nameof(name));
        KernelHeaderSystem read = ReadSystem(system);
        if (read.Find(name) is { } found)
            return found.Schema;
        if (read.EventNames.Contains(name))
        {
            FormatDiagnostic? why = null;
            foreach (FormatDiagnostic diagnostic in read.Diagnostics)
            {
                if (diagnostic.IsError && diagnostic.Message.Contains($"'{name}'", StringComparison.Ordinal))
                    why = diagnostic;
            }
            throw new HeadersException(HeadersProblem.Unsupported, why?.Message ?? $"Event {system}:{name} is defined in {read.Header.Path} but could not be read.");
        }
        string known = read.EventNames.Count == 0 ? "it defines no events in this configuration" : "it defines " + string.Join(", ", read.EventNames);
        throw new HeadersException(HeadersProblem.EventNotDefined,
            $"{read.Header.Path} does not define event {system}:{name} in the configuration of {Tree.Release ?? Tree.BuildDirectory} ({known}). Check the name, or the kernel version: events come and go between releases, and some exist only with a CONFIG_ option set.");
    }

    private KernelHeaderSystem Parse(string system)
    {
        SystemHeader header = Tree.FindSystemHeader(system);
        var stopwatch = Stopwatch.StartNew();
        (ClangTranslationUnit unit, List<string> declaredStructs) = Compile(header, Options.Prelude);
        try
        {
            TraceEventAst ast = TraceEventAst.Index(unit.Root);
            List<string> helpers = HelperHeaders(ast, header);
            if (helpers.Count > 0)
            {
                unit.Dispose();
                (unit, declaredStructs) = Compile(header, [.. Options.Prelude, .. helpers]);
                ast = TraceEventAst.Index(unit.Root);
            }
            var build = new KernelHeaderBuild(Options.Prelude, helpers, declaredStructs, stopwatch.Elapsed);
            return ReadAll(system, header, ast, build);
        }
        finally
        {
            unit.Dispose();
        }
    }

    /// <summary>Parses the system's translation unit, declaring first the structs its header names first inside prototypes, if it has to.</summary>
    private (ClangTranslationUnit Unit, List<string> DeclaredStructs) Compile(SystemHeader header, IReadOnlyList<string> prelude)
    {
        List<string> arguments = TraceEventTranslationUnit.Arguments(Tree, header);
        string fileName = $"tpgen-trace-{header.System}.c";
        ClangTranslationUnit unit = ClangTranslationUnit.Parse(fileName, TraceEventTranslationUnit.Source(header, prelude, []), arguments);
        List<string> errors = Errors(unit, out List<string> prototypeStructs);
        var declared = new List<string>();
        if (errors.Count > 0 && prototypeStructs.Count > 0)
        {
            declared = prototypeStructs;
            // The header names a struct first inside a prototype, where the kernel's .c file has declared it before; declare it too.
            unit.Dispose();
            unit = ClangTranslationUnit.Parse(fileName, TraceEventTranslationUnit.Source(header, prelude, prototypeStructs), arguments);
            errors = Errors(unit, out _);
        }
        if (errors.Count > 0)
        {
            unit.Dispose();
            throw new HeadersException(HeadersProblem.ParseFailed,
                $"clang could not compile {header.IncludeName} as the kernel does, with the headers in {Tree}: {errors[0]}" +
                (errors.Count > 1 ? $" (and {errors.Count - 1} more errors)" : "") +
                ". Trace headers often rely on headers that the kernel's own .c file includes before them: add those to KernelHeadersOptions.Prelude.",
                errors);
        }
        return (unit, declared);
    }

    /// <summary>
    /// The trace headers that define macros the system's print fmts call but nothing defined: the
    /// kernel's .c file that creates the events included them first (net-traces.c includes
    /// sock.h before tcp.h, whose print fmts use sock.h's show_family_name), so the macros were
    /// expanded when TP_printk was turned into the print fmt string.
    /// </summary>
    private List<string> HelperHeaders(TraceEventAst ast, SystemHeader header)
    {
        var headers = new List<string>();
        foreach (string called in ast.UndeclaredPrintCalls(header.System))
        {
            if (Tree.FindTraceMacroHeader(called) is { } defining && defining != header.IncludeName && !headers.Contains(defining))
                headers.Add(defining);
        }
        return headers;
    }

    private static KernelHeaderSystem ReadAll(string system, SystemHeader header, TraceEventAst ast, KernelHeaderBuild build)
    {
        List<TraceEventField> commonFields = ast.CommonFields();
        List<TraceEvalMap> evalMaps = ast.EvalMaps(system);
        List<string> names = ast.EventNames(system);
        var events = new List<KernelHeaderEvent>();
        var diagnostics = new List<FormatDiagnostic>();
        foreach (string name in names)
        {
            string label = $"{header.IncludeName}: {system}/{name}/format";
            TraceEventDefinition definition;
            try
            {
                definition = ast.ReadEvent(system, name, evalMaps);
            }
            catch (HeadersException e) when (e.Problem == HeadersProblem.Unsupported)
            {
                diagnostics.Add(new FormatDiagnostic(header.Path, 1, 1, e.Message, IsError: true));
                continue;
            }
            string format = TraceEventFormatText.Write(name, commonFields, definition);
            FormatReadResult result = FormatFileReader.Read(format, system, label, name);
            diagnostics.AddRange(result.Diagnostics);
            if (result.Schema is null)
            {
                diagnostics.Add(new FormatDiagnostic(header.Path, 1, 1, $"Event '{name}' cannot be read from the headers: its format does not read back (see the errors for {label}).", IsError: true));
                continue;
            }
            TracepointSchema schema = result.Schema with { Id = -1, Enums = definition.Enums.ToEquatableArray() };
            events.Add(new KernelHeaderEvent(schema, definition.Class, definition.CompiledPrintFmt));
        }
        return new KernelHeaderSystem(system, header, names, events, evalMaps, diagnostics, build);
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
