using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// Tests that attach BPF programs and count kernel events run alone: another test's traffic or
/// CPU load would change what they count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelCollection
{
    public const string Name = "Kernel";
}
