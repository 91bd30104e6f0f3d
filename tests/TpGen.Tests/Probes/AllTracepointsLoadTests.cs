using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TpGen.Emitters.Bpf;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Probes;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Probes;

[Collection(KernelCollection.Name)]
public sealed class AllTracepointsLoadTests(ITestOutputHelper output)
{
    [Fact]
    public void TheBpfProgramsOfEveryTracepoint_CompilePassTheVerifierAndAttach()
    {
        KernelFacility.RequireBpf();
        string clang = BpfCompiler.FindClang() ?? throw new InvalidOperationException("clang is needed (apt-get install clang-14)");
        EventsDirectoryResult all = Tracefs.ReadAll(Tracefs.EventsDirectory);
        // ftrace's own events are the tracer's records, not tracepoints: nothing can attach to them.
        var systems = all.Events.Where(e => e.System != "ftrace").GroupBy(e => e.System).ToList();
        string objects = Path.Combine(Path.GetTempPath(), "tpgen-all-" + Guid.NewGuid().ToString("N"));
        var failures = new ConcurrentBag<string>();
        var definitions = new ConcurrentBag<ProbeSetDefinition>();
        var clock = Stopwatch.StartNew();
        try
        {
            // One object per system, the way a probe set with many events is built; clang runs on both cores.
            Parallel.ForEach(systems, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, system =>
            {
                List<TracepointSchema> events = system.ToList();
                string source = BpfEmitter.Emit("All." + system.Key, events);
                var definition = new ProbeSetDefinition("All." + system.Key, source, BpfEmitter.Hash(source),
                    events.Select(e => new ProbeDefinition(e.System, e.Name, FormatFileWriter.Write(e))).ToList());
                try
                {
                    BpfCompiler.Compile(source, Path.Combine(objects, definition.ObjectFileName), clang);
                    definitions.Add(definition);
                }
                catch (ProbeException e)
                {
                    failures.Add($"{system.Key}: compile: {e.Message}");
                }
            });
            long compileMs = clock.ElapsedMilliseconds;

            int loaded = 0;
            var options = new ProbeOptions { ObjectDirectory = objects, RingBufferSize = 1 << 16 };
            foreach (ProbeSetDefinition definition in definitions.OrderBy(d => d.Name))
            {
                try
                {
                    using ProbeSet probes = ProbeSet.Attach(definition, options);
                    loaded += definition.Probes.Count;
                }
                catch (ProbeException e)
                {
                    failures.Add($"{definition.Name}: {e.Failure}: {e.Message}");
                }
            }

            int events = systems.Sum(s => s.Count());
            int compiled = definitions.Sum(d => d.Probes.Count);
            output.WriteLine($"{events} tracepoints in {systems.Count} systems: BPF compiled {compiled}, loaded and attached {loaded}, failures {failures.Count}; " +
                             $"clang {compileMs / 1000.0:0.0} s, load and attach {(clock.ElapsedMilliseconds - compileMs) / 1000.0:0.0} s");
            foreach (string failure in failures)
                output.WriteLine("  " + failure);
            Assert.Empty(failures);
            Assert.Equal(events, compiled);
            Assert.Equal(events, loaded);
        }
        finally
        {
            if (Directory.Exists(objects))
                Directory.Delete(objects, recursive: true);
        }
    }
}
