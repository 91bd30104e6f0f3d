using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using TpGen.Context;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Frontends.Btf;

/// <summary>
/// Tracepoints read through BTF-typed (<c>tp_btf</c>) programs: every tracepoint whose BTF has a
/// <c>btf_trace_&lt;name&gt;</c> typedef, including the bare ones that have no tracefs event
/// (<c>DECLARE_TRACE</c> only, such as sched's <c>*_tp</c>). Such a program receives the
/// tracepoint's C arguments, typed by BTF, instead of a record; TpGen turns them into a record of
/// its own and describes it with the same <see cref="TracepointSchema"/> as any event, in system
/// <see cref="System"/> (as libbpf's <c>SEC("tp_btf/kfree_skb")</c> names them).
/// </summary>
/// <remarks>
/// <para>
/// The record: the common fields (<c>common_type</c> is 0: these events have no id), then each
/// argument in an 8-byte slot (as the kernel passes them, a <c>u64</c> each) at offset 8, 16, ...,
/// read as its type's size, then each captured member (<see cref="MemberPath"/>) in a slot of its
/// own, 8-aligned. Field names are the arguments' names and the captures' <see cref="MemberPath.FieldName"/>.
/// </para>
/// <para>
/// BTF gives the arguments' types through the typedef but not their names; those come from the
/// kernel's <c>__bpf_trace_&lt;class&gt;</c> function with the same parameter types (its
/// <c>DECLARE_EVENT_CLASS</c> or <c>DECLARE_TRACE</c>). Where several such functions name the same
/// types differently, or none has them, the arguments are called <c>arg0</c>, <c>arg1</c>, ...
/// </para>
/// </remarks>
public static class BtfTracepoints
{
    /// <summary>The system name of tp_btf events: <c>tp_btf:kfree_skb</c>.</summary>
    public const string System = "tp_btf";

    /// <summary>The prefix of the typedef that gives a tracepoint's prototype.</summary>
    public const string TypedefPrefix = "btf_trace_";

    private const string FunctionPrefix = "__bpf_trace_";

    /// <summary>Where the first argument is in the record (after the common fields).</summary>
    public const int ArgumentsOffset = 8;

    /// <summary>The most arguments a tracepoint has that a handler copies (the kernel's limit for raw tracepoints).</summary>
    public const int MaxArguments = 12;

    private static readonly ConditionalWeakTable<BtfData, Dictionary<string, List<string[]>>> s_names = new();

    /// <summary>Whether <paramref name="schema"/> is read through a tp_btf program.</summary>
    public static bool IsBtf(TracepointSchema schema) => schema.System == System;

    /// <summary>Whether events of <paramref name="system"/> are read through tp_btf programs.</summary>
    public static bool IsBtf(string system) => system == System;

    /// <summary>Whether this BTF has tracepoint <paramref name="name"/>.</summary>
    public static bool Has(BtfData btf, string name) => btf.FindByName(BtfKind.Typedef, TypedefPrefix + name).Count > 0;

    /// <summary>The names of every tracepoint this BTF has, sorted.</summary>
    public static IReadOnlyList<string> Names(BtfData btf)
    {
        var names = new List<string>();
        foreach (string typedef in btf.NamesOfKind(BtfKind.Typedef))
        {
            if (typedef.StartsWith(TypedefPrefix, StringComparison.Ordinal) && TraceNames.IsEvent(typedef.Substring(TypedefPrefix.Length)))
                names.Add(typedef.Substring(TypedefPrefix.Length));
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>The tracepoint's arguments: name, BTF type id, and C type.</summary>
    /// <exception cref="FormatParseException">BTF has no such tracepoint, or its prototype is not one.</exception>
    public static IReadOnlyList<BtfArgument> Arguments(BtfData btf, string name)
    {
        if (btf is null)
            throw new ArgumentNullException(nameof(btf));
        TraceNames.ThrowIfInvalidEvent(name, nameof(name));
        IReadOnlyList<BtfType> typedefs = btf.FindByName(BtfKind.Typedef, TypedefPrefix + name);
        if (typedefs.Count == 0)
            throw Error(btf, $"BTF has no typedef {TypedefPrefix}{name}: the kernel has no tracepoint '{name}' (or it is in a module, whose BTF is separate); 'tpgen list tp_btf:*' shows those it has");
        BtfType typedef = typedefs[0];
        BtfType pointer = btf.TypeById(typedef.ReferencedType);
        BtfType proto = pointer.Kind == BtfKind.Pointer ? btf.TypeById(pointer.ReferencedType) : pointer;
        if (proto.Kind != BtfKind.FuncProto || proto.Parameters.Count == 0)
            throw Error(btf, $"{btf.Describe(typedef.Id)} is not a pointer to a tracepoint's prototype (void *__data, args...)");
        int count = proto.Parameters.Count - 1;
        if (count > MaxArguments)
            throw Error(btf, $"tracepoint {name} has {count} arguments; a tp_btf handler reads at most {MaxArguments}");

        string[]? names = ArgumentNames(btf, proto, name);
        var arguments = new List<BtfArgument>(count);
        for (int i = 1; i <= count; i++)
        {
            int type = proto.Parameters[i].Type;
            if (type == 0)
                throw Error(btf, $"tracepoint {name} is variadic, which tracepoints are not");
            BtfFieldType described = BtfFieldType.Describe(btf, type, typedef, "argument " + i);
            string argument = names?[i] ?? "arg" + (i - 1).ToString(global::System.Globalization.CultureInfo.InvariantCulture);
            arguments.Add(new BtfArgument(argument, type, described.Type, described.Size, described.IsSigned, described.Enum, described.EnumName));
        }
        return arguments;
    }

    /// <summary>
    /// The schema of tracepoint <paramref name="name"/> read through a tp_btf program, with a field for
    /// each of <paramref name="members"/> after the arguments.
    /// </summary>
    /// <param name="btf">The kernel's BTF.</param>
    /// <param name="name">The tracepoint, e.g. <c>kfree_skb</c>.</param>
    /// <param name="members">Struct members to capture, each from an argument.</param>
    /// <param name="unresolved">
    /// Where to put the members this kernel's types do not have, leaving their fields out (a kernel
    /// that lacks a member the build captures reads it as absent); null to throw instead.
    /// </param>
    /// <exception cref="FormatParseException">BTF has no such tracepoint, or an argument is not a value a handler can copy.</exception>
    /// <exception cref="MemberPathException">A member path does not start at an argument, or this kernel's types do not have it.</exception>
    public static TracepointSchema Read(BtfData btf, string name, IReadOnlyList<MemberPath>? members = null, ICollection<MemberPathException>? unresolved = null)
    {
        IReadOnlyList<BtfArgument> arguments = Arguments(btf, name);
        var fields = new List<FieldSpec>
        {
            Common("common_type", "unsigned short", 0, 2, false),
            Common("common_flags", "unsigned char", 2, 1, false),
            Common("common_preempt_count", "unsigned char", 3, 1, false),
            Common("common_pid", "int", 4, 4, true),
        };
        var enums = new List<EnumSpec>();
        var enumNames = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal) { "common_type", "common_flags", "common_preempt_count", "common_pid" };
        int offset = ArgumentsOffset;
        foreach (BtfArgument argument in arguments)
        {
            if (argument.Size is not (1 or 2 or 4 or 8))
                throw Error(btf, $"argument '{argument.Name}' of tracepoint {name} is {argument.Type.Text} of {argument.Size} bytes; a tp_btf handler reads arguments of 1 to 8 bytes");
            if (!names.Add(argument.Name))
                throw Error(btf, $"tracepoint {name} names two arguments '{argument.Name}'");
            FieldKind kind = FieldRules.ScalarKind(argument.Type, argument.Size);
            fields.Add(new FieldSpec(argument.Name, argument.Type, offset, argument.Size, argument.IsSigned, kind, argument.Size, 1, false));
            AddEnum(btf, argument.Enum, argument.EnumName, kind, enums, enumNames);
            offset += 8;
        }
        foreach (MemberPath path in members ?? Array.Empty<MemberPath>())
        {
            ResolvedMember member;
            try
            {
                member = ResolveMember(btf, name, arguments, path);
            }
            catch (MemberPathException e) when (unresolved is not null)
            {
                unresolved.Add(e);
                continue;
            }
            if (!names.Add(path.FieldName))
                throw new MemberPathException(path.Text, $"its field name '{path.FieldName}' is already taken by an argument or another capture of {name}");
            fields.Add(new FieldSpec(path.FieldName, member.Type, offset, member.Size, member.IsSigned, member.Kind, member.ElementSize, member.ElementCount, false));
            if (member.Enum is { } spec && enumNames.Add(spec.Name))
                enums.Add(spec);
            offset += (member.Size + 7) & ~7;
        }
        return new TracepointSchema(System, name, 0, fields.ToEquatableArray(), null, null, BtfSchemaReader.NoPrintFmt, enums.ToEquatableArray());
    }

    /// <summary>Resolves <paramref name="path"/> from the argument it starts at.</summary>
    /// <exception cref="MemberPathException">The argument is not there, is not a pointer to a struct, or the members are not.</exception>
    public static ResolvedMember ResolveMember(BtfData btf, string name, IReadOnlyList<BtfArgument> arguments, MemberPath path)
    {
        foreach (BtfArgument argument in arguments)
        {
            if (argument.Name == path.Root)
                return BtfMemberResolver.Resolve(btf, argument.TypeId, path);
        }
        var argumentNames = new List<string>();
        foreach (BtfArgument argument in arguments)
            argumentNames.Add(argument.Name);
        throw new MemberPathException(path.Text, $"tracepoint {name} has no argument '{path.Root}' (its arguments: {string.Join(", ", argumentNames)})");
    }

    private static void AddEnum(BtfData btf, BtfType? enumType, string? enumName, FieldKind kind, List<EnumSpec> enums, HashSet<string> names)
    {
        if (kind == FieldKind.Enum && enumType is not null && enumName is not null && names.Add(enumName))
            enums.Add(BtfSchemaReader.ToEnumSpec(btf, enumType, enumName));
    }

    private static FieldSpec Common(string name, string type, int offset, int size, bool signed) =>
        new(name, new CType(type, type, 0, null, DynamicLocation.None), offset, size, signed, FieldKind.Scalar, size, 1, true);

    // Names from the __bpf_trace_ function of the same parameter types: the event's own first, else any that all agree.
    private static string[]? ArgumentNames(BtfData btf, BtfType proto, string name)
    {
        string key = Signature(proto);
        foreach (BtfType function in btf.FindByName(BtfKind.Func, FunctionPrefix + name))
        {
            BtfType own = btf.TypeById(function.ReferencedType);
            if (own.Kind == BtfKind.FuncProto && Signature(own) == key && Named(own) is { } names)
                return names;
        }
        Dictionary<string, List<string[]>> index = s_names.GetValue(btf, Index);
        if (!index.TryGetValue(key, out List<string[]>? candidates))
            return null;
        foreach (string[] candidate in candidates)
        {
            if (!SameNames(candidate, candidates[0]))
                return null;
        }
        return candidates[0];
    }

    // Every __bpf_trace_ function's parameter names, by the sequence of its parameter types.
    private static Dictionary<string, List<string[]>> Index(BtfData btf)
    {
        var index = new Dictionary<string, List<string[]>>(StringComparer.Ordinal);
        foreach (string function in btf.NamesOfKind(BtfKind.Func))
        {
            if (!function.StartsWith(FunctionPrefix, StringComparison.Ordinal))
                continue;
            foreach (BtfType found in btf.FindByName(BtfKind.Func, function))
            {
                BtfType proto = btf.TypeById(found.ReferencedType);
                if (proto.Kind != BtfKind.FuncProto || Named(proto) is not { } names)
                    continue;
                string key = Signature(proto);
                if (!index.TryGetValue(key, out List<string[]>? list))
                    index[key] = list = new List<string[]>();
                list.Add(names);
            }
        }
        return index;
    }

    private static string Signature(BtfType proto)
    {
        var key = new global::System.Text.StringBuilder();
        foreach (BtfParameter parameter in proto.Parameters)
            key.Append(parameter.Type).Append(',');
        return key.ToString();
    }

    private static string[]? Named(BtfType proto)
    {
        var names = new string[proto.Parameters.Count];
        for (int i = 0; i < names.Length; i++)
        {
            string parameter = proto.Parameters[i].Name;
            if (i > 0 && !TraceNames.IsField(parameter))
                return null;
            names[i] = parameter;
        }
        return names;
    }

    private static bool SameNames(string[] a, string[] b)
    {
        if (a.Length != b.Length)
            return false;
        for (int i = 1; i < a.Length; i++)
        {
            if (a[i] != b[i])
                return false;
        }
        return true;
    }

    private static FormatParseException Error(BtfData btf, string message) =>
        new(new FormatDiagnostic(btf.File, 1, 1, message, IsError: true));
}

/// <summary>One argument of a tracepoint, as BTF types it.</summary>
/// <param name="Name">Its name (from the kernel's <c>__bpf_trace_</c> function), or <c>argN</c>.</param>
/// <param name="TypeId">Its BTF type id, where member paths start.</param>
/// <param name="Type">Its C type.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="IsSigned">Whether it is signed.</param>
/// <param name="Enum">The enum it is, or null.</param>
/// <param name="EnumName">That enum's name, or null.</param>
public sealed record BtfArgument(string Name, int TypeId, CType Type, int Size, bool IsSigned, BtfType? Enum, string? EnumName);
