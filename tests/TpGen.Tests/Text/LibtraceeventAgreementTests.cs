using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Text;

/// <summary>
/// All of this kernel's events, generated and compiled once for the tests that want them, and
/// libtraceevent holding the same format files, /proc/kallsyms and printk_formats.
/// </summary>
public sealed class AllEventsFixture : IDisposable
{
    private readonly object _gate = new();
    private State? _state;

    internal sealed record State(IReadOnlyList<TracepointSchema> Events, CompiledEvents Compiled, LibTraceEvent Reference,
        IReadOnlySet<string> ParseErrors, SampleRecords Samples, long CompileMilliseconds);

    internal State Get(string eventsDirectory)
    {
        lock (_gate)
            return _state ??= Create(eventsDirectory);
    }

    private static State Create(string eventsDirectory)
    {
        EventsDirectoryResult all = Tracefs.ReadAll(eventsDirectory);
        string Format(TracepointSchema e) => File.ReadAllText(Path.Combine(eventsDirectory, e.System, e.Name, "format"));
        // The same build AllKernelEventsCompileTests asserts compiles without warnings: made once.
        CompiledEvents compiled = CompiledEvents.OfEventsDirectory(eventsDirectory);
        long compile = compiled.GenerateMilliseconds + compiled.CompileMilliseconds;

        LibTraceEvent reference = LibTraceEvent.TryCreate()!;
        string kallsyms = File.ReadAllText("/proc/kallsyms");
        string printk = File.ReadAllText(Path.Combine(Tracefs.Root, "printk_formats"));
        reference.ParseKallsyms(kallsyms);
        reference.ParsePrintkFormats(printk);
        var errors = new HashSet<string>(StringComparer.Ordinal);
        foreach (TracepointSchema e in all.Events)
        {
            if (reference.ParseEvent(Format(e), e.System) != 0)
                errors.Add(e.FullName);
        }

        // Real addresses for pointer fields: inside schedule(), and a string printk_formats lists.
        ulong code = 0;
        foreach (string line in kallsyms.Split('\n'))
        {
            string[] parts = line.Split(' ');
            if (parts.Length >= 3 && parts[1] is "T" or "t" && parts[2] == "schedule")
                code = Convert.ToUInt64(parts[0], 16) + 0x10;
        }
        ulong text = printk.Split('\n').Where(l => l.StartsWith("0x", StringComparison.Ordinal))
            .Select(l => Convert.ToUInt64(l[2..l.IndexOf(' ')], 16)).FirstOrDefault();
        return new State(all.Events, compiled, reference, errors, new SampleRecords(code, text), compile);
    }

    public void Dispose() => _state?.Reference.Dispose();
}

/// <summary>
/// Differential test of the generated event text against libtraceevent, the library trace-cmd
/// and perf print events with: every format of this kernel, a dozen records each. Where the two
/// disagree, a rule in <see cref="KnownDifferences"/> (each one in docs/event-text.md) must say
/// why, conversion by conversion; anything else fails the test. It compiles every event (or takes
/// the compile another test made), which takes both cores for a minute, so it runs alone (with the
/// other kernel tests) rather than beside timing-sensitive tests.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class LibtraceeventAgreementTests(AllEventsFixture fixture, ITestOutputHelper output) : IClassFixture<AllEventsFixture>
{
    [Fact]
    public void EveryEventOfThisKernel_PrintsWhatLibtraceeventPrints_ExceptForTheDocumentedDifferences()
    {
        string events = KernelFacility.RequireTracefs();
        KernelFacility.RequireLibrary(LibTraceEvent.LibraryName, "libtraceevent1", LibTraceEvent.IsAvailable);
        AllEventsFixture.State state = fixture.Get(events);

        int eventsCompared = 0, eventsIdentical = 0, records = 0, identical = 0;
        var undocumented = new List<string>();
        var documented = new SortedDictionary<string, (int Records, HashSet<string> Events)>(StringComparer.Ordinal);
        foreach (TracepointSchema schema in state.Events)
        {
            // Events whose text falls back to a field list (TPGEN0040) say so; they have no print fmt text to compare.
            if (state.Compiled.Fallbacks.ContainsKey(schema.FullName))
                continue;
            eventsCompared++;
            bool allIdentical = true;
            foreach (SampleRecord sample in state.Samples.For(schema))
            {
                records++;
                string ours = state.Compiled.Format(schema.FullName, sample.Bytes) ?? "(record rejected)";
                byte[] theirs = state.Reference.Print(sample.Bytes);
                if (Encoding.UTF8.GetBytes(ours).AsSpan().SequenceEqual(theirs))
                {
                    identical++;
                    continue;
                }
                allIdentical = false;
                string theirText = Encoding.UTF8.GetString(theirs);
                IReadOnlyList<string>? reasons = KnownDifferences.Explain(schema, ours, theirText, state.ParseErrors.Contains(schema.FullName));
                if (reasons is null)
                {
                    undocumented.Add($"{schema.FullName} [{sample.Label}]\n  tpgen:          {ours}\n  libtraceevent:  {theirText}\n  print fmt:      {schema.PrintFmt}");
                    continue;
                }
                foreach (string reason in reasons.Distinct())
                {
                    (int count, HashSet<string> names) = documented.TryGetValue(reason, out var entry) ? entry : (0, new HashSet<string>());
                    names.Add(schema.FullName);
                    documented[reason] = (count + 1, names);
                }
            }
            if (allIdentical)
                eventsIdentical++;
        }

        output.WriteLine($"generated and compiled {state.Events.Count} events in {state.CompileMilliseconds} ms; " +
                         $"{state.Compiled.Fallbacks.Count} print a field list (TPGEN0040) and are not compared; libtraceevent could not parse {state.ParseErrors.Count}");
        output.WriteLine($"events compared {eventsCompared}, byte-identical on every record {eventsIdentical}");
        output.WriteLine($"records compared {records}, byte-identical {identical}, documented differences {records - identical - undocumented.Count}, undocumented {undocumented.Count}");
        foreach (var (reason, (count, names)) in documented)
            output.WriteLine($"  {reason}: {count} record(s) of {names.Count} event(s), e.g. {string.Join(", ", names.Order(StringComparer.Ordinal).Take(3))}");
        foreach (string difference in undocumented.Take(20))
            output.WriteLine(difference);

        Assert.True(eventsCompared > 1000, $"only {eventsCompared} events were compared");
        Assert.True(identical > records * 3 / 4, $"only {identical} of {records} records print identically");
        Assert.Empty(undocumented.Take(20));
    }
}
