using System;
using System.IO;
using System.Linq;
using System.Reflection;
using TpGen.Probes;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Packaging;

/// <summary>
/// Where each job lives: the compiler loads the generator and the core; a user's application
/// loads the runtime and the core, and never the generator or Roslyn.
/// </summary>
public sealed class AssemblyBoundaryTests
{
    private static readonly Assembly Runtime = typeof(ProbeSet).Assembly;
    private static readonly Assembly Core = typeof(TracepointSchema).Assembly;

    [Fact]
    public void TheRuntime_ReferencesTheCore_ButNeitherTheGeneratorNorRoslyn()
    {
        string[] references = Runtime.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.Contains("TpGen.Core", references);
        Assert.DoesNotContain("TpGen.Generator", references);
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    [Fact]
    public void TheCore_TargetsNetStandard20_AndReferencesNoRoslyn()
    {
        string[] references = Core.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.Contains("netstandard", references);
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || name.StartsWith("TpGen.", StringComparison.Ordinal));
    }

    [Fact]
    public void NoPublicTypeOfTheRuntimeOrCore_IsGeneratorMachinery()
    {
        string[] exported = Runtime.GetExportedTypes().Concat(Core.GetExportedTypes()).Select(t => t.Name).ToArray();

        Assert.DoesNotContain("SourceWriter", exported);
        Assert.DoesNotContain("TracepointGenerator", exported);
    }

    [Fact]
    public void DropWatchsOutput_HoldsTheRuntimeAndCore_ButNoGeneratorOrRoslynAssembly()
    {
        string bin = Path.Combine(Fixtures.RepositoryRoot, "samples", "DropWatch", "bin", Fixtures.BuildConfiguration, "net10.0");
        string[] assemblies = Directory.GetFiles(bin, "*.dll").Select(Path.GetFileName).ToArray()!;

        Assert.Contains("TpGen.Runtime.dll", assemblies);
        Assert.Contains("TpGen.Core.dll", assemblies);
        Assert.DoesNotContain("TpGen.Generator.dll", assemblies);
        Assert.DoesNotContain(assemblies, name => name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }
}
