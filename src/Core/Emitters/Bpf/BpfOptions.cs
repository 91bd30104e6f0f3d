namespace TpGen.Emitters.Bpf;

/// <summary>How the BPF handlers copy records, set in their configuration at load.</summary>
/// <param name="PayloadBytesPerField">
/// Bytes of <c>__data_loc</c> payload copied per dynamic field. <c>bpf_ringbuf_reserve</c> needs
/// a size the verifier knows, so longer payloads are cut and the record's header says so.
/// </param>
public sealed record BpfOptions(int PayloadBytesPerField = 256)
{
    /// <summary>The default options.</summary>
    public static BpfOptions Default { get; } = new();

    /// <summary>No event copies more than this much payload, whatever its field count.</summary>
    public const int MaxPayloadBytes = 8192;
}
