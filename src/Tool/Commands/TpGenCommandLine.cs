using System.CommandLine;

namespace TpGen.Tool.Commands;

/// <summary>The command tree of <c>tpgen</c>.</summary>
internal static class TpGenCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("TpGen: typed Linux tracepoints for .NET. Reads the kernel's own description of each tracepoint and generates decoders and BPF programs for it.");
        root.Subcommands.Add(CheckCommand.Create());
        return root;
    }
}
