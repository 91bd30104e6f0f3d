using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TpGen.Kernel;

namespace Decoders;

/// <summary>
/// skb:kfree_skb decoded by hand, as someone who read the format file would write it: a length
/// check, then unaligned reads at the offsets of the format. The baseline the generated view is
/// measured against.
/// </summary>
internal readonly ref struct HandKfreeSkb
{
    public const int Size = 40;
    private readonly ReadOnlySpan<byte> _record;

    public HandKfreeSkb(ReadOnlySpan<byte> record)
    {
        if (record.Length < Size)
            Throw(record.Length);
        _record = record;
    }

    public int CommonPid => Read<int>(4);
    public ulong Skbaddr => Read<ulong>(8);
    public ulong Location => Read<ulong>(16);
    public ulong RxSk => Read<ulong>(24);
    public ushort Protocol => Read<ushort>(32);
    public uint Reason => Read<uint>(36);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T Read<T>(int offset) where T : unmanaged => MemoryMarshal.Read<T>(_record.Slice(offset));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(int length) => throw new ArgumentException($"a kfree_skb record needs {Size} bytes, not {length}");

    /// <summary>The kernel's text for the event: skbaddr=%p rx_sk=%p protocol=%u location=%pS reason: %s.</summary>
    public bool TryFormat(Span<char> destination, out int written, string?[] reasonNames)
    {
        written = 0;
        if (!destination.TryWrite($"skbaddr={Skbaddr:x16} rx_sk={RxSk:x16} protocol={Protocol} location=", out int head))
            return false;
        int position = head;
        ulong location = Location;
        if (KernelSymbols.Default.TryLookup(location, out string name, out ulong offset, out ulong size, out string? module))
        {
            if (!destination.Slice(position).TryWrite($"{name}+0x{offset:x}/0x{size:x}", out int symbol))
                return false;
            position += symbol;
            if (module is not null)
            {
                if (!destination.Slice(position).TryWrite($" [{module}]", out int moduleName))
                    return false;
                position += moduleName;
            }
        }
        else if (!destination.Slice(position).TryWrite($"0x{location:x}", out int address))
        {
            return false;
        }
        else
        {
            position += address;
        }
        uint reason = Reason;
        string? reasonName = reason < (uint)reasonNames.Length ? reasonNames[reason] : null;
        bool fits = reasonName is not null
            ? destination.Slice(position).TryWrite($" reason: {reasonName}", out int tail)
            : destination.Slice(position).TryWrite($" reason: 0x{reason:x}", out tail);
        if (!fits)
            return false;
        written = position + tail;
        return true;
    }
}

/// <summary>sched:sched_process_exec decoded by hand: the fixed part, then the __data_loc filename.</summary>
internal readonly ref struct HandSchedProcessExec
{
    public const int FixedSize = 20;
    private readonly ReadOnlySpan<byte> _record;

    public HandSchedProcessExec(ReadOnlySpan<byte> record)
    {
        if (record.Length < FixedSize)
            Throw();
        uint location = MemoryMarshal.Read<uint>(record.Slice(8));
        int start = (int)(location & 0xFFFF), length = (int)(location >> 16);
        if (length != 0 && (start < FixedSize || start > record.Length))
            Throw();
        _record = record;
    }

    /// <summary>The filename's bytes, up to the first NUL, clamped to the record.</summary>
    public ReadOnlySpan<byte> Filename
    {
        get
        {
            uint location = MemoryMarshal.Read<uint>(_record.Slice(8));
            int start = (int)(location & 0xFFFF);
            int length = Math.Min((int)(location >> 16), _record.Length - start);
            ReadOnlySpan<byte> bytes = _record.Slice(start, length);
            int nul = bytes.IndexOf((byte)0);
            return nul >= 0 ? bytes.Slice(0, nul) : bytes;
        }
    }

    public int Pid => MemoryMarshal.Read<int>(_record.Slice(12));
    public int OldPid => MemoryMarshal.Read<int>(_record.Slice(16));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw() => throw new ArgumentException("not a sched_process_exec record");

    /// <summary>The kernel's text: filename=%s pid=%d old_pid=%d.</summary>
    public bool TryFormat(Span<char> destination, out int written)
    {
        written = 0;
        const string Prefix = "filename=";
        ReadOnlySpan<byte> filename = Filename;
        if (destination.Length < Prefix.Length)
            return false;
        Prefix.CopyTo(destination);
        int position = Prefix.Length;
        if (!Encoding.UTF8.TryGetChars(filename, destination.Slice(position), out int chars))
            return false;
        position += chars;
        if (!destination.Slice(position).TryWrite($" pid={Pid} old_pid={OldPid}", out int tail))
            return false;
        written = position + tail;
        return true;
    }
}
