using System;

namespace TpGen.Probes;

/// <summary>Receives raw records in place, on the probe set's reading thread. Generated probe sets implement it.</summary>
/// <remarks>
/// A struct handler gets a reading loop compiled for it (see <see cref="ProbeSet.Run{THandler}"/>); it
/// should implement every member, as a default member called on a struct boxes it at each call.
/// </remarks>
public interface IRecordHandler
{
    /// <summary>One record; <paramref name="record"/> is valid only during the call.</summary>
    void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header);

    /// <summary>
    /// One record with its context: <paramref name="context"/> is the bytes between the header and
    /// the record (the process's command name and cgroup id, user strings, the packet; read them with
    /// <see cref="Context.RecordContext"/> and the event's <see cref="Decoding.EventLayout.Context"/>),
    /// empty when the event carries none. The probe set calls this one; by default the context is ignored.
    /// </summary>
    void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> context) => OnRecord(record, header);

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

/// <summary>Turns a raw record and its context (the bytes between its header and it) into an owned one (for <c>ReadAllAsync</c>).</summary>
public delegate TraceRecord RecordContextDecoder(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> context);
