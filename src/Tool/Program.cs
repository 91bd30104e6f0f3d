using System;
using System.CommandLine;
using TpGen.Tool.Commands;

namespace TpGen.Tool;

/// <summary>The <c>tpgen</c> command.</summary>
public static class Program
{
    /// <summary>Exit codes: 0 success, 1 failure, 2 usage error.</summary>
    public static int Main(string[] args)
    {
        RootCommand root = TpGenCommandLine.Create();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parsed.Errors)
                Console.Error.WriteLine("tpgen: " + error.Message);
            Console.Error.WriteLine("Run 'tpgen --help' or 'tpgen <command> --help' for usage.");
            return ExitCodes.Usage;
        }
        return parsed.Invoke();
    }
}
