using TpGen.Emitters.Bpf;
using TpGen.Filters;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Filters;

/// <summary>What the BPF C of a filter reads, checked in the emitted text; FilterInKernelTests run it.</summary>
public sealed class BpfFilterEmitterTests
{
    private static readonly TracepointSchema Exec = Fixtures.Schema("sched", "sched_process_exec");

    [Fact]
    public void Comm_IsReadFromTheCurrentTask_NotFromTheRecord_AndTakesNoFieldSlot()
    {
        FilterExpr filter = FilterParser.Parse("comm == \"true\" && filename ~ \"*/true\"", Exec);

        BpfConfigLayout layout = BpfConfigLayout.Plan(1, [filter]);
        Assert.Equal(new[] { new BpfFieldReference(0, "filename") }, layout.Fields);

        string source = BpfEmitter.Emit("Check", [Exec], null, [filter]);
        Assert.Contains("int length = tpgen_comm(bytes, sizeof(bytes));", source);
        Assert.Contains($"int length = tpgen_string(ctx, {layout.FieldSlot(0, "filename")}, bytes, sizeof(bytes));", source);
        // A whole match reads one byte more than the value (and its NUL), so a longer command is seen to be longer.
        Assert.Contains("__u8 bytes[6];", source);
    }
}
