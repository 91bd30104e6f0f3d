namespace TpGen.Frontends.Headers;

/// <summary>
/// A <c>TRACE_DEFINE_ENUM(name)</c> or <c>TRACE_DEFINE_SIZEOF(type)</c> of a trace system: a
/// <c>struct trace_eval_map</c> that tells the kernel the value of a name its print fmts use.
/// </summary>
/// <param name="System">The system whose events it applies to.</param>
/// <param name="Name">The text replaced: an enumerator, or <c>sizeof(type)</c>.</param>
/// <param name="Value">Its value (<c>eval_value</c>, an <c>unsigned long</c> the kernel prints with <c>%ld</c>).</param>
public sealed record TraceEvalMap(string System, string Name, long Value);
