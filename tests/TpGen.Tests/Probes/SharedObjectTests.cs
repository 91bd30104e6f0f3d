using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TpGen.Emitters.Bpf;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Probes;

/// <summary>
/// The BPF object every probe set without filters shares is built from checked-in C that must be
/// exactly what the emitter writes, and its configuration must be laid out as the runtime fills it.
/// Set TPGEN_UPDATE_BASELINES=1 to rewrite the checked-in C after changing the emitter or template.
/// </summary>
public sealed partial class SharedObjectTests
{
    private const int Handlers = 64;

    private static string SourcePath => Path.Combine(Fixtures.RepositoryRoot, "bpf", "shared", "tpgen.shared.bpf.c");

    [Fact]
    public void TheSharedObjectsCheckedInSource_IsWhatTheEmitterWrites()
    {
        string expected = BpfEmitter.EmitGeneric(Handlers);
        if (Environment.GetEnvironmentVariable("TPGEN_UPDATE_BASELINES") == "1")
            File.WriteAllText(SourcePath, expected);

        Assert.True(File.ReadAllText(SourcePath) == expected,
            $"{SourcePath} is not what BpfEmitter.EmitGeneric({Handlers}) writes; run the tests with TPGEN_UPDATE_BASELINES=1 and rebuild");
    }

    [Fact]
    public void TheConfiguration_IsLaidOutInTheCompiledObject_AsTheRuntimeFillsIt()
    {
        string clang = KernelFacility.RequireClang();
        string bpftool = KernelFacility.RequireProgram("bpftool", "bpftool");
        string directory = Directory.CreateTempSubdirectory("tpgen-config-").FullName;
        try
        {
            // Three handlers, and the one placeholder slot each filter part has when there are no filters.
            string source = BpfEmitter.EmitGeneric(3);
            string objectPath = Path.Combine(directory, "probe.bpf.o");
            File.WriteAllText(Path.Combine(directory, "probe.bpf.c"), source);
            TpGen.Probes.BpfCompiler.Compile(source, objectPath, clang);
            ProgramResult dump = BpfResources.Bpftool(bpftool, "btf", "dump", "file", objectPath, "format", "raw");
            Assert.Equal(0, dump.ExitCode);

            // The .rodata section holds one variable, tpgen_config, of an anonymous struct.
            BpfConfigLayout layout = BpfConfigLayout.Plan(3, null);
            string config = ConfigStruct().Match(dump.Output).Value;
            Assert.NotEmpty(config);
            // The context section's struct is the last member; the runtime finds it by name in the object's BTF.
            int context = MemberOffset(config, ContextConfigLayout.MemberName);
            Assert.True(context > layout.ValidOffset, $"the context configuration starts at {context}, inside the filters' part (valid[] is at {layout.ValidOffset})");
            Assert.Contains($"size={(context + ContextConfigLayout.Size(3) + 7) & ~7} ", config);
            Assert.Matches($@"STRUCT 'tpgen_event_context' size={ContextConfigLayout.EventSize} ", dump.Output);
            Assert.Matches($@"STRUCT 'tpgen_member' size={ContextConfigLayout.MemberSize} ", dump.Output);
            Assert.Equal(0, MemberOffset(config, "wakeup_bytes"));
            Assert.Equal(8, MemberOffset(config, "exclude_tgid"));
            Assert.Equal(12, MemberOffset(config, "flags"));
            Assert.Equal(layout.EventOffset(0), MemberOffset(config, "events"));
            Assert.Equal(layout.FieldsOffset, MemberOffset(config, "fields"));
            Assert.Equal(layout.ConstantsOffset, MemberOffset(config, "constants"));
            Assert.Equal(layout.ValidOffset, MemberOffset(config, "valid"));
            Assert.Matches($@"STRUCT 'tpgen_event' size={BpfConfigLayout.EventSize} ", dump.Output);
            Assert.Matches($@"STRUCT 'tpgen_field' size={BpfConfigLayout.FieldSize} ", dump.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int MemberOffset(string structDump, string member)
    {
        Match match = Regex.Match(structDump, $@"'{member}' type_id=\d+ bits_offset=(\d+)");
        Assert.True(match.Success, $"no member {member} in:\n{structDump}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / 8;
    }

    // The anonymous struct whose first member is wakeup_bytes, with its member lines.
    [GeneratedRegex(@"STRUCT '\(anon\)' size=\d+ vlen=\d+\n\t'wakeup_bytes'[^\[]*")]
    private static partial Regex ConfigStruct();
}
