using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using TpGen.Probes;

namespace TpGen.Tool.Tracing;

/// <summary>
/// Keeps the ring buffer drained while the first trace's text formatter still compiles: records
/// are copied aside (up to a bound) instead of waiting in the ring, where a busy event would fill
/// it and lose records to the compile. Once the formatter is ready, the copies go to the output in
/// the order they came, then records pass straight through. Records beyond the bound are counted
/// (<see cref="Overflow"/>) and reported as lost, with the reason.
/// </summary>
internal sealed class HeldRecords(IRecordHandler output, Task ready, long boundBytes, System.IO.TextWriter error) : IRecordHandler
{
    private readonly List<Held> _held = [];
    private long _heldBytes;
    private bool _passing;

    /// <summary>How many records were held while the formatter compiled.</summary>
    public long HeldCount { get; private set; }

    /// <summary>Records lost because more came while the formatter compiled than the bound holds.</summary>
    public long Overflow { get; private set; }

    /// <summary>Waits for the formatter (a trace can end before it is ready) and hands over what is held.</summary>
    public void Finish()
    {
        ready.GetAwaiter().GetResult();
        if (Release())
            output.OnDrained();
    }

    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header) => OnRecord(record, header, ReadOnlySpan<byte>.Empty);

    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> context)
    {
        if (_passing || Release())
        {
            output.OnRecord(record, header, context);
            return;
        }
        if (_heldBytes + record.Length + context.Length > boundBytes)
        {
            Overflow++;
            return;
        }
        _held.Add(new Held(header, record.ToArray(), context.ToArray()));
        _heldBytes += record.Length + context.Length;
        HeldCount++;
    }

    public bool OnLost(long count)
    {
        Release();
        return output.OnLost(count);
    }

    public void OnDrained()
    {
        if (Release())
            output.OnDrained();
    }

    // Whether the formatter is ready; the first time it is, what was held goes out first.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Release()
    {
        if (_passing)
            return true;
        if (!ready.IsCompleted)
            return false;
        _passing = true;
        foreach (Held held in _held)
            output.OnRecord(held.Record, held.Header, held.Context);
        _held.Clear();
        if (Overflow > 0)
            error.WriteLine($"tpgen trace: lost {Overflow} events while the text formatter compiled: more than {boundBytes >> 20} MiB came meanwhile (a first trace of these events; the next starts at once)");
        return true;
    }

    private readonly record struct Held(RecordHeader Header, byte[] Record, byte[] Context);
}
