using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using TpGen.Tool.Doctor;

namespace TpGen.Tool.Commands;

/// <summary><c>tpgen doctor</c>: checks what tracing needs and says how to fix each missing piece.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var snapshots = new Option<DirectoryInfo?>("--snapshots")
        {
            Description = "A project's snapshot folder (Tracepoints/, one kernel's or several): also say how a build from it runs on this kernel, event by event: what is relocated, converted, absent or translated, and what stops it.",
        };
        var command = new Command("doctor", "Check root/capabilities, tracefs, BTF, libbpf, clang and the kernel's configuration; say how to fix each missing piece.")
        {
            snapshots,
        };
        command.SetAction(parse =>
        {
            var checks = DoctorChecks.Run().ToList();
            if (parse.GetValue(snapshots) is { } folder)
                checks.AddRange(BuildOnThisKernel.Check(folder.FullName));
            int width = checks.Max(c => c.Name.Length);
            foreach (DoctorCheck check in checks)
            {
                Console.Out.WriteLine($"{(check.Ok ? "ok  " : "FAIL")}  {check.Name.PadRight(width)}  {check.Detail}");
                if (!check.Ok && check.Fix is not null)
                    Console.Out.WriteLine($"      {"".PadRight(width)}  fix: {check.Fix}");
                foreach (string line in check.Details)
                    Console.Out.WriteLine($"      {"".PadRight(width)}  {line}");
            }
            int failed = checks.Count(c => !c.Ok);
            Console.Out.WriteLine(failed == 0 ? "Everything TpGen needs is here." : $"{failed} problem(s) to fix before tracing.");
            return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
