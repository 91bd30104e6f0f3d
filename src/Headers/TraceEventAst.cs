using System;
using System.Collections.Generic;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;
using TpGen.Text;
using static Interop.Libclang;

namespace TpGen.Frontends.Headers;

/// <summary>
/// Reads what the kernel's trace-event stages declared in a translation unit, the same objects
/// the kernel registers at boot:
/// <list type="bullet">
/// <item><c>struct trace_event_call event_&lt;event&gt;</c>: <c>.class = &amp;event_class_&lt;class&gt;</c> and <c>.print_fmt = print_fmt_&lt;class or event&gt;</c> (DEFINE_EVENT_PRINT has its own);</item>
/// <item><c>struct trace_event_class event_class_&lt;class&gt;</c>: <c>.system</c> and <c>.fields_array = trace_event_fields_&lt;class&gt;</c>;</item>
/// <item><c>struct trace_event_fields trace_event_fields_&lt;class&gt;[]</c>: each field's <c>.type</c> string (what tracefs prints), <c>.name</c>, <c>.size</c>, <c>.is_signed</c>, <c>.len</c>;</item>
/// <item><c>struct trace_event_raw_&lt;class&gt;</c>: where each field lies (<c>__data_loc_&lt;name&gt;</c> for dynamic ones);</item>
/// <item><c>struct trace_eval_map</c>s from TRACE_DEFINE_ENUM / TRACE_DEFINE_SIZEOF, and <c>struct trace_entry</c> for the common fields.</item>
/// </list>
/// Valid only while its translation unit is alive.
/// </summary>
internal sealed class TraceEventAst
{
    private const string EventPrefix = "event_";
    private const string ClassPrefix = "event_class_";
    private const string RawStructPrefix = "trace_event_raw_";

    private readonly Dictionary<string, CXCursor> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CXCursor> _structs = new(StringComparer.Ordinal);
    private readonly List<string> _eventVariables = new();
    private readonly List<CXCursor> _evalMaps = new();
    private readonly Dictionary<string, List<string>> _memberOrders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EnumSpec?> _enums = new(StringComparer.Ordinal);
    private readonly HashSet<string> _functions = new(StringComparer.Ordinal);

    private TraceEventAst()
    {
    }

    /// <summary>Indexes the top-level declarations the reader needs.</summary>
    public static TraceEventAst Index(CXCursor root)
    {
        var ast = new TraceEventAst();
        foreach (CXCursor declaration in ClangCursors.Children(root))
        {
            if (declaration.Kind == CXCursorKind.StructDecl)
            {
                if (IsCursorDefinition(declaration) != 0)
                    ast._structs[GetCursorSpelling(declaration)] = declaration;
                continue;
            }
            if (declaration.Kind == CXCursorKind.FunctionDecl)
            {
                ast._functions.Add(GetCursorSpelling(declaration));
                continue;
            }
            if (declaration.Kind != CXCursorKind.VarDecl)
                continue;
            // Only definitions with an initializer: each object is declared (tentatively) before it is defined.
            List<CXCursor> children = ClangCursors.Children(declaration);
            if (children.Count == 0 || children[^1].Kind is not (CXCursorKind.InitListExpr or CXCursorKind.StringLiteral))
                continue;
            string name = GetCursorSpelling(declaration);
            ast._initializers[name] = children[^1];
            string type = GetTypeSpelling(GetCursorType(declaration));
            if (type == "struct trace_event_call" && name.StartsWith(EventPrefix, StringComparison.Ordinal))
                ast._eventVariables.Add(name);
            else if (type == "struct trace_eval_map")
                ast._evalMaps.Add(children[^1]);
        }
        return ast;
    }

    /// <summary>The common fields every record starts with: <c>struct trace_entry</c>'s members, named <c>common_&lt;member&gt;</c> as the kernel registers them.</summary>
    public List<TraceEventField> CommonFields()
    {
        if (!_structs.TryGetValue("trace_entry", out CXCursor entry))
            throw new HeadersException(HeadersProblem.Unsupported, "The headers define no struct trace_entry (include/linux/trace_events.h), so the common fields are unknown.");
        var fields = new List<TraceEventField>();
        foreach (CXCursor member in ClangCursors.Children(entry))
        {
            if (member.Kind != CXCursorKind.FieldDecl)
                continue;
            CXType type = GetCursorType(member);
            fields.Add(new TraceEventField(
                GetTypeSpelling(type),
                "common_" + GetCursorSpelling(member),
                checked((int)(CursorGetOffsetOfField(member) / 8)),
                checked((int)TypeGetSizeOf(type)),
                IsSigned(type),
                ArrayLength: null));
        }
        return fields;
    }

    /// <summary>The eval maps of <paramref name="system"/>, in the order the translation unit defines them.</summary>
    public List<TraceEvalMap> EvalMaps(string system)
    {
        var maps = new List<TraceEvalMap>();
        List<string> order = MemberOrder("trace_eval_map");
        foreach (CXCursor initializer in _evalMaps)
        {
            Dictionary<string, CXCursor> values = DesignatedInitializer.Read(initializer, order);
            if (!values.TryGetValue("system", out CXCursor systemValue) || SystemOf(systemValue) != system ||
                !values.TryGetValue("eval_string", out CXCursor nameValue) || ClangCursors.EvaluateString(nameValue) is not { } name ||
                !values.TryGetValue("eval_value", out CXCursor valueValue) || ClangCursors.EvaluateInteger(valueValue) is not { } value)
            {
                continue;
            }
            maps.Add(new TraceEvalMap(system, name, value));
        }
        return maps;
    }

    /// <summary>The names of the events of <paramref name="system"/>, in header order.</summary>
    public List<string> EventNames(string system)
    {
        var names = new List<string>();
        foreach (string variable in _eventVariables)
        {
            (string? eventSystem, _, _) = EventLinks(variable);
            if (eventSystem == system)
                names.Add(variable.Substring(EventPrefix.Length));
        }
        return names;
    }

    /// <summary>
    /// The names that the system's print fmts call but that the translation unit declares as no
    /// function: macros it did not define when it stringified TP_printk (tcp.h calls
    /// <c>show_family_name</c>, which sock.h defines), or the trace helpers that tracefs itself
    /// interprets (<c>__print_symbolic</c>, <c>__get_str</c>, ...).
    /// </summary>
    public SortedSet<string> UndeclaredPrintCalls(string system)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string eventName in EventNames(system))
        {
            (_, _, string? printVariable) = EventLinks(EventPrefix + eventName);
            if (printVariable is null || !_initializers.TryGetValue(printVariable, out CXCursor literal) ||
                !CStringLiteral.TryDecode(GetCursorSpelling(literal), out string printFmt))
            {
                continue;
            }
            foreach (string called in PrintFmtCalls.Names(printFmt))
            {
                if (!_functions.Contains(called))
                    names.Add(called);
            }
        }
        return names;
    }

    /// <summary>Reads one event of <paramref name="system"/>; <paramref name="evalMaps"/> are applied to its print fmt.</summary>
    /// <exception cref="HeadersException">The event is defined in a shape this reader does not know (<see cref="HeadersProblem.Unsupported"/>).</exception>
    public TraceEventDefinition ReadEvent(string system, string name, IReadOnlyList<TraceEvalMap> evalMaps)
    {
        string variable = EventPrefix + name;
        (string? eventSystem, string? classVariable, string? printVariable) = EventLinks(variable);
        if (eventSystem != system || classVariable is null || printVariable is null)
            throw Unsupported(name, $"its trace_event_call does not name a class of system '{system}' and a print fmt");
        string className = classVariable.StartsWith(ClassPrefix, StringComparison.Ordinal) ? classVariable.Substring(ClassPrefix.Length) : classVariable;

        if (!_initializers.TryGetValue(printVariable, out CXCursor printInitializer) ||
            !CStringLiteral.TryDecode(GetCursorSpelling(printInitializer), out string compiledPrintFmt))
        {
            throw Unsupported(name, $"its print fmt {printVariable} is not a string literal");
        }

        Dictionary<string, CXCursor> classValues = DesignatedInitializer.Read(_initializers[classVariable], MemberOrder("trace_event_class"));
        if (!classValues.TryGetValue("fields_array", out CXCursor fieldsValue) || ReferencedName(fieldsValue) is not { } fieldsVariable ||
            !_initializers.TryGetValue(fieldsVariable, out CXCursor fieldsInitializer))
        {
            throw Unsupported(name, $"class {className} has no trace_event_fields table (events with define_fields callbacks are not read)");
        }
        if (!_structs.TryGetValue(RawStructPrefix + className, out CXCursor rawStruct))
            throw Unsupported(name, $"there is no struct {RawStructPrefix}{className}");

        var enums = new List<EnumSpec>();
        List<TraceEventField> fields = ReadFields(name, fieldsInitializer, rawStruct, enums);
        string printFmt = EvalMapSubstitution.Apply(compiledPrintFmt, evalMaps);
        return new TraceEventDefinition(name, className, fields, compiledPrintFmt, printFmt, enums);
    }

    private List<TraceEventField> ReadFields(string eventName, CXCursor table, CXCursor rawStruct, List<EnumSpec> enums)
    {
        Dictionary<string, (int Offset, int Size, CXType Type)> layout = RecordLayout(rawStruct);
        List<string> order = MemberOrder("trace_event_fields");
        bool kernelHasLen = order.Contains("len");
        var fields = new List<TraceEventField>();
        foreach (CXCursor entry in ClangCursors.Children(table))
        {
            if (entry.Kind != CXCursorKind.InitListExpr)
                continue;
            Dictionary<string, CXCursor> values = DesignatedInitializer.Read(entry, order);
            // The table ends with an empty entry, { }.
            if (values.Count == 0)
                break;
            if (!values.TryGetValue("type", out CXCursor typeValue) || ClangCursors.EvaluateString(typeValue) is not { } type)
                throw Unsupported(eventName, $"entry {fields.Count + 1} of its fields table has no .type string (a define_fields callback?)");
            if (!values.TryGetValue("name", out CXCursor nameValue) || ClangCursors.EvaluateString(nameValue) is not { } name)
                throw Unsupported(eventName, $"field '{type}' has no .name string");
            long? size = values.TryGetValue("size", out CXCursor sizeValue) ? ClangCursors.EvaluateInteger(sizeValue) : null;
            // C zero-initialises what the entry leaves out: no .is_signed means unsigned.
            long? signedValue = values.TryGetValue("is_signed", out CXCursor signedCursor) ? ClangCursors.EvaluateInteger(signedCursor) : 0;
            if (size is null || signedValue is null)
                throw Unsupported(eventName, $"the size or signedness of field '{name}' is not a constant");

            string member = type.StartsWith("__data_loc ", StringComparison.Ordinal) ? "__data_loc_" + name
                : type.StartsWith("__rel_loc ", StringComparison.Ordinal) ? "__rel_loc_" + name
                : name;
            if (!layout.TryGetValue(member, out var placed))
                throw Unsupported(eventName, $"field '{name}' is not a member '{member}' of its trace_event_raw struct");
            if (placed.Size != size)
                throw Unsupported(eventName, $"field '{name}' has .size {size} but its struct member is {placed.Size} bytes");

            int? length = null;
            bool isFixedArray = type.Contains('[', StringComparison.Ordinal) && member == name;
            if (isFixedArray && kernelHasLen)
                length = values.TryGetValue("len", out CXCursor lenValue) && ClangCursors.EvaluateInteger(lenValue) is { } len ? checked((int)len) : 0;
            fields.Add(new TraceEventField(type, name, placed.Offset, placed.Size, signedValue != 0, length));

            if (type.StartsWith("enum ", StringComparison.Ordinal) && EnumOf(placed.Type) is { } spec && type == "enum " + spec.Name && !enums.Contains(spec))
                enums.Add(spec);
        }
        return fields;
    }

    private static Dictionary<string, (int Offset, int Size, CXType Type)> RecordLayout(CXCursor record)
    {
        var layout = new Dictionary<string, (int, int, CXType)>(StringComparer.Ordinal);
        foreach (CXCursor member in ClangCursors.Children(record))
        {
            if (member.Kind != CXCursorKind.FieldDecl)
                continue;
            CXType type = GetCursorType(member);
            long offsetBits = CursorGetOffsetOfField(member);
            long size = TypeGetSizeOf(type);
            // Flexible members (char __data[]) have no size; they are not fields.
            if (offsetBits < 0 || size < 0)
                continue;
            layout[GetCursorSpelling(member)] = (checked((int)(offsetBits / 8)), checked((int)size), type);
        }
        return layout;
    }

    private (string? System, string? Class, string? PrintFmt) EventLinks(string eventVariable)
    {
        if (!_initializers.TryGetValue(eventVariable, out CXCursor initializer))
            return (null, null, null);
        Dictionary<string, CXCursor> values = DesignatedInitializer.Read(initializer, MemberOrder("trace_event_call"));
        string? classVariable = values.TryGetValue("class", out CXCursor classValue) ? ReferencedName(classValue) : null;
        string? printVariable = values.TryGetValue("print_fmt", out CXCursor printValue) ? ReferencedName(printValue) : null;
        if (classVariable is null || !_initializers.TryGetValue(classVariable, out CXCursor classInitializer))
            return (null, classVariable, printVariable);
        Dictionary<string, CXCursor> classValues = DesignatedInitializer.Read(classInitializer, MemberOrder("trace_event_class"));
        string? system = classValues.TryGetValue("system", out CXCursor systemValue) ? SystemOf(systemValue) : null;
        return (system, classVariable, printVariable);
    }

    // .system = TRACE_SYSTEM_STRING, a reference to "static const char str__<system>__trace_system_name[] = "<system>"".
    private string? SystemOf(CXCursor value)
    {
        if (ReferencedName(value) is not { } variable || !_initializers.TryGetValue(variable, out CXCursor literal))
            return null;
        return CStringLiteral.TryDecode(GetCursorSpelling(literal), out string system) ? system : null;
    }

    private static string? ReferencedName(CXCursor value) =>
        ClangCursors.FindFirst(value, CXCursorKind.DeclRefExpr) is { } reference ? GetCursorSpelling(reference) : null;

    private List<string> MemberOrder(string structName)
    {
        if (!_memberOrders.TryGetValue(structName, out List<string>? order))
        {
            order = _structs.TryGetValue(structName, out CXCursor definition) ? DesignatedInitializer.MemberOrder(definition) : new List<string>();
            _memberOrders[structName] = order;
        }
        return order;
    }

    private EnumSpec? EnumOf(CXType type)
    {
        CXType canonical = GetCanonicalType(type);
        if (canonical.Kind != CXTypeKind.Enum)
            return null;
        CXCursor declaration = GetTypeDeclaration(canonical);
        string name = GetCursorSpelling(declaration);
        if (!TraceNames.IsIdentifier(name))
            return null;
        if (_enums.TryGetValue(name, out EnumSpec? known))
            return known;
        CXType integer = GetEnumDeclIntegerType(declaration);
        var members = new List<EnumMember>();
        foreach (CXCursor constant in ClangCursors.Children(declaration))
        {
            if (constant.Kind == CXCursorKind.EnumConstantDecl)
                members.Add(new EnumMember(GetCursorSpelling(constant), GetEnumConstantDeclValue(constant)));
        }
        var spec = new EnumSpec(name, checked((int)TypeGetSizeOf(integer)), IsSigned(integer), members.ToEquatableArray());
        _enums[name] = spec;
        return spec;
    }

    /// <summary>Whether values of <paramref name="type"/> are signed, as the kernel's is_signed_type() decides it.</summary>
    private static bool IsSigned(CXType type)
    {
        CXType canonical = GetCanonicalType(type);
        if (canonical.Kind == CXTypeKind.Enum)
            return IsSigned(GetEnumDeclIntegerType(GetTypeDeclaration(canonical)));
        return canonical.Kind is CXTypeKind.CharS or CXTypeKind.SChar or CXTypeKind.Short or CXTypeKind.Int or
            CXTypeKind.Long or CXTypeKind.LongLong or CXTypeKind.Int128;
    }

    private static HeadersException Unsupported(string eventName, string what) =>
        new(HeadersProblem.Unsupported, $"Event '{eventName}' cannot be read from the headers: {what}.");
}
