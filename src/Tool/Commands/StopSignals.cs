using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace TpGen.Tool.Commands;

/// <summary>
/// How a long-running command (trace, serve, record, report) is asked to stop: Ctrl-C (SIGINT) or
/// SIGTERM cancel <see cref="Token"/>, and the command ends the way it ends on its own (summary
/// printed, programs detached) instead of being killed.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConsoleCancelEventHandler _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public StopSignals()
    {
        _interrupt = (_, e) =>
        {
            e.Cancel = true;
            _stop.Cancel();
        };
        Console.CancelKeyPress += _interrupt;
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _stop.Cancel();
        });
    }

    /// <summary>Cancelled by SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= _interrupt;
        _terminate.Dispose();
        _stop.Dispose();
    }
}
