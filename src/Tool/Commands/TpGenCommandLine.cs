using System.CommandLine;

namespace TpGen.Tool.Commands;

/// <summary>The command tree of <c>tpgen</c>.</summary>
internal static class TpGenCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("TpGen: typed Linux tracepoints for .NET. Reads the kernel's own description of each tracepoint and generates decoders and BPF programs for it.");
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(ShowCommand.Create());
        root.Subcommands.Add(PullCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(TraceCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(RecordCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create());
        return root;
    }
}
