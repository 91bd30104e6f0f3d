using System;

namespace TpGen.Formatting;

/// <summary>
/// Writes any record of a probe set as the kernel's text for its event, choosing the event by the
/// header's event index. Every generated probe set has a static <c>TryFormat</c> of this shape.
/// </summary>
/// <exception cref="TraceRecordException">The record is short or corrupt.</exception>
public delegate bool RecordFormatter(ReadOnlySpan<byte> record, in RecordHeader header, Span<char> destination, out int charsWritten);
