using System;
using System.Diagnostics;
using System.IO;

namespace TpGen.Tool;

/// <summary>
/// Shows what a long command is doing on one line of stderr, rewritten in place, and only when
/// stderr is a terminal (so pipes and logs stay clean). Disposing clears the line.
/// </summary>
internal sealed class ConsoleProgress(TextWriter error) : IProgress<string>, IDisposable
{
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();

    public void Report(string value)
    {
        if (!_enabled)
            return;
        lock (_gate)
            error.Write($"\r\u001b[K[{_clock.Elapsed.TotalSeconds,5:0.0}s] {value}...");
    }

    public void Dispose()
    {
        if (!_enabled)
            return;
        lock (_gate)
            error.Write("\r\u001b[K");
    }
}
