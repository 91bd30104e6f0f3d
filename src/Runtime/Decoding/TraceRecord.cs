using System;
using TpGen.Formatting;

namespace TpGen;

/// <summary>
/// An owned copy of one event's record: safe to keep, queue and read from any thread. Each
/// generated event has a sealed subclass (e.g. <c>SkbDrops.KfreeSkbRecord</c>) with typed
/// properties; <see cref="ToString"/> is the kernel's own text for the event.
/// </summary>
public abstract class TraceRecord : ISpanFormattable, ITraceFormattable
{
    private readonly byte[] _record;

    /// <summary>Copies <paramref name="record"/>; the subclass has checked it.</summary>
    protected TraceRecord(ReadOnlySpan<byte> record, in RecordHeader header)
    {
        _record = record.ToArray();
        Header = header;
    }

    /// <summary>When and where the event fired.</summary>
    public RecordHeader Header { get; }

    /// <summary>The raw tracepoint record, as the kernel wrote it (common fields first).</summary>
    public ReadOnlySpan<byte> RawRecord => _record;

    /// <summary>The event's system, e.g. <c>skb</c>.</summary>
    public abstract string SystemName { get; }

    /// <summary>The event's name, e.g. <c>kfree_skb</c>.</summary>
    public abstract string EventName { get; }

    /// <summary>Writes the event's text, as the kernel's trace output shows it, into <paramref name="destination"/>.</summary>
    public abstract bool TryFormat(scoped Span<char> destination, out int charsWritten);

    /// <summary>The event's text, as the kernel's trace output shows it.</summary>
    public override string ToString() => TraceText.ToString(this);

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => TryFormat(destination, out charsWritten);
}
