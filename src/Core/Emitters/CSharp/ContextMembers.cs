using System.Collections.Generic;
using System.Globalization;
using TpGen.Context;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters.CSharp;

/// <summary>
/// The context members of each generated view and record: <c>Context</c> (a
/// <c>TpGen.Context.RecordContext</c> over the bytes between the record's header and the record),
/// and shortcuts for what the probe set asks for: <c>Command</c> and <c>CgroupId</c>, the text of
/// each user-string argument (<c>FilenameText</c> for openat's <c>filename</c>), and <c>Packet</c>.
/// </summary>
internal static class ContextMembers
{
    /// <summary>The name of the property that gives a record's context.</summary>
    public const string ContextProperty = "Context";

    private const string RecordContext = "global::TpGen.Context.RecordContext";
    private const string PacketView = "global::TpGen.Packets.PacketView";

    /// <summary>The context members of one event, named so that none takes a field's name.</summary>
    public static IReadOnlyList<ContextMember> Plan(EventPlan plan, ProbeSetSpec probeSet)
    {
        var used = new HashSet<string>(EventPlan.ReservedMembers) { plan.ViewName, plan.OwnedName };
        foreach (FieldPlan field in plan.Fields)
        {
            used.Add(field.PropertyName);
            if (field.HasName is not null)
                used.Add(field.HasName);
            if (field.ValueNameProperty is not null)
                used.Add(field.ValueNameProperty);
        }
        var members = new List<ContextMember>();
        if ((probeSet.Process & ProcessContext.Command) != 0)
            members.Add(new ContextMember(Unique("Command", used), ContextMemberKind.Command, -1, "comm"));
        if ((probeSet.Process & ProcessContext.CgroupId) != 0)
            members.Add(new ContextMember(Unique("CgroupId", used), ContextMemberKind.CgroupId, -1, "cgroup"));
        IReadOnlyList<FieldSpec> strings = UserStrings.Fields(plan.Schema);
        for (int i = 0; i < strings.Count; i++)
        {
            string property = CSharpNames.ToPascalCase(strings[i].Name);
            foreach (FieldPlan field in plan.Fields)
            {
                if (field.Field.Name == strings[i].Name)
                    property = field.PropertyName;
            }
            members.Add(new ContextMember(Unique(property + "Text", used), ContextMemberKind.UserString, i, strings[i].Name));
        }
        if (probeSet.DetailsOf(plan.Index).Packet)
            members.Add(new ContextMember(Unique("Packet", used), ContextMemberKind.Packet, -1, "packet"));
        return members;
    }

    /// <summary>The members of the zero-copy view (which holds <c>_context</c> and <c>_layout</c>).</summary>
    public static void WriteView(SourceWriter output, IReadOnlyList<ContextMember> members)
    {
        output.Line();
        output.Line("/// <summary>What the record carries besides its fields (the process, user strings, the packet), as the probe set asked for it; empty for a record read without it.</summary>");
        output.Line($"public {RecordContext} {ContextProperty} => new {RecordContext}(_context, _layout.Context);");
        foreach (ContextMember member in members)
        {
            output.Line();
            switch (member.Kind)
            {
                case ContextMemberKind.Command:
                    output.Line("/// <summary>The task's command name when the event fired (<c>comm</c>).</summary>");
                    output.Line($"public {CSharpTypes.KernelString} {member.Name} => {ContextProperty}.Command;");
                    break;
                case ContextMemberKind.CgroupId:
                    output.Line("/// <summary>The id of the task's cgroup (v2) when the event fired.</summary>");
                    output.Line($"public ulong {member.Name} => {ContextProperty}.CgroupId;");
                    break;
                case ContextMemberKind.UserString:
                    output.Line($"/// <summary>The text <c>{CSharpNames.XmlText(member.Source)}</c> points to in the process's memory when the event fired, up to the bound (<c>IsTruncated</c> says it was cut); empty when it could not be read.</summary>");
                    output.Line($"public {CSharpTypes.KernelString} {member.Name} => {ContextProperty}.UserString({member.Index.ToString(CultureInfo.InvariantCulture)});");
                    break;
                case ContextMemberKind.Packet:
                    output.Line("/// <summary>The packet of the event's sk_buff: addresses, ports, protocol, device, network namespace and first bytes.</summary>");
                    output.Line($"public {PacketView} {member.Name} => {ContextProperty}.Packet;");
                    break;
            }
        }
    }

    /// <summary>The members of the owned record (which holds <c>_context</c> as an array and <c>_layout</c>).</summary>
    public static void WriteOwned(SourceWriter output, IReadOnlyList<ContextMember> members, string viewName)
    {
        output.Line();
        output.Line($"/// <inheritdoc cref=\"{viewName}.{ContextProperty}\"/>");
        output.Line($"public {RecordContext} {ContextProperty} => new {RecordContext}(_context, _layout.Context);");
        foreach (ContextMember member in members)
        {
            output.Line();
            output.Line($"/// <inheritdoc cref=\"{viewName}.{member.Name}\"/>");
            output.Line(member.Kind switch
            {
                ContextMemberKind.Command => $"public string {member.Name} => {ContextProperty}.Command.ToString();",
                ContextMemberKind.CgroupId => $"public ulong {member.Name} => {ContextProperty}.CgroupId;",
                ContextMemberKind.UserString => $"public string {member.Name} => {ContextProperty}.UserString({member.Index.ToString(CultureInfo.InvariantCulture)}).ToString();",
                _ => $"public {PacketView} {member.Name} => {ContextProperty}.Packet;",
            });
        }
    }

    /// <summary>The arguments of a probe's definition for what it captures (<c>, members: ..., packet: true</c>), or empty.</summary>
    public static string ProbeArguments(ProbeEventSpec details)
    {
        string text = "";
        if (details.Members.Count > 0)
        {
            var literals = new List<string>();
            foreach (string member in details.Members)
                literals.Add(CSharpNames.StringLiteral(member));
            text += ", members: new string[] { " + string.Join(", ", literals) + " }";
        }
        if (details.Packet)
            text += ", packet: true";
        return text;
    }

    /// <summary>The argument of the probe set's definition for its process context (<c>, process: ...</c>), or empty.</summary>
    public static string ProcessArgument(ProbeSetSpec probeSet) =>
        probeSet.Process == ProcessContext.None ? "" : $", process: (global::TpGen.Context.ProcessContext){((int)probeSet.Process).ToString(CultureInfo.InvariantCulture)}";

    private static string Unique(string name, HashSet<string> used)
    {
        string unique = name;
        for (int i = 2; !used.Add(unique); i++)
            unique = name + i.ToString(CultureInfo.InvariantCulture);
        return unique;
    }
}

/// <summary>One context member of a generated event type.</summary>
/// <param name="Name">The property's name.</param>
/// <param name="Kind">What it gives.</param>
/// <param name="Index">For a user string, its index among the event's.</param>
/// <param name="Source">What it comes from (the field a user string is pointed to by).</param>
internal sealed record ContextMember(string Name, ContextMemberKind Kind, int Index, string Source);

/// <summary>What a context member gives.</summary>
internal enum ContextMemberKind
{
    Command,
    CgroupId,
    UserString,
    Packet,
}
