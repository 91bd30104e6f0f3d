using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Emitters.Bpf;
using TpGen.Frontends.Tracefs;
using TpGen.Probes;
using TpGen.Schema;

namespace TpGen.Tool.Checking;

/// <summary>
/// The BPF stages of <c>tpgen check</c>: each system's events as one probe set (as a build with
/// many events makes one object) compiled with clang; then every event loaded, verified and
/// attached on the running kernel. When a set fails, its events are retried one by one so the
/// failure names the event.
/// </summary>
internal sealed class BpfStage(string objectDirectory, IProgress<string> progress)
{
    public int Compiled { get; private set; }

    public int Loaded { get; private set; }

    /// <summary>Compiles every system's probe set; returns the definitions that compiled.</summary>
    public IReadOnlyList<ProbeSetDefinition> Compile(IReadOnlyList<TracepointSchema> events, List<CheckFailure> failures)
    {
        var groups = events.GroupBy(e => e.System).ToList();
        var definitions = new ConcurrentBag<ProbeSetDefinition>();
        var errors = new ConcurrentBag<CheckFailure>();
        int done = 0;
        Parallel.ForEach(groups, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, group =>
        {
            List<TracepointSchema> members = group.ToList();
            ProbeSetDefinition definition = Define("check." + group.Key, members);
            try
            {
                BpfCompiler.Compile(definition.BpfSource, ObjectPath(definition));
                definitions.Add(definition);
            }
            catch (ProbeException)
            {
                // Find which events clang rejects: each on its own.
                foreach (TracepointSchema schema in members)
                {
                    ProbeSetDefinition single = Define("check." + group.Key + "." + schema.Name, [schema]);
                    try
                    {
                        BpfCompiler.Compile(single.BpfSource, ObjectPath(single));
                        definitions.Add(single);
                    }
                    catch (ProbeException e)
                    {
                        errors.Add(new CheckFailure(schema.FullName, CheckStage.BpfCompile, e.Message));
                    }
                }
            }
            progress.Report($"BPF compiled {Interlocked.Increment(ref done)}/{groups.Count} systems");
        });
        failures.AddRange(errors);
        Compiled = definitions.Sum(d => d.Probes.Count);
        return definitions.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Loads and attaches every event, a system at a time (in sets the shared object holds: no
    /// compiler needed, so this runs where clang does not), then detaches; a set that fails is
    /// retried event by event so the failure names the event.
    /// </summary>
    public void Load(IReadOnlyList<TracepointSchema> events, List<CheckFailure> failures)
    {
        var options = new ProbeOptions { RingBufferSize = 1 << 16, LostRecordsLog = null };
        var sets = events.GroupBy(e => e.System)
            .SelectMany(system => system.Select((e, i) => (e, i)).GroupBy(p => p.i / ProbeSetDefinition.SharedObjectCapacity, p => p.e))
            .Select(chunk => chunk.ToList())
            .ToList();
        int done = 0;
        foreach (List<TracepointSchema> set in sets)
        {
            if (TryAttach(Define("check." + set[0].System, set), options, out _))
            {
                Loaded += set.Count;
            }
            else
            {
                foreach (TracepointSchema schema in set)
                {
                    if (TryAttach(Define("check." + schema.System, [schema]), options, out ProbeException? error))
                        Loaded++;
                    else
                        failures.Add(new CheckFailure(schema.FullName, CheckStage.Load, error!.Message));
                }
            }
            progress.Report($"loaded {++done}/{sets.Count} sets");
        }
    }

    private static bool TryAttach(ProbeSetDefinition definition, ProbeOptions options, out ProbeException? error)
    {
        try
        {
            using ProbeSet probes = ProbeSet.Attach(definition, options);
            error = null;
            return true;
        }
        catch (ProbeException e)
        {
            error = e;
            return false;
        }
    }

    private string ObjectPath(ProbeSetDefinition definition) => Path.Combine(objectDirectory, definition.ObjectFileName);

    private static ProbeSetDefinition Define(string name, IReadOnlyList<TracepointSchema> events) =>
        ProbeSetDefinition.FromProbes(name, events.Select(e => new ProbeDefinition(e.System, e.Name, FormatFileWriter.Write(e))).ToList());
}
