using System.Linq;
using TpGen.Kernel;
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

        // One probe set per system, every event of the system on it, all in one generator run: the
        // build of this kernel's events that the libtraceevent agreement test prints from, made once.
        CompiledEvents compiled = CompiledEvents.OfEventsDirectory(events);

        output.WriteLine($"checked {all.Events.Count} events: parsed {all.Events.Count}, C# compiled {all.Events.Count}, " +
                         $"{compiled.Fallbacks.Count} print with a field list; generator {compiled.GenerateMilliseconds} ms, compile {compiled.CompileMilliseconds} ms");
        foreach (string note in compiled.Fallbacks.Values)
            output.WriteLine("  " + note);
        // No generator or analyzer errors (asserted as it builds), no generator warnings, and the
        // generated code compiles without warnings.
        Assert.Empty(compiled.GeneratorWarnings);
        Assert.Empty(compiled.CompileProblems.Take(20));
        Assert.Equal(all.Events.Select(e => e.System).Distinct().Count(), compiled.GeneratedFiles);
        Assert.Equal(all.Events.Count, all.Events.Count(e => compiled.Contains(e.FullName)));
    }
}
