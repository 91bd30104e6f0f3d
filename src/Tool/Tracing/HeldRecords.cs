using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Probes;

namespace TpGen.Tool.Tracing;

/// <summary>
/// Keeps the ring buffer drained while the first trace's text formatter still compiles: records
/// are copied aside (up to a bound) instead of waiting in the ring, where a busy event would fill
/// it and lose records to the compile. Once the formatter is ready, the copies go to the output in
/// the order they came (<see cref="Run"/>). Records beyond the bound are counted
/// (<see cref="Overflow"/>) and reported as lost, with the reason.
/// </summary>
internal sealed class HeldRecords(IRecordHandler output, Task ready, long boundBytes, TextWriter error) : IRecordHandler
{
    private readonly List<Held> _held = [];
    private long _heldBytes;

    /// <summary>Records lost because more came while the formatter compiled than the bound holds.</summary>
    public long Overflow { get; private set; }

    /// <summary>
    /// Reads <paramref name="probes"/> into the hold until the formatter is ready or
    /// <paramref name="stop"/> is cancelled, waits for the formatter (a trace can end before it is
    /// ready), and hands what was held to the output.
    /// </summary>
    public void Run(ProbeSet probes, CancellationToken stop)
    {
        using (var compiling = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            Task readyToStop = ready.ContinueWith(_ => compiling.Cancel(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            probes.Run(this, compiling.Token);
            // The source is disposed only once the continuation has used it.
            readyToStop.GetAwaiter().GetResult();
        }
        ready.GetAwaiter().GetResult();
        foreach (Held held in _held)
            output.OnRecord(held.Record, held.Header, held.Context);
        _held.Clear();
        if (Overflow > 0)
            error.WriteLine($"tpgen trace: lost {Overflow} events while the text formatter compiled: more than {boundBytes >> 20} MiB came meanwhile (a first trace of these events; the next starts at once)");
        output.OnDrained();
    }

    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header) => OnRecord(record, header, ReadOnlySpan<byte>.Empty);

    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> context)
    {
        if (_heldBytes + record.Length + context.Length > boundBytes)
        {
            Overflow++;
            return;
        }
        _held.Add(new Held(header, record.ToArray(), context.ToArray()));
        _heldBytes += record.Length + context.Length;
    }

    public bool OnLost(long count) => output.OnLost(count);

    private readonly record struct Held(RecordHeader Header, byte[] Record, byte[] Context);
}
