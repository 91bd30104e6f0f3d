using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Build;

public sealed class SchemaSourceBuildTests(ITestOutputHelper output)
{
    private const string Source = """
        namespace Scratch;

        [TpGen.Tracepoint("skb", "kfree_skb")]
        [TpGen.Tracepoint("skb", "consume_skb")]
        public partial class SkbDrops;
        """;

    private const int Nobody = 65534;

    [Fact]
    public void ABuildWithoutTracefsAccess_TakesItsSchemaFromBtf_AndGeneratesTheSameTypesAndBpf()
    {
        KernelFacility.RequireBpf();
        KernelFacility.RequirePath("/sys/kernel/btf/vmlinux", "the kernel's BTF");
        KernelFacility.RequireProgram("setpriv", "util-linux");
        using var root = new ScratchProject("RootBuild", Source);
        using var nobody = new ScratchProject("NobodyBuild", Source);

        ProgramResult rootBuild = root.Build();
        ProgramResult nobodyBuild = nobody.Build(asUser: Nobody);

        output.WriteLine(string.Join("\n", nobodyBuild.Output.Split('\n').Where(l => l.TrimStart().StartsWith("TpGen: ", StringComparison.Ordinal))));
        Assert.True(rootBuild.ExitCode == 0, rootBuild.Output + rootBuild.Error);
        Assert.True(nobodyBuild.ExitCode == 0, nobodyBuild.Output + nobodyBuild.Error);
        Assert.Contains("tpgen/tracefs", string.Join("\n", Directory.EnumerateDirectories(Path.Combine(root.ProjectDirectory, "obj"), "*", SearchOption.AllDirectories)));
        Assert.Contains("not using the build machine's tracefs", nobodyBuild.Output);
        Assert.Contains("TpGen: skb:kfree_skb from BTF /sys/kernel/btf/vmlinux (class kfree_skb)", nobodyBuild.Output);
        Assert.Contains("the print fmt is TpGen's field list (BTF has none)", nobodyBuild.Output);

        GeneratedShape fromTracefs = GeneratedShape.Of(root.Assembly);
        GeneratedShape fromBtf = GeneratedShape.Of(nobody.Assembly);
        Assert.Equal(fromTracefs.Properties, fromBtf.Properties);
        Assert.Equal(fromTracefs.BpfSourceHash, fromBtf.BpfSourceHash);
        // BTF's enum has every value the print fmt names, with the same name (and the enumerators the print fmt leaves out).
        Assert.Empty(fromTracefs.EnumMembers.Except(fromBtf.EnumMembers));
    }

    [Fact]
    public void ATracefsBuild_GathersOnlyTheEventsTheProjectAsksFor_AndNamesTheNearestForOneTracefsLacks()
    {
        string events = KernelFacility.RequireTracefs();
        KernelFacility.RequirePath(Path.Combine(events, "skb", "kfree_skb", "format"), "skb:kfree_skb in tracefs");
        using var project = new ScratchProject("TracefsBuild", Source);

        ProgramResult build = project.Build();

        Assert.True(build.ExitCode == 0, build.Output + build.Error);
        Assert.Equal(["skb/consume_skb", "skb/kfree_skb"], GatheredFormats(project, "tracefs"));

        project.WriteSource("""
            [TpGen.Tracepoint("skb", "kfree_skbb")]
            public partial class Misspelled;
            """);
        ProgramResult misspelled = project.Build();

        Assert.NotEqual(0, misspelled.ExitCode);
        Assert.Contains("error TPGEN0026: The build could not describe tracepoint 'skb:kfree_skbb': the build machine's tracefs", misspelled.Output);
        Assert.Contains("did you mean 'skb:kfree_skb'", misspelled.Output);
        Assert.Empty(GatheredFormats(project, "tracefs"));
    }

    // The format files a build gathered from one source, as system/event.
    private static string[] GatheredFormats(ScratchProject project, string source) =>
        Directory.EnumerateFiles(Path.Combine(project.ProjectDirectory, "obj"), "format", SearchOption.AllDirectories)
            .Where(f => f.Contains($"/tpgen/{source}/", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(f)!)!)!), Path.GetDirectoryName(f)!))
            .Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void ABtfBuildWithASnapshot_TakesThatEventFromTheSnapshot_AndSaysSo()
    {
        KernelFacility.RequireBpf();
        KernelFacility.RequireProgram("setpriv", "util-linux");
        using var project = new ScratchProject("SnapshotBuild", Source);
        project.AddSnapshot("skb", "consume_skb", File.ReadAllText(Path.Combine(Fixtures.EventsDirectory, "skb", "consume_skb", "format")));

        ProgramResult build = project.Build(asUser: Nobody);

        Assert.True(build.ExitCode == 0, build.Output + build.Error);
        Assert.Contains("TpGen: skb:consume_skb from snapshot", build.Output);
        Assert.Contains("TpGen: skb:kfree_skb from BTF", build.Output);
        Assert.DoesNotContain("skb:consume_skb from BTF", build.Output);
    }

    [Fact]
    public void ABuildPointedAtAnotherKernelsHeaders_GeneratesThatKernelsLayout()
    {
        KernelFacility.RequireLibclang();
        string headers = KernelFacility.RequireKernelHeaders61().BuildDirectory;
        using var project = new ScratchProject("HeadersBuild", Source, $"<TpGenKernelHeaders>{headers}</TpGenKernelHeaders>");

        ProgramResult build = project.Build();

        Assert.True(build.ExitCode == 0, build.Output + build.Error);
        Assert.Contains("TpGen: skb:kfree_skb from kernel headers", build.Output);
        GeneratedShape shape = GeneratedShape.Of(project.Assembly);
        Assert.DoesNotContain(shape.Properties, p => p.StartsWith("KfreeSkb.RxSk", StringComparison.Ordinal));
        Assert.Contains("KfreeSkb.Protocol:UInt16", shape.Properties);
        Assert.Contains(("NO_SOCKET", 2UL), shape.EnumMembers);
    }

    [Fact]
    public void AnotherKernelsBtf_GivesThatKernelsLayout()
    {
        string btf = KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "vmlinux.btf.gz"), "the Debian 6.1 reference BTF");
        using var project = new ScratchProject("BtfFileBuild", Source, $"<TpGenBtf>{btf}</TpGenBtf>");

        ProgramResult build = project.Build();

        Assert.True(build.ExitCode == 0, build.Output + build.Error);
        Assert.Contains($"TpGen: skb:kfree_skb from BTF {btf}", build.Output);
        Assert.DoesNotContain("tracefs", string.Join("\n", Directory.EnumerateDirectories(Path.Combine(project.ProjectDirectory, "obj"), "*", SearchOption.AllDirectories)));
        GeneratedShape shape = GeneratedShape.Of(project.Assembly);
        Assert.DoesNotContain(shape.Properties, p => p.StartsWith("KfreeSkb.RxSk", StringComparison.Ordinal));
        Assert.Contains(("NO_SOCKET", 2UL), shape.EnumMembers);
    }

    [Fact]
    public void AnEventWhoseClassBtfCannotTell_IsWarnedAboutInEveryBuild_AndBuildsOnceTheAttributeNamesIt()
    {
        // Debian 6.1's BTF: block_rq_issue could be of class block_rq or block_rq_requeue (the same prototype).
        string btf = KernelFacility.RequirePath(Path.Combine(Fixtures.Debian61Directory, "vmlinux.btf.gz"), "the Debian 6.1 reference BTF");
        using var project = new ScratchProject("ClassBuild", """
            namespace Scratch;

            [TpGen.Tracepoint("block", "block_rq_issue")]
            public partial class Io;
            """, $"<TpGenBtf>{btf}</TpGenBtf>");

        ProgramResult first = project.Build();
        ProgramResult second = project.Build();

        string[] said = TpGenLines(first);
        output.WriteLine(string.Join("\n", said));
        Assert.NotEqual(0, first.ExitCode);
        Assert.Contains(said, l => l.Contains("warning TPGEN0105") && l.Contains("block:block_rq_issue is not described by BTF")
            && l.Contains("Class = \"block_rq or block_rq_requeue\""));
        // The error is at the attribute and says the same, rather than that the event is unknown.
        Assert.Contains(said, l => l.Contains("Probes.cs(3,2): error TPGEN0026: The build could not describe tracepoint 'block:block_rq_issue'")
            && l.Contains("Class = \"block_rq or block_rq_requeue\""));
        Assert.DoesNotContain(said, l => l.Contains("TPGEN0020") || l.Contains("TPGEN0021"));
        // The second build reuses the first one's BTF folder and says the same.
        Assert.Equal(said, TpGenLines(second));

        project.WriteSource("""
            namespace Scratch;

            [TpGen.Tracepoint("block", "block_rq_issue", Class = "block_rq")]
            public partial class Io;
            """);
        ProgramResult named = project.Build();

        Assert.True(named.ExitCode == 0, named.Output + named.Error);
        Assert.Contains($"TpGen: block:block_rq_issue from BTF {btf} (class block_rq, named by the attribute)", named.Output);
        Assert.DoesNotContain("TPGEN0105", named.Output);
        // block_rq has the bytes and comm that block_rq_requeue lacks.
        Type view = LoadedType(project.Assembly, "Scratch.Io+BlockRqIssue");
        Assert.NotNull(view.GetProperty("Bytes"));
        Assert.NotNull(view.GetProperty("Comm"));
    }

    // The TpGen diagnostics of a build, once each, in order, without the project path MSBuild appends.
    private static string[] TpGenLines(ProgramResult build) =>
        build.Output.Split('\n').Where(l => l.Contains(": warning TPGEN", StringComparison.Ordinal) || l.Contains(": error TPGEN", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l.Trim(), @"^\d+>|\s*\[[^\]]*\.csproj\]$", "")).Distinct().ToArray();

    private static Type LoadedType(string assemblyPath, string name)
    {
        var context = new AssemblyLoadContext(assemblyPath, isCollectible: true);
        return context.LoadFromAssemblyPath(assemblyPath).GetType(name, throwOnError: true)!;
    }

    /// <summary>What a build generated, as comparable text: each view's properties and their types, the BPF hash, the drop reasons.</summary>
    private sealed record GeneratedShape(List<string> Properties, string BpfSourceHash, List<(string Name, ulong Value)> EnumMembers)
    {
        public static GeneratedShape Of(string assemblyPath)
        {
            var context = new AssemblyLoadContext(assemblyPath, isCollectible: true);
            try
            {
                Assembly assembly = context.LoadFromAssemblyPath(assemblyPath);
                Type probes = assembly.GetType("Scratch.SkbDrops", throwOnError: true)!;
                var properties = new List<string>();
                foreach (string view in new[] { "KfreeSkb", "ConsumeSkb" })
                {
                    Type type = probes.GetNestedType(view)!;
                    properties.AddRange(type.GetProperties().Where(p => p.Name is not ("Header" or "RawRecord"))
                        .Select(p => $"{view}.{p.Name}:{p.PropertyType.Name}").OrderBy(p => p, StringComparer.Ordinal));
                }
                string hash = (string)probes.GetField("BpfSourceHash")!.GetRawConstantValue()!;
                Type reasons = probes.GetNestedType("SkbDropReason")!;
                var members = Enum.GetNames(reasons).Select(n => (n, Convert.ToUInt64(Enum.Parse(reasons, n)))).ToList();
                return new GeneratedShape(properties, hash, members);
            }
            finally
            {
                context.Unload();
            }
        }
    }
}
