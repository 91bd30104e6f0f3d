using System;
using System.Runtime.InteropServices;
using System.Text;
using TpGen.Probes;
using Xunit;

namespace TpGen.Tests.Probes;

/// <summary>
/// The consumer's side of a BPF ring buffer, over memory laid out as the kernel lays one out
/// (include/uapi/linux/bpf.h): each record an 8-byte header (its length, with a busy and a discard
/// bit) and its data, rounded up to 8 bytes; the consumer position moves past a record only once
/// the sink is done with it, and past a record whose sink threw, which is never handed over again.
/// </summary>
public sealed unsafe class RingBufferProtocolTests
{
    private const uint BusyBit = 1u << 31;
    private const uint DiscardBit = 1u << 30;

    [Fact]
    public void ASinkThatThrows_GivesBackOnlyItsRecord_AndTheNextPassStartsAfterIt()
    {
        using var ring = new Ring(256);
        ring.Append("x", DiscardBit);
        ring.Append("A");
        ring.Append("Bb");
        ulong afterThrow = ring.Append("Ccc");
        ulong busy = ring.Append("D", BusyBit);
        var sink = new Sink(throwOn: 'B');

        var error = Assert.Throws<InvalidOperationException>(() => ring.Consume(ref sink));
        Assert.Equal("AB", sink.Seen.ToString());
        Assert.Equal("sink refused B", error.Message);
        Assert.Equal(afterThrow, ring.Consumer);

        long delivered = ring.Consume(ref sink);
        Assert.Equal(1, delivered);
        Assert.Equal("ABC", sink.Seen.ToString());
        Assert.Equal(busy, ring.Consumer);
    }

    [Fact]
    public void ARecordThatWrapsAround_IsReadWhole_FromTheSecondMapping_AndTheNextFromTheStart()
    {
        // Positions grow without end; the ring is the position modulo its size. Past one lap, the
        // first record runs over the end and the second starts again near the beginning.
        using var ring = new Ring(64);
        ring.Skip(64 + 48);
        ring.Append("Wrapped around the end");
        ring.Append("Next");
        var sink = new Sink(throwOn: '\0');

        Assert.Equal(2, ring.Consume(ref sink));
        Assert.Equal("WN", sink.Seen.ToString());
        Assert.Equal("Next", sink.LastText);
        Assert.Equal(ring.Producer, ring.Consumer);
    }

    // Records the first letter of each record and throws at the one that starts with throwOn.
    private struct Sink(char throwOn) : IRingBufferSink
    {
        public readonly StringBuilder Seen = new();
        public string LastText = "";

        public void OnSample(byte* data, int size)
        {
            LastText = Encoding.ASCII.GetString(data, size);
            Seen.Append(LastText[0]);
            if (LastText[0] == throwOn)
                throw new InvalidOperationException("sink refused " + throwOn);
        }
    }

    // The positions and the data, the data written twice in a row as the kernel maps it twice.
    private sealed class Ring : IDisposable
    {
        private readonly ulong* _positions;
        private readonly byte* _data;
        private readonly ulong _size;

        public Ring(ulong size)
        {
            _size = size;
            _positions = (ulong*)NativeMemory.AllocZeroed(16);
            _data = (byte*)NativeMemory.AllocZeroed((nuint)(2 * size));
        }

        public ulong Consumer => _positions[0];

        public ulong Producer => _positions[1];

        // Moves both positions on, as if records had been written and read there.
        public void Skip(ulong bytes)
        {
            _positions[0] += bytes;
            _positions[1] += bytes;
        }

        // Writes a record at the producer position and moves it on; returns where the record starts.
        public ulong Append(string text, uint flags = 0)
        {
            ulong at = _positions[1];
            byte[] record = new byte[(8 + text.Length + 7) & ~7];
            Assert.True(at + (ulong)record.Length - _positions[0] <= _size, "the record does not fit beside the unread ones");
            BitConverter.TryWriteBytes(record, (uint)text.Length | flags);
            Encoding.ASCII.GetBytes(text, record.AsSpan(8));
            for (int i = 0; i < record.Length; i++)
            {
                ulong offset = (at + (ulong)i) % _size;
                _data[offset] = record[i];
                _data[offset + _size] = record[i];
            }
            _positions[1] = at + (ulong)record.Length;
            return at;
        }

        public long Consume(ref Sink sink) => RingBufferReader.ConsumeAt(ref sink, &_positions[0], &_positions[1], _data, _size - 1);

        public void Dispose()
        {
            NativeMemory.Free(_positions);
            NativeMemory.Free(_data);
        }
    }
}
