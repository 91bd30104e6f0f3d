using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Text;

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
public sealed class KernelHeaders
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
        return Interop.Libclang.GetClangVersion();
    }

    /// <summary>Every event of <paramref name="system"/> (parsed on first use, then cached).</summary>
    /// <exception cref="HeadersException">No header defines the system, or it does not compile.</exception>
    public KernelHeaderSystem ReadSystem(string system)
    {
        TraceNames.ThrowIfInvalidSystem(system, nameof(system));
        return _systems.GetOrAdd(system, s => new Lazy<KernelHeaderSystem>(() => Parse(s))).Value;
    }

    /// <summary>The names of every event the headers define for <paramref name="system"/>, in header order.</summary>
    /// <exception cref="HeadersException">No header defines the system, or it does not compile.</exception>
    public IReadOnlyList<string> ListEvents(string system) => ReadSystem(system).EventNames;

    /// <summary>The schema of <paramref name="system"/>:<paramref name="name"/>.</summary>
    /// <exception cref="HeadersException">The system's header is missing or does not compile, or it does not define the event.</exception>
    public TracepointSchema ReadEvent(string system, string name)
    {
        TraceNames.ThrowIfInvalidSystem(system, nameof(system));
        TraceNames.ThrowIfInvalidEvent(name, nameof(name));
        KernelHeaderSystem read = ReadSystem(system);
        if (read.Find(name) is { } found)
            return found.Schema;
        if (read.EventNames.Contains(name))
        {
            throw new HeadersException(HeadersProblem.Unsupported,
                read.Unread.TryGetValue(name, out string? why) ? why : $"Event {system}:{name} is defined in {read.Header.Path} but could not be read.");
        }
        string known = read.EventNames.Count == 0 ? "it defines no events in this configuration" : "it defines " + string.Join(", ", read.EventNames);
        throw new HeadersException(HeadersProblem.EventNotDefined,
            $"{read.Header.Path} does not define event {system}:{name} in the configuration of {Tree.Release ?? Tree.BuildDirectory} ({known}). Check the name, or the kernel version: events come and go between releases, and some exist only with a CONFIG_ option set.");
    }

    private KernelHeaderSystem Parse(string system)
    {
        SystemHeader header = Tree.FindSystemHeader(system);
        var stopwatch = Stopwatch.StartNew();
        (ClangTranslationUnit unit, List<string> declaredStructs) = TraceEventTranslationUnit.Compile(Tree, header, Options.Prelude);
        try
        {
            TraceEventAst ast = TraceEventAst.Index(unit.Root);
            List<string> helpers = HelperHeaders(ast, header);
            if (helpers.Count > 0)
            {
                unit.Dispose();
                (unit, declaredStructs) = TraceEventTranslationUnit.Compile(Tree, header, [.. Options.Prelude, .. helpers]);
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
        var unread = new Dictionary<string, string>(StringComparer.Ordinal);
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
                unread[name] = e.Message;
                continue;
            }
            string format = TraceEventFormatText.Write(name, commonFields, definition);
            FormatReadResult result = FormatFileReader.Read(format, system, label, name);
            diagnostics.AddRange(result.Diagnostics);
            if (result.Schema is null)
            {
                string why = $"Event '{name}' cannot be read from the headers: its format does not read back (see the errors for {label}).";
                diagnostics.Add(new FormatDiagnostic(header.Path, 1, 1, why, IsError: true));
                unread[name] = why;
                continue;
            }
            TracepointSchema schema = result.Schema with { Id = -1, Enums = definition.Enums.ToEquatableArray() };
            events.Add(new KernelHeaderEvent(schema, definition.Class, definition.CompiledPrintFmt));
        }
        return new KernelHeaderSystem(system, header, names, events, evalMaps, diagnostics, build, unread);
    }
}
