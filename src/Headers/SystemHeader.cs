namespace TpGen.Frontends.Headers;

/// <summary>The header that defines a trace system.</summary>
/// <param name="System">The system (<c>TRACE_SYSTEM</c>), e.g. <c>skb</c>.</param>
/// <param name="IncludeName">The name to <c>#include &lt;...&gt;</c> it by, e.g. <c>trace/events/skb.h</c>.</param>
/// <param name="Path">The file.</param>
public sealed record SystemHeader(string System, string IncludeName, string Path);
