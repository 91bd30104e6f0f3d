namespace TpGen.Frontends.Headers;

/// <summary>What went wrong in the kernel-headers frontend.</summary>
public enum HeadersProblem
{
    /// <summary>The header tree is not there, or is not a kernel header tree.</summary>
    TreeNotFound,

    /// <summary>libclang cannot be loaded.</summary>
    LibclangNotFound,

    /// <summary>No header in the tree defines the requested system.</summary>
    SystemHeaderNotFound,

    /// <summary>clang reported errors for the system's translation unit.</summary>
    ParseFailed,

    /// <summary>The system's header does not define the requested event (in this configuration).</summary>
    EventNotDefined,

    /// <summary>The headers define the event in a shape this frontend does not read.</summary>
    Unsupported,
}
