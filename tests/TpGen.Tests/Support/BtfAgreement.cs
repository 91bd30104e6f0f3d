using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using TpGen.Frontends.Btf;
using TpGen.Schema;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// Compares what BTF says about every event with what tracefs says, field by field, and sorts
/// every difference into a named category with its reason, or into the unexplained ones.
/// </summary>
internal sealed class BtfAgreement
{
    // Not compared: BTF does not describe these events, or not which class they use.
    public const string SyscallEvents = "syscalls:* events come from the syscall metadata tables (SYSCALL_DEFINE), not a trace event class: BTF has only raw_syscalls' struct trace_event_raw_sys_enter (long id; unsigned long args[6]) and _sys_exit";
    public const string FtraceEvents = "ftrace:* events are ftrace's own entries (kernel/trace/trace_entries.h), which have no struct trace_event_raw_*";
    public const string AmbiguousClass = "DEFINE_EVENT whose prototype several classes share: BTF does not say which class it uses, so none is chosen";
    public const string NoMatchingClass = "DEFINE_EVENT with no class of its prototype: the class must come from a snapshot, tracefs or the headers";
    public const string NotInBtf = "tracepoint not in vmlinux BTF (a module's event; module BTF is not read)";

    // Compared, and different only where BTF cannot know better.
    public const string DynamicArrayWithoutHint = "__data_loc array read as a string: BTF has only the u32 location word; with the tracefs schema as hint it agrees";
    public const string UnsignedSpelling = "type text: the source wrote 'unsigned', which is 'unsigned int' in BTF";
    public const string Whitespace = "type text: the source's spacing ('const void*'); the type is the same";
    public const string AddressSpace = "type text: an address-space qualifier (__seg_gs, __user, ...) the compiler does not put in BTF";

    private static readonly HashSet<string> AddressSpaceWords = new(StringComparer.Ordinal)
    {
        "__user", "__kernel", "__iomem", "__percpu", "__rcu", "__force", "__seg_gs", "__seg_fs", "__private",
    };

    public int Events { get; private set; }

    public int Compared { get; private set; }

    /// <summary>Events whose fields all agree in name, offset, size, sign, kind and element size and count, without hints.</summary>
    public int AgreeInLayout { get; private set; }

    /// <summary>Events equal in every respect, C type text included.</summary>
    public int Identical { get; private set; }

    /// <summary>Events that agree in layout once the tracefs schema gives the dynamic fields' types.</summary>
    public int AgreeWithHints { get; private set; }

    public Dictionary<BtfClassEvidence, int> ComparedBy { get; } = new();

    public int AmbiguousWithAnAgreeingCandidate { get; private set; }

    public SortedDictionary<string, List<string>> Explained { get; } = new(StringComparer.Ordinal);

    public List<string> Unexplained { get; } = new();

    public static BtfAgreement Measure(BtfData btf, IEnumerable<TracepointSchema> tracefsEvents)
    {
        var report = new BtfAgreement();
        var catalog = new BtfEventCatalog(btf);
        var tracepoints = new HashSet<string>(catalog.Tracepoints, StringComparer.Ordinal);
        foreach (TracepointSchema tracefs in tracefsEvents)
        {
            report.Events++;
            BtfClassMatch match = catalog.FindClass(tracefs.Name);
            if (match.ClassName is null)
            {
                string category =
                    tracefs.System == "syscalls" ? SyscallEvents :
                    tracefs.System == "ftrace" ? FtraceEvents :
                    match.Evidence == BtfClassEvidence.Ambiguous ? AmbiguousClass :
                    tracepoints.Contains(tracefs.Name) ? NoMatchingClass : NotInBtf;
                report.Note(category, tracefs.FullName + (match.Candidates.Count > 0 ? " (" + string.Join(", ", match.Candidates) + ")" : ""));
                if (match.Evidence == BtfClassEvidence.Ambiguous && match.Candidates.Any(c => LayoutDifferences(btf, tracefs, c, hinted: true).Count == 0))
                    report.AmbiguousWithAnAgreeingCandidate++;
                continue;
            }

            report.Compared++;
            report.ComparedBy[match.Evidence] = report.ComparedBy.GetValueOrDefault(match.Evidence) + 1;
            string how = match.IsGuess ? $" [class {match.ClassName}, guessed]" : "";

            TracepointSchema fromBtf = BtfSchemaReader.Read(btf, tracefs.System, tracefs.Name, match.ClassName);
            Assert.Null(fromBtf.PrintFmt);
            bool identical = fromBtf.Fields.Equals(tracefs.Fields);
            bool layout = true;
            if (fromBtf.Fields.Count != tracefs.Fields.Count)
            {
                layout = false;
                report.Unexplained.Add($"{tracefs.FullName}{how}: BTF has {fromBtf.Fields.Count} fields ({Names(fromBtf)}), tracefs {tracefs.Fields.Count} ({Names(tracefs)})");
            }
            else
            {
                for (int i = 0; i < tracefs.Fields.Count; i++)
                {
                    FieldSpec b = fromBtf.Fields[i], t = tracefs.Fields[i];
                    if (b == t)
                        continue;
                    string where = $"{tracefs.FullName}{how}: {t.Name}: BTF '{b.Type.Text}' vs tracefs '{t.Type.Text}'";
                    if (Layout(b) != Layout(t))
                    {
                        layout = false;
                        bool hintable = t.Location != DynamicLocation.None && b.Kind == FieldKind.DynamicString && t.Kind == FieldKind.DynamicArray &&
                                        (b.Name, b.Offset, b.Size, b.IsCommon) == (t.Name, t.Offset, t.Size, t.IsCommon);
                        if (hintable)
                            report.Note(DynamicArrayWithoutHint, where);
                        else
                            report.Unexplained.Add($"{where}: BTF {Layout(b)} vs tracefs {Layout(t)}");
                        continue;
                    }
                    string? reason = ExplainText(b.Type.Text, t.Type.Text);
                    if (reason is null)
                        report.Unexplained.Add($"{where}: the type text differs ({b.Type} vs {t.Type})");
                    else
                        report.Note(reason, where);
                }
            }

            List<string> hinted = LayoutDifferences(btf, tracefs, match.ClassName, hinted: true);
            foreach (string difference in hinted)
                report.Unexplained.Add($"{tracefs.FullName}{how}, with hints: {difference}");
            report.AgreeWithHints += hinted.Count == 0 ? 1 : 0;
            report.AgreeInLayout += layout ? 1 : 0;
            report.Identical += identical ? 1 : 0;
        }
        return report;
    }

    public void WriteTo(ITestOutputHelper output, string title)
    {
        output.WriteLine($"{title}: {Events} tracefs events; {Compared} compared with BTF ({string.Join(", ", ComparedBy.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))})");
        output.WriteLine($"  agree in every field's name, offset, size, sign and kind: {AgreeInLayout}; with the dynamic fields' types as hints: {AgreeWithHints}; identical, type text included: {Identical}");
        output.WriteLine($"  unexplained differences: {Unexplained.Count}");
        foreach (string line in Unexplained)
            output.WriteLine("    " + line);
        foreach (var (category, lines) in Explained)
        {
            // Every difference is listed; of the hundreds of syscall events, a few examples.
            int shown = category == SyscallEvents ? 8 : lines.Count;
            output.WriteLine($"  explained: {lines.Count} x {category}");
            foreach (string line in lines.Take(shown))
                output.WriteLine("    " + line);
            if (lines.Count > shown)
                output.WriteLine($"    ... and {lines.Count - shown} more");
        }
        if (Explained.TryGetValue(AmbiguousClass, out List<string>? ambiguous))
            output.WriteLine($"  of the {ambiguous.Count} ambiguous events, {AmbiguousWithAnAgreeingCandidate} have a candidate class whose layout agrees with tracefs");
    }

    public int Count(string category) => Explained.TryGetValue(category, out List<string>? lines) ? lines.Count : 0;

    private void Note(string category, string line)
    {
        if (!Explained.TryGetValue(category, out List<string>? lines))
            Explained.Add(category, lines = new List<string>());
        lines.Add(line);
    }

    private static (string, int, int, bool, FieldKind, int, int, bool) Layout(FieldSpec f) =>
        (f.Name, f.Offset, f.Size, f.IsSigned, f.Kind, f.ElementSize, f.ElementCount, f.IsCommon);

    private static List<string> LayoutDifferences(BtfData btf, TracepointSchema tracefs, string className, bool hinted)
    {
        TracepointSchema fromBtf = BtfSchemaReader.Read(btf, tracefs.System, tracefs.Name, className, hinted ? DynamicFieldHints.FromSchema(tracefs) : null);
        var differences = new List<string>();
        if (fromBtf.Fields.Count != tracefs.Fields.Count)
        {
            differences.Add($"BTF has {fromBtf.Fields.Count} fields, tracefs {tracefs.Fields.Count}");
            return differences;
        }
        for (int i = 0; i < tracefs.Fields.Count; i++)
        {
            FieldSpec b = fromBtf.Fields[i], t = tracefs.Fields[i];
            if (Layout(b) != Layout(t) || t.Location != DynamicLocation.None && b.Type != t.Type)
                differences.Add($"{t.Name}: BTF {Layout(b)} '{b.Type.Text}' vs tracefs {Layout(t)} '{t.Type.Text}'");
        }
        return differences;
    }

    private static string Names(TracepointSchema schema) => string.Join(" ", schema.Fields.Select(f => f.Name));

    /// <summary>Why two spellings of one type differ, or null when they are different types.</summary>
    private static string? ExplainText(string fromBtf, string fromTracefs)
    {
        List<string> b = Tokens(fromBtf), t = Tokens(fromTracefs);
        if (b.SequenceEqual(t))
            return Whitespace;
        var withoutAddressSpace = t.Where(w => !AddressSpaceWords.Contains(w)).ToList();
        if (b.SequenceEqual(withoutAddressSpace))
            return AddressSpace;
        var unsignedInt = new List<string>();
        for (int i = 0; i < t.Count; i++)
        {
            unsignedInt.Add(t[i]);
            if (t[i] == "unsigned" && (i + 1 == t.Count || t[i + 1] is not ("int" or "long" or "short" or "char")))
                unsignedInt.Add("int");
        }
        return b.SequenceEqual(unsignedInt) ? UnsignedSpelling : null;
    }

    private static List<string> Tokens(string text) =>
        Regex.Matches(text, @"[A-Za-z_][A-Za-z_0-9]*|[0-9]+|\S").Select(m => m.Value).ToList();
}
