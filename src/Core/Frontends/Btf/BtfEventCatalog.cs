using System;
using System.Collections.Generic;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Frontends.Btf;

/// <summary>
/// Which event classes and tracepoints a kernel's BTF describes, and which class an event uses.
/// </summary>
/// <remarks>
/// BTF has a <c>struct trace_event_raw_&lt;class&gt;</c> per event class and a
/// <c>btf_trace_&lt;event&gt;</c> typedef per tracepoint, but nothing that says which class a
/// <c>DEFINE_EVENT</c> event uses: the kernel keeps that link in data (the event's
/// <c>trace_event_call</c>), not in types. <see cref="FindClass"/> therefore states how it
/// decided, and says when it guessed.
/// </remarks>
public sealed class BtfEventCatalog
{
    /// <summary>The prefix of the typedef BTF holds for every tracepoint (<c>btf_trace_&lt;event&gt;</c>).</summary>
    public const string TracepointTypedefPrefix = "btf_trace_";

    // The functions the trace-event macros define: one BPF probe per class, one iterator per tracepoint.
    private const string ClassProbePrefix = "__bpf_trace_";
    private const string TracepointIteratorPrefix = "__traceiter_";
    private const string TracepointStubPrefix = "__probestub_";

    private readonly BtfData _btf;
    private Dictionary<string, List<string>>? _classesByPrototype;
    private Dictionary<string, List<string>>? _classesByParameterTypes;

    /// <summary>Lists the classes and tracepoints of <paramref name="btf"/>.</summary>
    public BtfEventCatalog(BtfData btf)
    {
        _btf = btf ?? throw new ArgumentNullException(nameof(btf));
        Classes = NamesWithPrefix(BtfKind.Struct, BtfSchemaReader.ClassStructPrefix);
        Tracepoints = NamesWithPrefix(BtfKind.Typedef, TracepointTypedefPrefix);
    }

    /// <summary>Every event class with a <c>struct trace_event_raw_&lt;class&gt;</c>, sorted.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>
    /// Every tracepoint with a <c>btf_trace_&lt;name&gt;</c> typedef, sorted: the events of
    /// <c>TRACE_EVENT</c> and <c>DEFINE_EVENT</c>, and bare tracepoints that have no event.
    /// Syscall events (<c>syscalls:sys_enter_*</c>) and ftrace's own events are not tracepoints
    /// of this kind and are not listed.
    /// </summary>
    public IReadOnlyList<string> Tracepoints { get; }

    /// <summary>Whether BTF has <c>struct trace_event_raw_&lt;<paramref name="className"/>&gt;</c>.</summary>
    public bool HasClass(string className) => BtfSchemaReader.HasClass(_btf, className);

    /// <summary>
    /// The class of event <paramref name="eventName"/>, and how sure that is:
    /// <list type="bullet">
    /// <item><see cref="BtfClassEvidence.SameName"/>: a class carries the event's name, as every
    /// <c>TRACE_EVENT</c>'s does.</item>
    /// <item><see cref="BtfClassEvidence.SamePrototype"/> (a guess): the event has no class of its
    /// own, and exactly one class's probe has the event's prototype, parameter names and types.
    /// A <c>DEFINE_EVENT</c> shares its template's prototype, so that class is very likely its
    /// template, but BTF does not say so.</item>
    /// <item><see cref="BtfClassEvidence.SameParameterTypes"/> (a weaker guess): as above, by
    /// parameter types alone, seen through typedefs and qualifiers, when no class has the same
    /// prototype.</item>
    /// <item><see cref="BtfClassEvidence.Ambiguous"/>: several classes fit; they are listed and
    /// none is chosen. Pass the class from a snapshot, tracefs or the headers.</item>
    /// <item><see cref="BtfClassEvidence.NotFound"/>: BTF has no class that fits.</item>
    /// </list>
    /// </summary>
    public BtfClassMatch FindClass(string eventName)
    {
        if (eventName is null)
            throw new ArgumentNullException(nameof(eventName));
        if (HasClass(eventName))
            return new BtfClassMatch(eventName, eventName, BtfClassEvidence.SameName, Single(eventName),
                $"BTF has struct {BtfSchemaReader.ClassStructPrefix}{eventName}, the class a TRACE_EVENT of that name declares");

        BtfType? prototype = EventPrototype(eventName, out bool hasNames);
        if (prototype is null)
            return new BtfClassMatch(eventName, null, BtfClassEvidence.NotFound, EquatableArray<string>.Empty,
                $"BTF has neither struct {BtfSchemaReader.ClassStructPrefix}{eventName} nor a tracepoint {eventName} (syscall and ftrace events have neither; module events are in the module's BTF)");

        if (hasNames)
        {
            List<string> byPrototype = Candidates(ref _classesByPrototype, prototype, withNames: true);
            if (byPrototype.Count == 1)
                return Guess(eventName, byPrototype, BtfClassEvidence.SamePrototype, "parameter names and types");
            if (byPrototype.Count > 1)
                return Ambiguous(eventName, byPrototype, "parameter names and types");
        }
        List<string> byTypes = Candidates(ref _classesByParameterTypes, prototype, withNames: false);
        if (byTypes.Count == 1)
            return Guess(eventName, byTypes, BtfClassEvidence.SameParameterTypes, "parameter types (through typedefs)");
        if (byTypes.Count > 1)
            return Ambiguous(eventName, byTypes, "parameter types (through typedefs)");
        return new BtfClassMatch(eventName, null, BtfClassEvidence.NotFound, EquatableArray<string>.Empty,
            $"no class's probe has the prototype of tracepoint {eventName}; pass the class name");
    }

    private static BtfClassMatch Guess(string eventName, List<string> candidates, BtfClassEvidence evidence, string what) =>
        new(eventName, candidates[0], evidence, Single(candidates[0]),
            $"guessed: BTF does not link events to classes, and {candidates[0]} is the only class whose probe has the {what} of tracepoint {eventName}");

    private static BtfClassMatch Ambiguous(string eventName, List<string> candidates, string what) =>
        new(eventName, null, BtfClassEvidence.Ambiguous, candidates.ToEquatableArray(),
            $"{candidates.Count} classes have the {what} of tracepoint {eventName} ({string.Join(", ", candidates)}); BTF does not say which one it uses, so pass the class name");

    private static EquatableArray<string> Single(string name) => new(new[] { name });

    /// <summary>
    /// The tracepoint's prototype: from its iterator function, whose parameters have names,
    /// else from its <c>btf_trace_</c> typedef (a function pointer, whose parameters have none).
    /// </summary>
    private BtfType? EventPrototype(string eventName, out bool hasNames)
    {
        hasNames = true;
        foreach (string prefix in new[] { TracepointIteratorPrefix, TracepointStubPrefix })
        {
            if (FunctionPrototype(prefix + eventName) is { } prototype)
                return prototype;
        }
        hasNames = false;
        IReadOnlyList<BtfType> typedefs = _btf.FindByName(BtfKind.Typedef, TracepointTypedefPrefix + eventName);
        if (typedefs.Count == 0)
            return null;
        BtfType pointer = _btf.TypeById(typedefs[0].ReferencedType);
        if (pointer.Kind != BtfKind.Pointer)
            return null;
        BtfType target = _btf.TypeById(pointer.ReferencedType);
        return target.Kind == BtfKind.FuncProto ? target : null;
    }

    private BtfType? FunctionPrototype(string functionName)
    {
        IReadOnlyList<BtfType> functions = _btf.FindByName(BtfKind.Func, functionName);
        if (functions.Count == 0)
            return null;
        BtfType prototype = _btf.TypeById(functions[0].ReferencedType);
        return prototype.Kind == BtfKind.FuncProto ? prototype : null;
    }

    private List<string> Candidates(ref Dictionary<string, List<string>>? index, BtfType prototype, bool withNames)
    {
        if (index is null)
        {
            var built = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (string className in Classes)
            {
                if (FunctionPrototype(ClassProbePrefix + className) is not { } probe)
                    continue;
                string key = PrototypeKey(probe, withNames);
                if (!built.TryGetValue(key, out List<string>? classes))
                    built.Add(key, classes = new List<string>());
                classes.Add(className);
            }
            index = built;
        }
        return index.TryGetValue(PrototypeKey(prototype, withNames), out List<string>? found) ? found : new List<string>();
    }

    /// <summary>
    /// The parameters after the first (the probe's <c>void *__data</c>) as text. With names:
    /// type ids and names, exactly as declared (BTF deduplication gives equal C types one id).
    /// Without: each type with typedefs and qualifiers looked through, as a DEFINE_EVENT may
    /// spell its template's <c>xfs_fsblock_t</c> as <c>uint64_t</c>.
    /// </summary>
    private string PrototypeKey(BtfType prototype, bool withNames)
    {
        var key = new System.Text.StringBuilder();
        for (int i = 1; i < prototype.Parameters.Count; i++)
        {
            BtfParameter parameter = prototype.Parameters[i];
            if (withNames)
                key.Append(parameter.Type).Append(' ').Append(parameter.Name);
            else
                AppendUnderlyingType(key, parameter.Type);
            key.Append(',');
        }
        return key.ToString();
    }

    private void AppendUnderlyingType(System.Text.StringBuilder key, int typeId)
    {
        // Chains of pointers, typedefs and qualifiers end (BtfData rejects cycles).
        int id = typeId;
        while (true)
        {
            BtfType type = _btf.TypeById(id);
            switch (type.Kind)
            {
                case BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                    id = type.ReferencedType;
                    continue;
                case BtfKind.Pointer:
                    key.Append('*');
                    id = type.ReferencedType;
                    continue;
                default:
                    key.Append(id);
                    return;
            }
        }
    }

    // The kernel's macros paste a trace name after the prefix; anything else (corrupt BTF) names no
    // class or tracepoint, and no reader would take it. Class and event names share the rules.
    private IReadOnlyList<string> NamesWithPrefix(BtfKind kind, string prefix)
    {
        var names = new List<string>();
        foreach (string name in _btf.NamesOfKind(kind))
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length && TraceNames.IsEvent(name.Substring(prefix.Length)))
                names.Add(name.Substring(prefix.Length));
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}

/// <summary>How <see cref="BtfEventCatalog.FindClass"/> decided an event's class.</summary>
public enum BtfClassEvidence
{
    /// <summary>A class has the event's name, as every <c>TRACE_EVENT</c>'s has.</summary>
    SameName,

    /// <summary>A guess: the only class whose probe has the event's parameter names and types.</summary>
    SamePrototype,

    /// <summary>A weaker guess: the only class whose probe has the event's parameter types (through typedefs and qualifiers).</summary>
    SameParameterTypes,

    /// <summary>Several classes fit; none was chosen.</summary>
    Ambiguous,

    /// <summary>No class fits, or BTF does not know the event.</summary>
    NotFound,
}

/// <summary>The class found for an event, and how.</summary>
/// <param name="Event">The event asked for.</param>
/// <param name="ClassName">The class, or null when <paramref name="Evidence"/> is <see cref="BtfClassEvidence.Ambiguous"/> or <see cref="BtfClassEvidence.NotFound"/>.</param>
/// <param name="Evidence">How the class was found.</param>
/// <param name="Candidates">The classes that fit: the one found, or all of them when ambiguous.</param>
/// <param name="Explanation">A sentence that says how the class was found or why none was; it says "guessed" for a guess.</param>
public sealed record BtfClassMatch(string Event, string? ClassName, BtfClassEvidence Evidence, EquatableArray<string> Candidates, string Explanation)
{
    /// <summary>Whether the class is a guess from the prototype rather than a fact BTF states.</summary>
    public bool IsGuess => Evidence is BtfClassEvidence.SamePrototype or BtfClassEvidence.SameParameterTypes;
}
