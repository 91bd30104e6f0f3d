using System;
using System.Buffers.Binary;
using TpGen.Emitters.Bpf;
using TpGen.Packets;

namespace TpGen.Context;

/// <summary>
/// What a record carries besides the tracepoint's own fields, read in place: the process's
/// command name and cgroup id, the user-space strings its syscall arguments point to, and the
/// packet of an skb event. Every generated view and record has one (<c>Context</c>); nothing is
/// allocated until a string is decoded.
/// </summary>
public readonly ref struct RecordContext
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly EventContextLayout _layout;

    /// <summary>Reads <paramref name="bytes"/> (between the record's header and the record) as <paramref name="layout"/> says.</summary>
    public RecordContext(ReadOnlySpan<byte> bytes, EventContextLayout? layout)
    {
        _layout = layout ?? EventContextLayout.None;
        _bytes = bytes.Length >= _layout.Size ? bytes : default;
    }

    /// <summary>The raw bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Where each part is.</summary>
    public EventContextLayout Layout => _layout;

    /// <summary>Whether the record carries the command name.</summary>
    public bool HasCommand => _layout.CommandOffset >= 0 && !_bytes.IsEmpty;

    /// <summary>The task's command name when the event fired (<c>comm</c>); empty when the probe set did not ask for it.</summary>
    public KernelString Command => HasCommand ? new KernelString(_bytes.Slice(_layout.CommandOffset, 16)) : default;

    /// <summary>Whether the record carries the cgroup id.</summary>
    public bool HasCgroupId => _layout.CgroupIdOffset >= 0 && !_bytes.IsEmpty;

    /// <summary>The task's cgroup (v2) id when the event fired; 0 when the probe set did not ask for it.</summary>
    public ulong CgroupId => HasCgroupId ? BinaryPrimitives.ReadUInt64LittleEndian(_bytes.Slice(_layout.CgroupIdOffset)) : 0;

    /// <summary>Whether user string <paramref name="index"/> (the build's order of the event's string fields) was read from the process's memory.</summary>
    public bool IsUserStringRead(int index) => _layout.String(index) is { } text && (Status & ContextConfigLayout.StringRead(text.Index)) != 0;

    /// <summary>
    /// User string <paramref name="index"/>: the text a syscall argument pointed to when the event
    /// fired, up to the bound (<see cref="KernelString.IsTruncated"/> says it was cut); empty when
    /// it could not be read (memory the kernel could not read without faulting it in) or is not captured.
    /// </summary>
    public KernelString UserString(int index) => _layout.String(index) is { } text ? Read(text) : default;

    /// <summary>The user string the record field <paramref name="field"/> points to (see <see cref="UserString(int)"/>).</summary>
    public KernelString UserString(string field) => _layout.String(field) is { } text ? Read(text) : default;

    /// <summary>Whether the user string <paramref name="field"/> points to was read.</summary>
    public bool IsUserStringRead(string field) => _layout.String(field) is { } text && (Status & ContextConfigLayout.StringRead(text.Index)) != 0;

    /// <summary>Whether the record carries a packet.</summary>
    public bool HasPacket => _layout.PacketOffset >= 0 && !_bytes.IsEmpty;

    /// <summary>The packet of an skb event (its headers, device, namespace and first bytes); empty when the event captures none.</summary>
    public PacketView Packet => HasPacket
        ? new PacketView(_bytes.Slice(_layout.PacketOffset, PacketView.BlockSize + _layout.PacketBytes), Status, _layout.PacketBits!)
        : default;

    /// <summary>
    /// Whether the captured struct member in record field <paramref name="field"/> was read: false
    /// where a pointer on its path was NULL (the field then reads 0) or the field is not a capture.
    /// </summary>
    public bool IsMemberRead(string field)
    {
        int bit = _layout.MemberBit(field);
        return bit >= 0 && (Status & (1u << bit)) != 0;
    }

    private uint Status => _layout.StatusOffset >= 0 && !_bytes.IsEmpty ? BinaryPrimitives.ReadUInt32LittleEndian(_bytes.Slice(_layout.StatusOffset)) : 0;

    private KernelString Read(ContextString text)
    {
        uint status = Status;
        if ((status & ContextConfigLayout.StringRead(text.Index)) == 0)
            return default;
        return new KernelString(_bytes.Slice(text.Offset, text.Bound), (status & ContextConfigLayout.StringCut(text.Index)) != 0);
    }
}
