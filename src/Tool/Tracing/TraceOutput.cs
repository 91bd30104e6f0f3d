using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using TpGen.Context;
using TpGen.Decoding;
using TpGen.Formatting;
using TpGen.Packets;
using TpGen.Probes;
using TpGen.Tool.Packets;

namespace TpGen.Tool.Tracing;

/// <summary>What <c>tpgen trace</c> prints.</summary>
internal enum TraceMode
{
    Text,
    Json,
    Count,
}

/// <summary>
/// Turns records into <c>tpgen trace</c>'s output on the reading thread: kernel-style text lines,
/// JSON objects, or counts by a field. Stops the trace after <c>--limit</c> events.
/// </summary>
internal sealed class TraceOutput : IRecordHandler, IDisposable
{
    // JSON lines gather in memory and go out in one write per pass over the ring buffer (or when
    // this much has gathered): a write per record would cost two system calls per event.
    private const int JsonFlushThreshold = 1 << 16;

    // The object's own property names, escaped once rather than at every record.
    private static readonly JsonEncodedText s_time = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText s_cpu = JsonEncodedText.Encode("cpu");
    private static readonly JsonEncodedText s_pid = JsonEncodedText.Encode("pid");
    private static readonly JsonEncodedText s_tid = JsonEncodedText.Encode("tid");
    private static readonly JsonEncodedText s_comm = JsonEncodedText.Encode("comm");
    private static readonly JsonEncodedText s_event = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText s_truncated = JsonEncodedText.Encode("truncated");
    private static readonly JsonEncodedText s_fields = JsonEncodedText.Encode("fields");
    private static readonly JsonEncodedText s_error = JsonEncodedText.Encode("error");

    private readonly TraceMode _mode;
    private readonly RecordFormatter? _formatter;
    private readonly FieldPrinter[] _events;
    private readonly string? _countBy;
    private readonly long _limit;
    private readonly CancellationTokenSource _stop;
    private readonly TextWriter _error;
    private readonly Stream _stream;
    private readonly StreamWriter _text;
    private readonly Utf8JsonWriter? _json;
    private readonly ArrayBufferWriter<byte>? _jsonLines;
    private readonly JsonEncodedText[] _eventNames = Array.Empty<JsonEncodedText>();
    private readonly bool _terminal;
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private char[] _buffer = new char[1024];
    private IReadOnlyList<EventLayout>? _layouts;
    private PcapngWriter? _pcap;
    private byte[] _commandBytes = Array.Empty<byte>();
    private string? _commandText;
    private JsonEncodedText _commandJson;
    private bool _disposed;

    public TraceOutput(TraceMode mode, RecordFormatter? formatter, FieldPrinter[] events, string? countBy, long limit, CancellationTokenSource stop, Stream output, TextWriter error)
    {
        _mode = mode;
        _formatter = formatter;
        _events = events;
        _countBy = countBy;
        _limit = limit;
        _stop = stop;
        _error = error;
        _stream = output;
        // Line by line on a terminal; through a large buffer when redirected (a file or a pipe).
        _terminal = !Console.IsOutputRedirected;
        _text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16) { AutoFlush = _terminal };
        if (mode == TraceMode.Json)
        {
            // Relaxed escaping: a symbol reads "kfree+0x2a/0xd0", not "kfree\u002B0x2a/0xd0" (the output is not embedded in HTML).
            var encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            _jsonLines = new ArrayBufferWriter<byte>(JsonFlushThreshold + 4096);
            _json = new Utf8JsonWriter(_jsonLines, new JsonWriterOptions { Indented = false, Encoder = encoder, SkipValidation = true });
            _eventNames = events.Select(e => JsonEncodedText.Encode(e.Schema.FullName, encoder)).ToArray();
        }
    }

    public long Printed { get; private set; }

    /// <summary>Where each event's context is (after attach), and where its packets go (--pcap); the text and JSON show the context.</summary>
    public void UseContext(IReadOnlyList<EventLayout> layouts, PcapngWriter? pcap)
    {
        _layouts = layouts;
        _pcap = pcap;
    }

    public long Lost { get; private set; }

    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header) => OnRecord(record, header, ReadOnlySpan<byte>.Empty);

    public void OnRecord(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> context)
    {
        if (header.EventIndex >= _events.Length)
            return;
        var recordContext = new RecordContext(context, _layouts?[header.EventIndex].Context);
        // The command name leads the context (the trace's probe set always asks for it).
        ReadOnlySpan<byte> command = recordContext.HasCommand ? context.Slice(recordContext.Layout.CommandOffset, 16) : default;
        Write(record, header, command, recordContext);
    }

    /// <summary>A record of a recording (<c>tpgen report</c>): no context; the command name from the file's saved command lines.</summary>
    public void OnRecordedRecord(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> command)
    {
        if (header.EventIndex < _events.Length)
            Write(record, header, command, new RecordContext(default, null));
    }

    private void Write(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> command, scoped in RecordContext recordContext)
    {
        if (Printed >= _limit || OutputClosed)
            return;
        FieldPrinter values = _events[header.EventIndex];
        if (_pcap is not null && recordContext.HasPacket)
            WritePacket(record, header, recordContext);
        switch (_mode)
        {
            case TraceMode.Text or TraceMode.Json:
                try
                {
                    if (_mode == TraceMode.Text)
                        WriteLine(record, header, command, values, recordContext);
                    else
                        WriteJson(record, header, command, values, recordContext);
                }
                catch (IOException)
                {
                    Closed();
                }
                break;
            default:
                string key;
                try
                {
                    key = values.Text(_countBy!, record);
                }
                catch (TraceRecordException e)
                {
                    key = $"(record not decoded: {e.Problem})";
                }
                _counts[key] = _counts.GetValueOrDefault(key) + 1;
                break;
        }
        if (++Printed == _limit)
            _stop.Cancel();
    }

    public bool OnLost(long count)
    {
        Lost += count;
        _error.WriteLine($"tpgen trace: lost {count} events: the ring buffer was full (raise --ring-size, or filter in the kernel with --filter)");
        return true;
    }

    /// <summary>
    /// Events a recording lost before the next records of <paramref name="cpu"/> (<c>tpgen report</c>):
    /// in text, the line trace-cmd report prints; in JSON, an object with <c>lost</c> (null when the
    /// kernel did not store the count); counted only with <c>--count-by</c>.
    /// </summary>
    public void WriteLost(int cpu, long? count, ulong timestampNanoseconds)
    {
        Lost += count ?? 0;
        if (OutputClosed)
            return;
        try
        {
            if (_mode == TraceMode.Text)
            {
                _text.WriteLine(count is long known ? $"CPU:{cpu} [{known} EVENTS DROPPED]" : $"CPU:{cpu} [EVENTS DROPPED]");
            }
            else if (_mode == TraceMode.Json)
            {
                Utf8JsonWriter json = _json!;
                json.WriteStartObject();
                WriteTime(json, timestampNanoseconds);
                json.WriteNumber(s_cpu, cpu);
                if (count is long known)
                    json.WriteNumber("lost", known);
                else
                    json.WriteNull("lost");
                json.WriteEndObject();
                EndJsonLine();
            }
        }
        catch (IOException)
        {
            Closed();
        }
    }

    /// <summary>The <c>--count-by</c> table, most frequent first.</summary>
    public void WriteCounts()
    {
        try
        {
            _text.WriteLine($"{_countBy} COUNT");
            foreach (KeyValuePair<string, long> row in _counts.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal))
                _text.WriteLine($"{(row.Key.Length == 0 ? "\"\"" : row.Key)} {row.Value}");
        }
        catch (IOException)
        {
            Closed();
        }
    }

    /// <summary>Whether the reader of standard output went away (a pipe into <c>head</c>): tracing stops, quietly, as bpftrace does.</summary>
    public bool OutputClosed { get; private set; }

    /// <summary>
    /// Once per pass over the ring buffer: what the pass printed goes out in one write, so a pipe
    /// (<c>| grep</c>, <c>| head</c>) or a file under <c>tail -f</c> sees each event as it comes, not at exit.
    /// </summary>
    public void OnDrained()
    {
        if (_mode == TraceMode.Count || OutputClosed)
            return;
        try
        {
            WriteJsonLines();
            _text.Flush();
            _stream.Flush();
        }
        catch (IOException)
        {
            Closed();
        }
    }

    private void Closed()
    {
        OutputClosed = true;
        _stop.Cancel();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            _json?.Flush();
            _json?.Dispose();
            WriteJsonLines();
            _text.Flush();
        }
        catch (IOException)
        {
            OutputClosed = true;
        }
    }

    // The kernel's trace line: task-pid, [cpu], seconds.microseconds (rounded, as the kernel's
    // ns2usecs), event name, then the event's own text; built in one buffer, without allocating.
    private void WriteLine(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> command, FieldPrinter values, scoped in RecordContext context)
    {
        string name = CommandText(command);
        int pid = record.Length >= 8 ? BitConverter.ToInt32(record.Slice(4)) : 0;
        ulong micros = (header.TimestampNanoseconds + 500) / 1000;
        while (true)
        {
            Span<char> line = _buffer;
            if (line.TryWrite(CultureInfo.InvariantCulture, $"{name,16}-{pid,-7} [{header.Cpu:D3}] {micros / 1_000_000,5}.{micros % 1_000_000:D6}: {values.Schema.Name}: ", out int prefix))
            {
                int written;
                bool fits;
                try
                {
                    fits = _formatter!(record, header, line.Slice(prefix), out written);
                }
                catch (TraceRecordException e)
                {
                    _text.Write(line.Slice(0, prefix));
                    _text.WriteLine($"(record not decoded: {e.Problem})");
                    return;
                }
                if (fits && prefix + written < line.Length)
                {
                    _text.Write(line.Slice(0, prefix + written));
                    ContextText.WriteText(_text, context);
                    _text.Write('\n');
                    return;
                }
            }
            _buffer = new char[_buffer.Length * 2];
        }
    }

    // Consecutive records mostly come from one task: its name is decoded once.
    private string CommandText(ReadOnlySpan<byte> command)
    {
        if (_commandText is null || !command.SequenceEqual(_commandBytes))
        {
            _commandBytes = command.ToArray();
            _commandText = Command(command);
            if (_json is not null)
                _commandJson = JsonEncodedText.Encode(_commandText, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        }
        return _commandText;
    }

    private void WriteJson(ReadOnlySpan<byte> record, in RecordHeader header, ReadOnlySpan<byte> command, FieldPrinter values, scoped in RecordContext context)
    {
        Utf8JsonWriter json = _json!;
        json.WriteStartObject();
        WriteTime(json, header.TimestampNanoseconds);
        json.WriteNumber(s_cpu, header.Cpu);
        json.WriteNumber(s_pid, header.ProcessId);
        json.WriteNumber(s_tid, record.Length >= 8 ? BitConverter.ToInt32(record.Slice(4)) : 0);
        CommandText(command);
        json.WriteString(s_comm, _commandJson);
        json.WriteString(s_event, _eventNames[header.EventIndex]);
        if ((header.Flags & RecordFlags.Truncated) != 0)
            json.WriteBoolean(s_truncated, true);
        json.WriteStartObject(s_fields);
        try
        {
            values.WriteJson(json, record);
        }
        catch (TraceRecordException e)
        {
            json.WriteString(s_error, e.Problem);
        }
        json.WriteEndObject();
        ContextText.WriteJson(json, context);
        json.WriteEndObject();
        EndJsonLine();
    }

    /// <summary>Ends the JSON object just written with a newline; writes the lines out when enough have gathered, or at once on a terminal.</summary>
    private void EndJsonLine()
    {
        Utf8JsonWriter json = _json!;
        json.Flush();
        json.Reset();
        ArrayBufferWriter<byte> lines = _jsonLines!;
        lines.GetSpan(1)[0] = (byte)'\n';
        lines.Advance(1);
        if (_terminal || lines.WrittenCount >= JsonFlushThreshold)
        {
            WriteJsonLines();
            if (_terminal)
                _stream.Flush();
        }
    }

    private void WriteJsonLines()
    {
        if (_jsonLines is not { WrittenCount: > 0 } lines)
            return;
        try
        {
            _stream.Write(lines.WrittenSpan);
        }
        finally
        {
            // What did not go out (the reader went away) is dropped, never written twice.
            lines.ResetWrittenCount();
        }
    }

    /// <summary>
    /// "time": seconds as a JSON number, the text <see cref="Utf8JsonWriter"/> writes for the
    /// double <c>nanoseconds / 1e9</c> (its shortest round-trip form). From 1 s to 10^6 s that
    /// quotient has at most 15 significant digits, which a double keeps exactly, so its shortest
    /// form is the decimal itself: written from the integer without formatting a double.
    /// </summary>
    private static void WriteTime(Utf8JsonWriter json, ulong nanoseconds)
    {
        if (nanoseconds < 1_000_000_000UL || nanoseconds >= 1_000_000_000_000_000UL)
        {
            json.WriteNumber(s_time, nanoseconds / 1e9);
            return;
        }
        Span<byte> text = stackalloc byte[24];
        ulong seconds = nanoseconds / 1_000_000_000UL;
        uint fraction = (uint)(nanoseconds - seconds * 1_000_000_000UL);
        Utf8Formatter.TryFormat(seconds, text, out int length);
        if (fraction != 0)
        {
            text[length++] = (byte)'.';
            int digits = 9;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }
            Utf8Formatter.TryFormat(fraction, text.Slice(length), out _, new StandardFormat('D', (byte)digits));
            length += digits;
        }
        json.WritePropertyName(s_time);
        json.WriteRawValue(text.Slice(0, length), skipInputValidation: true);
    }

    // The packet with the event's own text as its comment (a drop's reason and location).
    private void WritePacket(ReadOnlySpan<byte> record, in RecordHeader header, scoped in RecordContext context)
    {
        string? comment = null;
        if (_formatter is not null)
        {
            try
            {
                Span<char> text = stackalloc char[1024];
                comment = _formatter(record, header, text, out int written)
                    ? _events[header.EventIndex].Schema.FullName + ": " + text.Slice(0, written).ToString()
                    : _events[header.EventIndex].Schema.FullName;
            }
            catch (TraceRecordException e)
            {
                comment = $"{_events[header.EventIndex].Schema.FullName}: (record not decoded: {e.Problem})";
            }
        }
        _pcap!.Write(context.Packet, header.TimestampNanoseconds, comment);
    }

    private static string Command(ReadOnlySpan<byte> command)
    {
        int end = command.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? command.Slice(0, end) : command);
    }
}
