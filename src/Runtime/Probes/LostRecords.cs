using System;

namespace TpGen.Probes;

/// <summary>
/// Appears among the records of <c>ReadAllAsync</c> where the kernel dropped records because the
/// ring buffer was full: lost events are never silent.
/// </summary>
public sealed class LostRecords : TraceRecord
{
    /// <summary>Reports <paramref name="count"/> lost records.</summary>
    public LostRecords(long count)
        : base(ReadOnlySpan<byte>.Empty, default) => Count = count;

    /// <summary>How many records were lost since the previous report.</summary>
    public long Count { get; }

    /// <inheritdoc/>
    public override string SystemName => "tpgen";

    /// <inheritdoc/>
    public override string EventName => "lost";

    /// <inheritdoc/>
    public override bool TryFormat(scoped Span<char> destination, out int charsWritten)
        => destination.TryWrite($"lost {Count} records: the ring buffer was full (raise ProbeOptions.RingBufferSize or read faster)", out charsWritten);
}
