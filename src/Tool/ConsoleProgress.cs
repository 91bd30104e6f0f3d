using System;
using System.Diagnostics;
using System.IO;

namespace TpGen.Tool;

/// <summary>Shows what a long command is doing, on stderr and only when stderr is a terminal (so pipes and logs stay clean).</summary>
internal sealed class ConsoleProgress(TextWriter error) : IProgress<string>
{
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Report(string value)
    {
        if (_enabled)
            error.WriteLine($"[{_clock.Elapsed.TotalSeconds,5:0.0}s] {value}...");
    }
}
