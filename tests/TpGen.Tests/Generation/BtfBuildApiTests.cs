using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Emitters.CSharp;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Generation;

/// <summary>
/// A build from BTF (no root) and a build from tracefs (root) of the same kernel must give users
/// the same API. The generator runs over every event both describe, once with the kernel's format
/// files and once with what the build makes from BTF, and the public members of the generated
/// types are compared; every difference must fall into a category whose reason is BTF's, below.
/// </summary>
public sealed class BtfBuildApiTests(ITestOutputHelper output)
{
    /// <summary>The print fmt names a plain integer's values (tcp's family, irq's vec, kmem's gfp_flags): BTF has no print fmt, so the BTF build has the integer.</summary>
    private const string PrintFmtOnlyNames = "values named only by the print fmt (the field is a plain integer; BTF has no print fmt)";

    /// <summary>An enum-typed field: the print fmt chooses its own names and lists the values it wants; the BTF build names every enumerator, less the enum's prefix.</summary>
    private const string EnumMembers = "an enum's members (the print fmt chose other names for some values, or left values out)";

    /// <summary>An enum-typed field the kernel's print fmt prints as a number (pagemap's lru): BTF names its values, a format file carries no enums.</summary>
    private const string EnumPrintedAsNumber = "an enum-typed field the print fmt prints as a number (BTF names its values; a format carries no enums)";

    /// <summary>A __data_loc array: BTF has only its u32 location word, read as a string.</summary>
    private const string DynamicArray = "__data_loc array read as a string (BTF has only the location word)";

    [Fact]
    public void EveryEventBothDescribe_HasTheSamePublicApiFromBtfAsFromTracefs_ExceptWhereBtfLacksThePrintFmt()
    {
        BtfData btf = KernelBtfs.ThisKernel();
        string eventsDirectory = KernelFacility.RequireTracefs();
        var catalog = new BtfEventCatalog(btf);
        var pairs = new List<(TracepointSchema Tracefs, TracepointSchema Btf)>();
        foreach (TracepointSchema schema in Tracefs.ReadAll(eventsDirectory).Events)
        {
            // As the build reads BTF (GatherTracepointFormats): the class BTF names or the one it guesses, no hints.
            if (catalog.FindClass(schema.Name).ClassName is not { } className)
                continue;
            pairs.Add((schema, BtfPrintFormat.WithFieldList(BtfSchemaReader.Read(btf, schema.System, schema.Name, className))));
        }
        var fromBtfByName = pairs.ToDictionary(p => p.Btf.FullName, p => p.Btf);
        // As the build reads tracefs: with the values BTF gives the constants the print fmts name.
        IReadOnlyDictionary<string, long> constants = BtfSchemaReader.EnumConstants(btf);
        Dictionary<string, EventApi> tracefsApi = GeneratedApi.Of(pairs.Select(p => p.Tracefs).ToList(),
            s => KernelConstants.ResolveFormatText(File.ReadAllText(Path.Combine(eventsDirectory, s.System, s.Name, "format")), s.System, s.Name, constants), "tracefs");
        Dictionary<string, EventApi> btfApi = GeneratedApi.Of(pairs.Select(p => p.Btf).ToList(), s => FormatFileWriter.Write(fromBtfByName[s.FullName]), "btf");

        var explained = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var unexplained = new List<string>();
        int identical = 0;
        foreach ((TracepointSchema tracefs, _) in pairs)
        {
            List<(string Category, string Detail)> differences = Compare(tracefs, tracefsApi[tracefs.FullName], btfApi[tracefs.FullName]);
            identical += differences.Count == 0 ? 1 : 0;
            foreach ((string category, string detail) in differences)
            {
                if (category.Length == 0)
                    unexplained.Add($"{tracefs.FullName}: {detail}");
                else
                    (explained.TryGetValue(category, out List<string>? lines) ? lines : explained[category] = []).Add($"{tracefs.FullName}: {detail}");
            }
        }

        output.WriteLine($"{pairs.Count} events both describe; {identical} with identical public APIs; {unexplained.Count} unexplained differences");
        foreach (string line in unexplained.Take(50))
            output.WriteLine("  " + line);
        foreach ((string category, List<string> lines) in explained)
        {
            output.WriteLine($"explained: {lines.Count} x {category}");
            foreach (string line in lines.Take(category == PrintFmtOnlyNames ? 15 : 60))
                output.WriteLine("  " + line);
        }
        Assert.Empty(unexplained);
        Assert.True(pairs.Count > 1000, $"only {pairs.Count} events compared");
        // The reason enums users write against have the kernel's names in both builds.
        Assert.Contains("NO_SOCKET = 3", tracefsApi["skb:kfree_skb"].Enums["SkbDropReason"].Members);
        Assert.Contains("NO_SOCKET = 3", btfApi["skb:kfree_skb"].Enums["SkbDropReason"].Members);
        Assert.Contains("NO_SOCKET = 1", btfApi["tcp:tcp_send_reset"].Enums["SkRstReason"].Members);
        Assert.Equal(tracefsApi["tcp:tcp_send_reset"].Enums["SkRstReason"].Members, btfApi["tcp:tcp_send_reset"].Enums["SkRstReason"].Members);
        // The enums whose print fmt names differ from their enumerators (kfence for ERROR_DETECTOR_KFENCE,
        // MIGRATE_ASYNC kept whole, Normal for ZONE_NORMAL, ABS_PINNED for the PINNED it equals, ...): measured 11 on 6.18.
        var enums = (explained.GetValueOrDefault(EnumMembers) ?? []).Select(line => line.Split(": ")[1]).Distinct().ToList();
        Assert.True(enums.Count <= 11, $"{enums.Count} enums differ: {string.Join(", ", enums)}");
    }

    /// <summary>Each difference between the two APIs of one event, with its category ("" when none explains it).</summary>
    private static List<(string Category, string Detail)> Compare(TracepointSchema schema, EventApi tracefs, EventApi btf)
    {
        var differences = new List<(string, string)>();
        var enumsCovered = new HashSet<string>(StringComparer.Ordinal);
        foreach (string member in tracefs.Members.Keys.Union(btf.Members.Keys).Order(StringComparer.Ordinal))
        {
            string? a = tracefs.Members.GetValueOrDefault(member), b = btf.Members.GetValueOrDefault(member);
            if (a == b)
                continue;
            if (a is null || b is null)
            {
                // A field with named values has a ...Name property beside it: it follows the field's enum.
                string named = member.Substring(member.IndexOf('.') + 1);
                FieldSpec? valuesOf = named.EndsWith("Name", StringComparison.Ordinal)
                    ? schema.Fields.FirstOrDefault(f => CSharpNames.Escape(CSharpNames.ToPascalCase(f.Name)) + "Name" == named)
                    : null;
                if (valuesOf is not null && a is not null && !valuesOf.Type.IsEnum)
                {
                    if (member.StartsWith("View.", StringComparison.Ordinal))
                        differences.Add((PrintFmtOnlyNames, $"{valuesOf.Name}Name ({valuesOf.Type.Text}): the name of a value only tracefs names"));
                }
                else if (valuesOf is not null && b is not null && valuesOf.Type.IsEnum)
                {
                    if (member.StartsWith("View.", StringComparison.Ordinal))
                        differences.Add((EnumPrintedAsNumber, $"{valuesOf.Name}Name ({valuesOf.Type.Text}): the name of a value only BTF names"));
                }
                else
                {
                    differences.Add(("", $"{member} only from {(a is null ? "BTF" : "tracefs")}: {a ?? b}"));
                }
                continue;
            }
            string property = member.Substring(member.IndexOf('.') + 1);
            FieldSpec? field = schema.Fields.FirstOrDefault(f => CSharpNames.Escape(CSharpNames.ToPascalCase(f.Name)) == property);
            string? tracefsEnum = tracefs.Enums.Keys.FirstOrDefault(e => a.StartsWith(e + " ", StringComparison.Ordinal));
            string? btfEnum = btf.Enums.Keys.FirstOrDefault(e => b.StartsWith(e + " ", StringComparison.Ordinal));
            if (field is not null && !field.Type.IsEnum && tracefsEnum is not null && btfEnum is null)
            {
                enumsCovered.Add(tracefsEnum);
                if (member.StartsWith("View.", StringComparison.Ordinal))
                    differences.Add((PrintFmtOnlyNames, $"{field.Name} ({field.Type.Text}): {tracefsEnum} from tracefs, {b.Split(' ')[0]} from BTF"));
            }
            else if (field is not null && field.Type.IsEnum && tracefsEnum is null && btfEnum is not null && FieldSymbols.For(schema, field.Name) is null)
            {
                enumsCovered.Add(btfEnum);
                if (member.StartsWith("View.", StringComparison.Ordinal))
                    differences.Add((EnumPrintedAsNumber, $"{field.Name} ({field.Type.Text}): {a.Split(' ')[0]} from tracefs, {btfEnum} from BTF"));
            }
            else if (field is { Kind: FieldKind.DynamicArray } && a.StartsWith("ReadOnlySpan<", StringComparison.Ordinal) && b.Split(' ')[0] is "KernelString" or "string")
            {
                if (member.StartsWith("View.", StringComparison.Ordinal))
                    differences.Add((DynamicArray, $"{field.Name} ({field.Type.Text})"));
            }
            else
            {
                differences.Add(("", $"{member}: '{a}' from tracefs, '{b}' from BTF"));
            }
        }
        foreach (string name in tracefs.Enums.Keys.Union(btf.Enums.Keys).Order(StringComparer.Ordinal))
        {
            if (enumsCovered.Contains(name))
                continue;
            if (!tracefs.Enums.TryGetValue(name, out var a) || !btf.Enums.TryGetValue(name, out var b))
            {
                differences.Add(("", $"enum {name} only from {(tracefs.Enums.ContainsKey(name) ? "tracefs" : "BTF")}"));
                continue;
            }
            if (a.Kind != b.Kind)
                differences.Add(("", $"enum {name} is a {a.Kind} from tracefs, a {b.Kind} from BTF"));
            else if (!a.Members.SetEquals(b.Members))
                differences.Add((EnumMembers, $"{name}: from tracefs only {Few(a.Members.Except(b.Members))}; from BTF only {Few(b.Members.Except(a.Members))}"));
        }
        return differences;
    }

    private static string Few(IEnumerable<string> members)
    {
        List<string> list = members.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list.Take(4)) + (list.Count > 4 ? $" and {list.Count - 4} more" : "");
    }
}
