namespace TpGen.Emitters.Bpf;

/// <summary>Choices for the emitted BPF program.</summary>
/// <param name="PayloadBytesPerField">
/// Bytes of <c>__data_loc</c> payload copied per dynamic field. <c>bpf_ringbuf_reserve</c> needs
/// a constant size, so longer payloads are cut and the record's header says so.
/// </param>
/// <param name="CaptureCommand">Whether each record also carries the task's command name (16 bytes after the header).</param>
public sealed record BpfOptions(int PayloadBytesPerField = 256, bool CaptureCommand = false)
{
    /// <summary>The default options.</summary>
    public static BpfOptions Default { get; } = new();

    /// <summary>No event copies more than this much payload, whatever its field count.</summary>
    public const int MaxPayloadBytes = 8192;
}
