using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using TpGen.Context;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Build;

public sealed partial class GatherTracepointFormats
{
    /// <summary>
    /// Describes the tp_btf events the source asks for (<c>[Tracepoint("tp_btf", "kfree_skb", Members
    /// = ...)]</c>) from BTF, the only place their prototype is, with a field for each struct member
    /// any attribute captures (the union, when several ask for the same event); takes them out of
    /// <paramref name="wanted"/>, so no other source is asked for them.
    /// </summary>
    private void GatherBtfTracepoints(SortedSet<RequestedEvent> wanted, List<ITaskItem> formats)
    {
        var requests = wanted.Where(e => BtfTracepoints.IsBtf(e.System)).ToList();
        wanted.ExceptWith(requests);
        var folder = new FormatFolder(Path.Combine(OutputDirectory, "tp_btf"));
        if (requests.Count == 0)
        {
            folder.RemoveOthers();
            return;
        }
        string path = string.IsNullOrWhiteSpace(Btf) ? KernelBtf.VmlinuxPath : Btf!;
        if (Mode(UseBtf) == "false")
        {
            foreach (RequestedEvent request in requests)
                folder.WriteUnavailable(request.System, request.Name, $"tp_btf events are described by BTF, and TpGenUseBtf is false. Commit a snapshot (tpgen pull {request.Key} --out Tracepoints) or let the build read BTF.");
            folder.RemoveOthers();
            Add(formats, folder, "btf");
            return;
        }
        string stamp = FormatFolder.Stamp(Describe(path) + "\n" + string.Join(",", requests.Select(r => r.Key + "{" + r.Members + "}")));
        if (folder.IsCurrent(stamp, out List<BuildLogEntry> said))
        {
            Say(said);
            Add(formats, folder, "btf");
            return;
        }

        var log = new List<BuildLogEntry>();
        BtfData? btf = null;
        try
        {
            btf = KernelBtf.Read(path);
        }
        catch (Exception e) when (e is KernelBtfException or FormatParseException)
        {
            log.Add(new BuildLogEntry(true, "TPGEN0104", path, $"TpGen: cannot use BTF: {e.Message}"));
        }
        foreach (IGrouping<string, RequestedEvent> request in requests.GroupBy(r => r.Name))
        {
            string key = BtfTracepoints.System + ":" + request.Key;
            if (btf is null)
            {
                folder.WriteUnavailable(BtfTracepoints.System, request.Key, $"tp_btf events are described by BTF, and BTF {path} cannot be read");
                continue;
            }
            if (!BtfTracepoints.Has(btf, request.Key))
            {
                IReadOnlyList<string> nearest = NearestNames.Find(request.Key, BtfTracepoints.Names(btf));
                string near = nearest.Count == 0 ? "" : "; did you mean " + string.Join(" or ", nearest.Select(n => "'" + n + "'"));
                folder.WriteUnavailable(BtfTracepoints.System, request.Key, $"BTF {path} has no tracepoint '{request.Key}' (no typedef {BtfTracepoints.TypedefPrefix}{request.Key}){near}. 'tpgen list tp_btf:*' lists those it has.");
                continue;
            }
            var members = new List<MemberPath>();
            var unresolved = new List<MemberPathException>();
            foreach (string text in request.SelectMany(r => r.Members.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal))
            {
                // A path that does not parse is left to the generator, which reports it at the attribute.
                if (MemberPath.TryParse(text, out MemberPath? member, out _, out _) && !members.Contains(member!))
                    members.Add(member!);
            }
            try
            {
                TracepointSchema schema = BtfPrintFormat.WithFieldList(BtfTracepoints.Read(btf, request.Key, members, unresolved));
                folder.Write(BtfTracepoints.System, request.Key, FormatFileWriter.Write(schema));
                string captured = members.Count == unresolved.Count ? "" : $", capturing {string.Join(", ", members.Where(m => !unresolved.Any(u => u.Path == m.Text)))}";
                log.Add(new BuildLogEntry(false, "", "", $"TpGen: {key} from BTF {path} (its arguments{captured}); {BtfPrintFormat.Synthesized}."));
                foreach (MemberPathException problem in unresolved)
                    log.Add(new BuildLogEntry(true, "TPGEN0109", path, $"TpGen: {key} cannot capture {problem.Message} in BTF {path}"));
            }
            catch (FormatParseException e)
            {
                folder.WriteUnavailable(BtfTracepoints.System, request.Key, $"BTF {path} does not describe it as TpGen can read it: {e.Message}");
            }
        }
        Say(log);
        folder.RemoveOthers();
        folder.Seal(stamp, log);
        Add(formats, folder, "btf");
    }
}
