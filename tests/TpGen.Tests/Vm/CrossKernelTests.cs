using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Vm;

/// <summary>
/// One build, every kernel. Programs built once, on this machine, count the drops of a UDP flood
/// exactly as each kernel counts them (Udp NoPorts in /proc/net/snmp), with the reasons named as
/// the build names them, here (6.18) and inside Debian's 6.1 and 6.12 kernels, whose layouts and
/// drop-reason numbers differ from this kernel's.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class CrossKernelTests(CrossKernelPrograms programs, ITestOutputHelper output) : IClassFixture<CrossKernelPrograms>
{
    [Theory]
    [InlineData(CrossKernelRun.Here)]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task DropWatchBuiltFromThisKernel_CountsNoSocketAsEachKernelCountsNoPorts_AndLosesNothing(string kernel)
    {
        ProgramRun dropWatch = (await RunOnAsync(kernel)).Program("dropwatch");

        output.WriteLine(dropWatch.ToString());
        Assert.Equal(0, dropWatch.Status);
        Assert.True(dropWatch.NoPortsDelta > 0, "the demo sent nothing");
        Assert.Equal(dropWatch.NoPortsDelta, dropWatch.Count("NO_SOCKET"));
        Assert.Contains("dropped 0 ", dropWatch.Output);
    }

    [Theory]
    [InlineData(CrossKernelRun.Here)]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task DropWatchPublishedAsOneNativeFile_CountsExactly_WithNoClangAndNoCompileCache(string kernel)
    {
        CrossKernelRun run = await RunOnAsync(kernel);
        ProgramRun aot = run.Program("dropwatch-aot");

        output.WriteLine(aot.ToString());
        Assert.Equal(["DropWatch"], Directory.GetFiles(CrossKernelPrograms.AotDirectory).Select(Path.GetFileName).Where(f => !f!.EndsWith(".dbg", System.StringComparison.Ordinal)));
        Assert.Equal(0, aot.Status);
        Assert.True(aot.NoPortsDelta > 0, "the demo sent nothing");
        Assert.Equal(aot.NoPortsDelta, aot.Count("NO_SOCKET"));
        // The home it was given holds no cache: nothing was compiled.
        Assert.Equal(CrossKernelPrograms.AotHome, run.Program("aot-home").Output.Trim());
    }

    [Theory]
    [InlineData(CrossKernelRun.Here)]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task AProgramBuiltFromDebian61sSnapshotAlone_CountsExactly_AndNamesNoSocket(string kernel)
    {
        ProgramRun from61 = (await RunOnAsync(kernel)).Program("from61");

        output.WriteLine(from61.ToString());
        Assert.Equal(0, from61.Status);
        Assert.Equal(CrossKernelPrograms.Datagrams, from61.NoPortsDelta);
        Assert.Equal(from61.NoPortsDelta, from61.Count("NO_SOCKET"));
        Assert.Equal("NO_SOCKET", from61.Value("NAME"));
        Assert.Equal(0, from61.Count("LOST"));
        // On 6.1 nothing needs relocating; elsewhere protocol and reason moved and the reasons were renumbered.
        if (kernel == KernelVm.Debian61)
            Assert.Contains("skb:kfree_skb: as built", from61.Output);
        else
            Assert.Contains("moved reason", from61.Output);
    }

    [Theory]
    [InlineData(CrossKernelRun.Here, true)]
    [InlineData(KernelVm.Debian61, false)]
    [InlineData(KernelVm.Debian612, true)]
    public async Task AProgramBuiltFromTwoKernelsSnapshots_HasRxSkWhereTheKernelHasIt_AndCountsExactly(string kernel, bool hasRxSk)
    {
        ProgramRun union = (await RunOnAsync(kernel)).Program("union");

        output.WriteLine(union.ToString());
        Assert.Equal(0, union.Status);
        Assert.Equal(union.NoPortsDelta, union.Count("NO_SOCKET"));
        Assert.Equal(hasRxSk.ToString(), union.Value("MORE"));
        Assert.Equal(hasRxSk, !union.Output.Contains("absent rx_sk", System.StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(CrossKernelRun.Here)]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task AFilteredProgramPublishedWithItsObject_FiltersInEachKernel_WithNoClang(string kernel)
    {
        CrossKernelRun run = await RunOnAsync(kernel);
        ProgramRun filtered = run.Program("filtered");

        output.WriteLine(filtered.ToString());
        Assert.Equal(0, filtered.Status);
        // Udp NoPorts counts the IPv4 drops only; the filter let exactly those through.
        Assert.Equal(filtered.NoPortsDelta, filtered.Count("NO_SOCKET"));
        Assert.Equal("True", filtered.Value("MORE"));
        Assert.Equal(CrossKernelPrograms.AotHome, run.Program("filtered-home").Output.Trim());
    }

    [Theory]
    [InlineData(CrossKernelRun.Here)]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task StructMembersBuiltFromThisKernelsBtf_ReadEachKernelsSkbLengthDeviceAndProtocol(string kernel)
    {
        ProgramRun members = (await RunOnAsync(kernel)).Program("members");

        output.WriteLine(members.ToString());
        Assert.Equal(0, members.Status);
        Assert.Equal(CrossKernelPrograms.Datagrams, members.NoPortsDelta);
        Assert.Equal(members.NoPortsDelta, members.Count("NO_SOCKET"));
        Assert.Equal(members.NoPortsDelta, members.Count("MATCHED"));
    }

    private Task<CrossKernelRun> RunOnAsync(string kernel)
    {
        if (kernel == CrossKernelRun.Here)
            KernelFacility.RequireBpf();
        else
            KernelVm.Require(kernel);
        return CrossKernelRun.OnAsync(kernel, programs);
    }
}
