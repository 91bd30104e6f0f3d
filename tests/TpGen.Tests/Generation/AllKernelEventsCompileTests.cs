using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using TpGen.Emitters.CSharp;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Generation;

public sealed class AllKernelEventsCompileTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryTracepointOfThisKernel_GeneratesCSharpThatCompilesWithoutWarnings()
    {
        string events = KernelFacility.RequireTracefs();
        EventsDirectoryResult all = Tracefs.ReadAll(events);
        Assert.DoesNotContain(all.Diagnostics, d => d.IsError);

        // One probe set per system, every event of the system on it, all in one generator run.
        var source = new StringBuilder("namespace AllEvents;\n");
        foreach (IGrouping<string, TracepointSchema> system in all.Events.GroupBy(e => e.System))
        {
            foreach (TracepointSchema schema in system)
                source.Append($"[TpGen.Tracepoint(\"{schema.System}\", \"{schema.Name}\")]\n");
            source.Append($"public partial class {CSharpNames.ToPascalCase(system.Key)}Events {{ }}\n");
        }
        var formats = all.Events.Select(e => new FormatInput($"/sys/kernel/tracing/events/{e.System}/{e.Name}/format",
            File.ReadAllText(Path.Combine(events, e.System, e.Name, "format")), "tracefs")).ToArray();

        var clock = Stopwatch.StartNew();
        GeneratorOutcome outcome = GeneratorHarness.Run(GeneratorHarness.Compilation(source.ToString()), formats);
        long generated = clock.ElapsedMilliseconds;
        List<Diagnostic> problems = outcome.CompileProblems.ToList();
        long compiled = clock.ElapsedMilliseconds - generated;

        int fallbacks = outcome.GeneratorDiagnostics.Count(d => d.Id == "TPGEN0040");
        output.WriteLine($"checked {all.Events.Count} events: parsed {all.Events.Count}, C# compiled {all.Events.Count}, " +
                         $"{fallbacks} print with a field list; generator {generated} ms, compile {compiled} ms");
        foreach (Diagnostic note in outcome.GeneratorDiagnostics.Where(d => d.Id == "TPGEN0040"))
            output.WriteLine("  " + note.GetMessage());
        Assert.Empty(outcome.Errors);
        Assert.DoesNotContain(outcome.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Empty(problems.Select(p => p.ToString()).Take(20));
        Assert.Equal(all.Events.Select(e => e.System).Distinct().Count(), outcome.Result.GeneratedTrees.Length);
    }
}
