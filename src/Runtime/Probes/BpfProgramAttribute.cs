using System;

namespace TpGen.Probes;

/// <summary>
/// Carries a probe set's BPF C program in the assembly, for the build step that compiles it with
/// clang after C# compilation. Generated code adds one per probe set; users never write it.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class BpfProgramAttribute : Attribute
{
    /// <summary>Records a probe set's program.</summary>
    /// <param name="probeSetName">The probe set's name (its class's full name).</param>
    /// <param name="sourceHash">The hash that names the compiled object.</param>
    /// <param name="source">The BPF C program.</param>
    public BpfProgramAttribute(string probeSetName, string sourceHash, string source)
    {
        ProbeSetName = probeSetName;
        SourceHash = sourceHash;
        Source = source;
    }

    /// <summary>The probe set's name.</summary>
    public string ProbeSetName { get; }

    /// <summary>The hash that names the compiled object.</summary>
    public string SourceHash { get; }

    /// <summary>The BPF C program.</summary>
    public string Source { get; }
}
