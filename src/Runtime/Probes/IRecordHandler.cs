using System;

namespace TpGen.Probes;

/// <summary>Receives raw records in place, on the probe set's reading thread. Generated probe sets implement it.</summary>
public interface IRecordHandler
{
    /// <summary>One record; <paramref name="record"/> is valid only during the call.</summary>
    void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header);

    /// <summary>
    /// One record of a probe set that captures the task's command name (see
    /// <see cref="ProbeSetDefinition.CapturesCommand"/>); <paramref name="command"/> is its 16
    /// bytes, NUL-padded. By default the command is ignored.
    /// </summary>
    void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> command) => OnRecord(record, header);

    /// <summary>
    /// The kernel dropped <paramref name="count"/> more records because the ring buffer was full.
    /// Return false to have the probe set report it to <see cref="ProbeOptions.LostRecordsLog"/>.
    /// </summary>
    bool OnLost(long count);

    /// <summary>
    /// The reader has handed over every record that was waiting and is about to wait for more: the
    /// place to flush output buffered across records (one write per pass over the ring buffer
    /// instead of one per record). Called after a pass that delivered records or losses. By default
    /// nothing happens.
    /// </summary>
    void OnDrained()
    {
    }
}

/// <summary>Turns a raw record into an owned one (for <c>ReadAllAsync</c>).</summary>
public delegate TraceRecord RecordDecoder(ReadOnlySpan<byte> record, in RecordHeader header);
