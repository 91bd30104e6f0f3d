using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TpGen.Emitters;
using TpGen.Emitters.CSharp;
using TpGen.Schema;
using TpGen.Text;
using TpGen.Tool.Compilation;

namespace TpGen.Tool.Checking;

/// <summary>
/// Compiles the generator's C# for every event: each system as one probe set in its own assembly
/// (as a project with many events builds it; an assembly also holds at most 16 MiB of string
/// literals, which all the events of a kernel together exceed). A system that fails is compiled
/// again event by event, so each failure names its event.
/// </summary>
internal static class CSharpCompileStage
{
    public static IReadOnlyList<CheckFailure> Compile(IReadOnlyList<TracepointSchema> events)
    {
        var failures = new List<CheckFailure>();
        foreach (IGrouping<string, TracepointSchema> system in events.GroupBy(e => e.System))
        {
            if (Problems(system.Key, system.ToList()).Count == 0)
                continue;
            foreach (TracepointSchema schema in system)
            {
                IReadOnlyList<Diagnostic> problems = Problems(system.Key + "." + schema.Name, [schema]);
                if (problems.Count > 0)
                    failures.Add(new CheckFailure(schema.FullName, CheckStage.CSharp, problems[0].ToString()));
            }
        }
        return failures;
    }

    private static IReadOnlyList<Diagnostic> Problems(string name, IReadOnlyList<TracepointSchema> events)
    {
        var spec = new ProbeSetSpec("TpGenCheck", EquatableArray<ContainingTypeSpec>.Empty, CSharpNames.ToPascalCase(name), events.ToEquatableArray());
        return CSharpCompiler.Compile("TpGenCheck." + name, [CSharpCompiler.Parse(CSharpEmitter.Emit(spec), name + ".g.cs")]).Problems;
    }
}
