using System.Collections.Generic;
using System.Globalization;
using TpGen.Emitters.Bpf;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters.CSharp;

/// <summary>
/// The members that make the user's class a probe set: its BPF program, <c>Attach()</c>, and the
/// two ways to read (owned records with <c>ReadAllAsync</c>, in-place handlers with <c>Run</c>).
/// </summary>
internal static class ProbeSetMembers
{
    /// <summary>Names the generated members take in the user's class; event types avoid them.</summary>
    public static readonly string[] Reserved =
    {
        "BpfSource", "BpfSourceHash", "Definition", "Attach", "Statistics", "Relocation", "ReadAllAsync", "Run", "RunAsync", "ReadFile", "ReadFileAsync",
        "Dispose", "DisposeAsync", "Decode", "Handlers", "TryFormat",
    };

    private const string Probes = "global::TpGen.Probes";

    /// <summary>The assembly attribute that hands the C program to the build's clang step.</summary>
    public static string AssemblyAttribute(ProbeSetSpec probeSet, string source) =>
        $"[assembly: {Probes}.BpfProgram({CSharpNames.StringLiteral(probeSet.FullName)}, {CSharpNames.StringLiteral(BpfEmitter.Hash(source))}, {CSharpNames.StringLiteral(source)})]";

    public static void Write(SourceWriter output, ProbeSetSpec probeSet, IReadOnlyList<string> viewNames, string source)
    {
        string type = probeSet.TypeName;
        var events = probeSet.Events;
        string eventList = string.Join(", ", Names(events));

        output.Line("/// <summary>The BPF C program generated for this probe set; the build compiles it with clang.</summary>");
        output.Line($"public const string BpfSource = {CSharpNames.StringLiteral(source)};");
        output.Line();
        output.Line("/// <summary>The hash that names the compiled object, so a stale object is never loaded.</summary>");
        output.Line($"public const string BpfSourceHash = {CSharpNames.StringLiteral(BpfEmitter.Hash(source))};");
        output.Line();
        output.Line("/// <summary>This probe set's events and program, before anything is loaded.</summary>");
        output.Line($"public static {Probes}.ProbeSetDefinition Definition {{ get; }} = new(");
        output.Indent();
        output.Line($"{CSharpNames.StringLiteral(probeSet.FullName)},");
        output.Line("BpfSource,");
        output.Line("BpfSourceHash,");
        output.Open($"new {Probes}.ProbeDefinition[]");
        for (int i = 0; i < events.Count; i++)
        {
            ProbeEventSpec details = probeSet.DetailsOf(i);
            string view = viewNames[i];
            string filter = details.Filter is null ? "null" : CSharpNames.StringLiteral(details.Filter);
            output.Line($"new({view}.SystemName, {view}.EventName, {view}.Descriptions, {view}.Kernels, optional: {(details.Optional ? "true" : "false")}, filter: {filter}{ContextMembers.ProbeArguments(details)}),");
        }
        output.Close(ContextMembers.ProcessArgument(probeSet) + ")" + AggregationMembers.DefinitionInitializer(probeSet) + ";");
        output.Unindent();
        output.Line();
        output.Line($"private readonly {Probes}.ProbeSet _probes;");
        output.Line();
        output.Line($"private {type}({Probes}.ProbeSet probes) => _probes = probes;");
        output.Line();
        output.Line("/// <summary>");
        output.Line($"/// Loads this probe set's BPF programs and attaches them to {CSharpNames.XmlText(eventList)}, after relocating");
        output.Line("/// each event's fields and named values by name onto the running kernel's description. Dispose the result to detach.");
        output.Line("/// </summary>");
        output.Line($"/// <exception cref=\"{Probes}.ProbeException\">Not permitted, tracefs or a tracepoint missing, a field that cannot be relocated, or a program the kernel rejected; the message says which and what to do.</exception>");
        output.Line($"public static {type} Attach({Probes}.ProbeOptions? options = null) => new({Probes}.ProbeSet.Attach(Definition, options));");
        output.Line();
        output.Line("/// <summary>Records delivered, dropped in the kernel because the ring buffer was full, and cut short.</summary>");
        output.Line($"public {Probes}.ProbeStatistics Statistics => _probes.Statistics;");
        output.Line();
        output.Line("/// <summary>Per event: whether it is attached, and what was relocated, converted, absent or translated on this kernel.</summary>");
        output.Line($"public {Probes}.ProbeSetRelocation Relocation => _probes.Relocation;");
        output.Line();
        output.Line("/// <summary>");
        output.Line("/// Owned records as they arrive (<c>" + string.Join("</c>, <c>", OwnedNames(viewNames)) + "</c>), and");
        output.Line($"/// <see cref=\"{Probes}.LostRecords\"/> wherever the kernel had to drop some. The records are read on a thread");
        output.Line("/// of their own, where a loop that waits for them is resumed: while it keeps up, the loop runs there.");
        output.Line("/// </summary>");
        output.Line("public global::System.Collections.Generic.IAsyncEnumerable<global::TpGen.TraceRecord> ReadAllAsync(global::System.Threading.CancellationToken cancellationToken = default)");
        output.Line("    => _probes.ReadAllAsync((global::System.ReadOnlySpan<byte> record, in global::TpGen.RecordHeader header, global::System.ReadOnlySpan<byte> context) => Decode(record, header, context, _probes.Layouts), cancellationToken);");

        for (int i = 0; i < events.Count; i++)
        {
            output.Line();
            output.Line($"/// <summary>Handles <c>{CSharpNames.XmlText(events[i].FullName)}</c> in place; the record is valid during the call only.</summary>");
            output.Line($"public delegate void {viewNames[i]}Handler(in {viewNames[i]} record);");
        }

        string parameters = Parameters(viewNames);
        string arguments = Arguments(viewNames);
        output.Line();
        output.Line("/// <summary>");
        output.Line("/// Reads on the calling thread until <paramref name=\"cancellationToken\"/> is cancelled, handing each record to its");
        output.Line("/// handler in place: nothing is copied or allocated per record. Records the kernel dropped go to");
        output.Line("/// <paramref name=\"onLost\"/> (else to standard error). An exception from a handler stops reading and is rethrown.");
        output.Line("/// </summary>");
        output.Line($"public void Run({parameters})");
        output.Line($"    => _probes.Run(new Handlers(_probes.Layouts, {arguments}), cancellationToken);");
        output.Line();
        output.Line("/// <summary>Runs <see cref=\"Run\"/> on a thread of its own.</summary>");
        output.Line($"public global::System.Threading.Tasks.Task RunAsync({parameters})");
        output.Line($"    => _probes.RunAsync(new Handlers(_probes.Layouts, {arguments}), cancellationToken);");
        output.Line();
        output.Line("/// <summary>");
        output.Line("/// Reads a recording (a trace.dat of <c>tpgen record</c> or <c>trace-cmd record</c>) through these types, handing each record");
        output.Line("/// of this probe set's events to its handler in place, in time order, and the losses the recording holds to");
        output.Line("/// <paramref name=\"onLost\"/>. Each event is relocated by name onto the recording's own description of it, so a file");
        output.Line("/// recorded on another kernel reads as one recorded here. An exception from a handler stops reading and is rethrown.");
        output.Line("/// </summary>");
        output.Line("/// <exception cref=\"global::TpGen.Files.TraceFileException\">The file cannot be read or is damaged.</exception>");
        output.Line($"/// <exception cref=\"{Probes}.ProbeException\">A field of the build cannot be read from the recording.</exception>");
        output.Open($"public static void ReadFile(string path, {parameters})");
        output.Line($"using global::TpGen.Files.ProbeSetFile file = global::TpGen.Files.ProbeSetFile.Open(path, Definition);");
        output.Line($"file.Read(new Handlers(file.Layouts, {arguments}), cancellationToken);");
        output.Close();
        output.Line();
        output.Line("/// <summary>Owned records of a recording (see <see cref=\"ReadFile\"/>), with <see cref=\"global::TpGen.Probes.LostRecords\"/> where it lost some.</summary>");
        output.Line("/// <exception cref=\"global::TpGen.Files.TraceFileException\">The file cannot be read or is damaged.</exception>");
        output.Open("public static async global::System.Collections.Generic.IAsyncEnumerable<global::TpGen.TraceRecord> ReadFileAsync(string path, [global::System.Runtime.CompilerServices.EnumeratorCancellation] global::System.Threading.CancellationToken cancellationToken = default)");
        output.Line("using global::TpGen.Files.ProbeSetFile file = global::TpGen.Files.ProbeSetFile.Open(path, Definition);");
        output.Line("global::System.Collections.Generic.IReadOnlyList<global::TpGen.Decoding.EventLayout> layouts = file.Layouts;");
        output.Line("await foreach (global::TpGen.TraceRecord record in global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait(file.ReadAllAsync((global::System.ReadOnlySpan<byte> raw, in global::TpGen.RecordHeader header) => Decode(raw, header, default, layouts), cancellationToken), false))");
        output.Line("    yield return record;");
        output.Close();
        output.Line();
        output.Line("/// <summary>Detaches every program and frees the probe set's kernel resources.</summary>");
        output.Line("public void Dispose() => _probes.Dispose();");
        output.Line();
        output.Line("/// <summary>Detaches every program and frees the probe set's kernel resources.</summary>");
        output.Line("public global::System.Threading.Tasks.ValueTask DisposeAsync() => _probes.DisposeAsync();");
        output.Line();
        output.Line("/// <summary>An owned record of any event of this probe set, laid out as the build's kernel lays it out.</summary>");
        output.Line($"private static global::TpGen.TraceRecord Decode(global::System.ReadOnlySpan<byte> record, in global::TpGen.RecordHeader header) => Decode(record, header, default, null);");
        output.Line();
        // Called for every owned record ReadAllAsync makes: optimized from the first (see Handlers.OnRecord).
        output.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        output.Line($"private static global::TpGen.TraceRecord Decode(global::System.ReadOnlySpan<byte> record, in global::TpGen.RecordHeader header, global::System.ReadOnlySpan<byte> context, global::System.Collections.Generic.IReadOnlyList<{CSharpTypes.EventLayout}>? layouts) => header.EventIndex switch");
        output.Open("");
        for (int i = 0; i < events.Count; i++)
        {
            string index = i.ToString(CultureInfo.InvariantCulture);
            output.Line($"{index} => new {viewNames[i]}Record(record, header, layouts?[{index}] ?? {viewNames[i]}.BuildLayout, context),");
        }
        output.Line($"_ => throw new global::TpGen.TraceRecordException({CSharpNames.StringLiteral(probeSet.FullName)}, \"event index \" + header.EventIndex + \" is not in this probe set\"),");
        output.Close(";");
        output.Line();
        output.Line("/// <summary>Writes any record of this probe set, laid out as the build's kernel lays it out, as the kernel's text for its event (chosen by the header's event index).</summary>");
        output.Line("/// <exception cref=\"global::TpGen.TraceRecordException\">The record is short or corrupt, or its event index is not in this probe set.</exception>");
        output.Line("public static bool TryFormat(global::System.ReadOnlySpan<byte> record, in global::TpGen.RecordHeader header, global::System.Span<char> destination, out int charsWritten)");
        output.Open("");
        output.Open("switch (header.EventIndex)");
        for (int i = 0; i < events.Count; i++)
        {
            output.Line($"case {i.ToString(CultureInfo.InvariantCulture)}:");
            output.Line($"    return {viewNames[i]}.Read(record, header).TryFormat(destination, out charsWritten);");
        }
        output.Line("default:");
        output.Line($"    throw new global::TpGen.TraceRecordException({CSharpNames.StringLiteral(probeSet.FullName)}, \"event index \" + header.EventIndex + \" is not in this probe set\");");
        output.Close();
        output.Close();
        output.Line();
        WriteHandlers(output, viewNames);
    }

    private static void WriteHandlers(SourceWriter output, IReadOnlyList<string> viewNames)
    {
        // A struct: the probe set compiles its reading loop for it, with OnRecord inlined (see ProbeSet.Run).
        output.Open($"private readonly struct Handlers : {Probes}.IRecordHandler");
        // A field per event rather than an array: no bounds check and one load fewer per record.
        for (int i = 0; i < viewNames.Count; i++)
        {
            output.Line($"private readonly {CSharpTypes.EventLayout} _layout{viewNames[i]};");
            output.Line($"private readonly {viewNames[i]}Handler? _on{viewNames[i]};");
        }
        output.Line("private readonly global::System.Action<long>? _onLost;");
        output.Line();
        output.Open($"public Handlers(global::System.Collections.Generic.IReadOnlyList<{CSharpTypes.EventLayout}> layouts, {Parameters(viewNames, withToken: false)})");
        for (int i = 0; i < viewNames.Count; i++)
        {
            output.Line($"_layout{viewNames[i]} = layouts[{i.ToString(CultureInfo.InvariantCulture)}];");
            output.Line($"_on{viewNames[i]} = on{viewNames[i]};");
        }
        output.Line("_onLost = onLost;");
        output.Close();
        output.Line();
        output.Line("public void OnRecord(global::System.ReadOnlySpan<byte> record, in global::TpGen.RecordHeader header) => OnRecord(record, header, default);");
        output.Line();
        // Called for every record: inlined into the probe set's reading loop, which is fully optimized
        // from the first record (tiered compilation would recompile it while records stream in).
        output.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        output.Open("public void OnRecord(global::System.ReadOnlySpan<byte> record, in global::TpGen.RecordHeader header, global::System.ReadOnlySpan<byte> context)");
        output.Open("switch (header.EventIndex)");
        for (int i = 0; i < viewNames.Count; i++)
        {
            output.Line($"case {i.ToString(CultureInfo.InvariantCulture)}:");
            output.Indent();
            output.Line($"_on{viewNames[i]}?.Invoke({viewNames[i]}.Read(record, header, _layout{viewNames[i]}, context));");
            output.Line("break;");
            output.Unindent();
        }
        output.Close();
        output.Close();
        output.Line();
        output.Open("public bool OnLost(long count)");
        output.Line("_onLost?.Invoke(count);");
        output.Line("return _onLost is not null;");
        output.Close();
        output.Line();
        // Implemented, not inherited: the interface's default body would box this struct at each call.
        output.Open("public void OnDrained()");
        output.Close();
        output.Close();
    }

    private static string Parameters(IReadOnlyList<string> viewNames, bool withToken = true)
    {
        var parameters = new List<string>();
        foreach (string view in viewNames)
            parameters.Add($"{view}Handler? on{view} = null");
        parameters.Add("global::System.Action<long>? onLost = null");
        if (withToken)
            parameters.Add("global::System.Threading.CancellationToken cancellationToken = default");
        return string.Join(", ", parameters);
    }

    private static string Arguments(IReadOnlyList<string> viewNames)
    {
        var arguments = new List<string>();
        foreach (string view in viewNames)
            arguments.Add("on" + view);
        arguments.Add("onLost");
        return string.Join(", ", arguments);
    }

    private static IEnumerable<string> Names(EquatableArray<TracepointSchema> events)
    {
        var names = new List<string>();
        foreach (TracepointSchema schema in events)
            names.Add(schema.FullName);
        return names;
    }

    private static IEnumerable<string> OwnedNames(IReadOnlyList<string> viewNames)
    {
        foreach (string view in viewNames)
            yield return view + "Record";
    }
}
