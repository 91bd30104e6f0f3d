using System;

namespace TpGen.Context;

/// <summary>
/// Asks for process context in every record of a probe set: put it on the class that carries the
/// <see cref="TracepointAttribute"/>s. Each view and record then has <c>Command</c> and/or
/// <c>CgroupId</c>, read when the event fired.
/// </summary>
/// <example>
/// <code>
/// [Tracepoint("syscalls", "sys_enter_openat")]
/// [ProcessContext(ProcessContext.Command | ProcessContext.CgroupId)]
/// public partial class Opens;
/// // opens.Run(onSysEnterOpenat: (in Opens.SysEnterOpenat e) =&gt; Console.WriteLine($"{e.Command.ToString()} {e.FilenameText.ToString()}"));
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ProcessContextAttribute : Attribute
{
    /// <summary>Asks for <paramref name="context"/> in every record.</summary>
    public ProcessContextAttribute(ProcessContext context) => Context = context;

    /// <summary>What every record carries.</summary>
    public ProcessContext Context { get; }
}
