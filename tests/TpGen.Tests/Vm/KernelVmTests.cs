using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Vm;

/// <summary>
/// tests/vm/run boots Debian's 6.1 and 6.12 kernels and runs commands in them: the ground later
/// tests stand on to show that one build runs on several kernels. Each kernel boots once for the
/// tests that look inside it (<see cref="GuestSurvey"/>).
/// </summary>
public sealed class KernelVmTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task EachKernel_Boots_AndUnameInsideReportsTheReleaseAskedFor(string release)
    {
        GuestSurvey survey = await SurveyAsync(release);
        Assert.Equal(release, survey.File("uname_r").TrimEnd('\n'));
    }

    [Theory]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task TheCommandsExitCodeAndItsTwoStreams_ComeBackApart_AndItRunsInTheCallersDirectory(string release)
    {
        GuestSurvey survey = await SurveyAsync(release);
        Assert.True(survey.Result.ExitCode == GuestSurvey.ExitCode, $"exit code {survey.Result.ExitCode}:\n{survey.Result.Error}");
        Assert.Equal(GuestSurvey.StandardOutputLine + "\n", survey.Result.Output);
        Assert.Equal(GuestSurvey.StandardErrorLine + "\n", survey.Result.Error);
        Assert.Equal(Environment.CurrentDirectory, survey.File("pwd").TrimEnd('\n'));
    }

    [Fact]
    public async Task Debian61sKfreeSkbFormat_ReadInsideTheVm_EqualsTheReferenceDump()
    {
        string reference = KernelFacility.RequirePath(
            Path.Combine(Fixtures.Debian61Directory, "events", "skb", "kfree_skb", "format"), "the Debian 6.1 reference dump");
        GuestSurvey survey = await SurveyAsync(KernelVm.Debian61);
        Assert.Equal(File.ReadAllText(reference), survey.File("kfree_skb_format"));
    }

    [Theory]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task AUdpFloodToAClosedPortInside_RaisesTheGuestsNoPortsByExactlyTheNumberSent(string release)
    {
        GuestSurvey survey = await SurveyAsync(release);
        int sent = int.Parse(survey.File("udp_sent"), CultureInfo.InvariantCulture);
        long delta = NoPorts(survey.File("snmp_after")) - NoPorts(survey.File("snmp_before"));
        output.WriteLine($"{release}: sent {sent}, Udp NoPorts rose by {delta}");
        Assert.Equal(GuestSurvey.Datagrams, sent);
        Assert.Equal(sent, delta);
    }

    [Theory]
    [InlineData(KernelVm.Debian61)]
    [InlineData(KernelVm.Debian612)]
    public async Task TheHostsBpftool_ListsTheGuestKernelsPrograms(string release)
    {
        KernelFacility.RequireProgram("bpftool", "bpftool");
        GuestSurvey survey = await SurveyAsync(release);
        string listing = survey.File("bpftool_prog_list");
        Assert.True(survey.File("bpftool_prog_list_status").TrimEnd('\n') == "0", "bpftool prog list failed inside the VM: " + listing);
        using JsonDocument programs = JsonDocument.Parse(listing);
        Assert.Equal(JsonValueKind.Array, programs.RootElement.ValueKind);
        output.WriteLine($"{release}: {programs.RootElement.GetArrayLength()} BPF programs loaded");
    }

    [Fact]
    public async Task ACommandThatOutlivesItsTimeout_EndsTheRunWith125_AndLeavesNoQemuBehind()
    {
        KernelVm.Require(KernelVm.Debian612);
        string share = Directory.CreateTempSubdirectory("tpgen-vm-timeout-").FullName;
        try
        {
            ProgramResult result = await KernelVm.RunAsync(KernelVm.Debian612, "sleep", ["600"], TimeSpan.FromSeconds(3), share);
            Assert.Equal(KernelVm.RunnerFailed, result.ExitCode);
            Assert.Contains("timed out after 3 s", result.Error, StringComparison.Ordinal);
            // qemu's command line names the share; no process may still have it.
            string[] stray = Directory.GetDirectories("/proc")
                .Where(d => Path.GetFileName(d).All(char.IsAsciiDigit))
                .Where(d => CommandLine(d).Contains(share, StringComparison.Ordinal))
                .Select(d => $"{Path.GetFileName(d)}: {CommandLine(d).Replace('\0', ' ')}")
                .ToArray();
            Assert.Empty(stray);
        }
        finally
        {
            Directory.Delete(share, recursive: true);
        }
    }

    private async Task<GuestSurvey> SurveyAsync(string release)
    {
        KernelVm.Require(release);
        GuestSurvey survey = await GuestSurvey.OfAsync(release);
        output.WriteLine($"{release}: boot, survey and power-off took {survey.Elapsed.TotalSeconds:0.0} s (the first test to ask pays it)");
        return survey;
    }

    /// <summary>The NoPorts column of the Udp line of a /proc/net/snmp text.</summary>
    private static long NoPorts(string snmp)
    {
        string[] udp = snmp.Split('\n').Where(line => line.StartsWith("Udp:", StringComparison.Ordinal)).ToArray();
        Assert.True(udp.Length == 2, "no Udp lines in /proc/net/snmp:\n" + snmp);
        string[] names = udp[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] values = udp[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(values[Array.IndexOf(names, "NoPorts")], CultureInfo.InvariantCulture);
    }

    private static string CommandLine(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDirectory, "cmdline"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
