using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Emitters;

/// <summary>
/// Everything the emitters need to write one probe set: where the user's class lives and the
/// schemas of its events, in attribute order. Plain data, so the generator can cache it.
/// </summary>
/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">Types the class is nested in, outermost first.</param>
/// <param name="TypeName">The class's name.</param>
/// <param name="Events">The events, in the order of the attributes.</param>
/// <param name="TypeKeyword">How the class is declared: <c>class</c>, or <c>record</c> for a record class.</param>
/// <param name="EventDetails">Per event, the kernels it was described from and how it attaches; empty for one description each, from the build machine, attached unconditionally.</param>
/// <param name="Aggregations">What the kernel aggregates over the events (checked against them), in declaration order.</param>
/// <param name="Process">What every record carries about the process the event fired in (<c>[ProcessContext]</c>).</param>
public sealed record ProbeSetSpec(
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string TypeName,
    EquatableArray<TracepointSchema> Events,
    string TypeKeyword = "class",
    EquatableArray<ProbeEventSpec> EventDetails = default,
    EquatableArray<Aggregations.AggregationSpec> Aggregations = default,
    Context.ProcessContext Process = Context.ProcessContext.None)
{
    /// <summary>How event <paramref name="index"/> was described and is attached.</summary>
    public ProbeEventSpec DetailsOf(int index) =>
        EventDetails.Count == Events.Count ? EventDetails[index] : ProbeEventSpec.Single(Events[index]);

    /// <summary>The probe set's full name: namespace, containing types and class, e.g. <c>App.SkbDrops</c>.</summary>
    public string FullName => Namespace is null ? QualifiedName : Namespace + "." + QualifiedName;

    /// <summary>The class's name with its containing types, e.g. <c>Outer.SkbDrops</c>.</summary>
    public string QualifiedName
    {
        get
        {
            var name = new System.Text.StringBuilder();
            foreach (ContainingTypeSpec type in ContainingTypes)
                name.Append(type.Name).Append('.');
            return name.Append(TypeName).ToString();
        }
    }
}

/// <summary>How one event of a probe set was described and is attached.</summary>
/// <param name="Kernels">The kernels whose descriptions the build merged, the first leading; an empty name stands for the build machine's.</param>
/// <param name="Descriptions">Each kernel's description in the tracefs format, in the same order.</param>
/// <param name="Optional">Whether attaching skips the event, and says so, where the running kernel lacks it.</param>
/// <param name="Filter">A filter in TpGen's filter language, applied in the kernel, or null.</param>
/// <param name="Members">For a tp_btf event, the kernel struct members captured into each record (<c>skb-&gt;dev-&gt;ifindex</c>).</param>
/// <param name="Packet">Whether each record carries the packet of the event's sk_buff.</param>
public sealed record ProbeEventSpec(EquatableArray<string> Kernels, EquatableArray<string> Descriptions, bool Optional = false, string? Filter = null, EquatableArray<string> Members = default, bool Packet = false)
{
    /// <summary>One description, of the build machine's kernel.</summary>
    public static ProbeEventSpec Single(TracepointSchema schema) =>
        new(new EquatableArray<string>(new[] { "" }), new EquatableArray<string>(new[] { Frontends.Tracefs.FormatFileWriter.Write(schema) }));
}

/// <summary>A type that encloses the probe set class.</summary>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The type's name, with type parameters if any, e.g. <c>Outer</c>.</param>
public sealed record ContainingTypeSpec(string Keyword, string Name);
