using TpGen.Text;

namespace TpGen.Schema;

/// <summary>A kernel enum with its names and values, e.g. <c>enum skb_drop_reason</c> from BTF.</summary>
/// <param name="Name">The C tag without <c>enum</c>, e.g. <c>skb_drop_reason</c>.</param>
/// <param name="Size">The size in bytes of the enum's values.</param>
/// <param name="IsSigned">Whether the values are signed.</param>
/// <param name="Members">The enumerators in declaration order.</param>
public sealed record EnumSpec(string Name, int Size, bool IsSigned, EquatableArray<EnumMember> Members);

/// <summary>One enumerator of a kernel enum.</summary>
/// <param name="Name">The enumerator's name, e.g. <c>SKB_DROP_REASON_NO_SOCKET</c>.</param>
/// <param name="Value">Its value, as the 64-bit pattern of the constant.</param>
public sealed record EnumMember(string Name, long Value);
