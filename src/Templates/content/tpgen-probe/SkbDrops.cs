using TpGen;

namespace TpGenProbe;

/// <summary>
/// Every packet the kernel drops, with its reason. The build generates the rest of this class:
/// <c>Attach()</c>, the event type <c>KfreeSkb</c> and its owned copy <c>KfreeSkbRecord</c>, and
/// the enum <c>SkbDropReason</c>, all read from the running kernel's own description of the event.
/// Add another <c>[Tracepoint("system", "event")]</c> to trace more (<c>tpgen list</c> shows them).
/// </summary>
[Tracepoint("skb", "kfree_skb")]
public partial class SkbDrops;
