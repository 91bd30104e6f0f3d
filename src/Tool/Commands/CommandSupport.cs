using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using TpGen.Frontends;
using TpGen.Kernel;
using TpGen.Probes;
using TpGen.Tool.Events;

namespace TpGen.Tool.Commands;

/// <summary>What every command shares: the events-directory option, spec parsing, and turning failures into exit codes.</summary>
internal static class CommandSupport
{
    /// <summary>Parses event specs; a bad one is a usage error.</summary>
    public static List<EventSpec> Specs(IEnumerable<string> texts, bool systemAlone)
    {
        var specs = new List<EventSpec>();
        foreach (string text in texts)
        {
            if (!EventSpec.TryParse(text, systemAlone, out EventSpec spec, out string error))
                throw new UsageException(error);
            specs.Add(spec);
        }
        return specs;
    }

    /// <summary>Runs a command body; known failures print one clear line and map to exit codes.</summary>
    public static int Run(string command, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"tpgen {command}: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is TracefsException or TpGen.Files.TraceFileException or Recording.RecordException or ProbeException or FormatParseException or KernelBtfException or TpGen.Frontends.Headers.HeadersException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tpgen {command}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
