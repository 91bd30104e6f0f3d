using TpGen.Text;

namespace TpGen.Relocation;

/// <summary>
/// A running kernel's value of a named field, matched to the build's by name: <c>NO_SOCKET</c>
/// is 2 on Debian's 6.1 and 3 on 6.18, and either decodes as the build's <c>NO_SOCKET</c>.
/// </summary>
/// <param name="Name">The name both kernels give it.</param>
/// <param name="KernelValue">The running kernel's value (a mask for flags).</param>
/// <param name="BuiltValue">The build's value (a mask for flags).</param>
public sealed record KnownSymbol(string Name, ulong KernelValue, ulong BuiltValue);

/// <summary>A value the running kernel names and the build does not: it keeps its number and its kernel name.</summary>
/// <param name="Name">The running kernel's name for it.</param>
/// <param name="KernelValue">Its value (a mask for flags).</param>
public sealed record UnknownSymbol(string Name, ulong KernelValue);

/// <summary>
/// How one field's named values translate from the running kernel to the build, by name.
/// Values the build names are translated; values only the running kernel names keep their
/// number and are named from the running kernel's table; names the build has and the running
/// kernel lacks never occur there.
/// </summary>
/// <param name="Field">The field's name.</param>
/// <param name="IsFlags">Whether the values are flag masks (<c>__print_flags</c>).</param>
/// <param name="Known">Names both have, with both values.</param>
/// <param name="Unknown">Names only the running kernel has.</param>
/// <param name="Missing">Names only the build has.</param>
public sealed record SymbolTranslation(
    string Field,
    bool IsFlags,
    EquatableArray<KnownSymbol> Known,
    EquatableArray<UnknownSymbol> Unknown,
    EquatableArray<string> Missing)
{
    /// <summary>Whether every value means the same on both: no translation is needed.</summary>
    public bool IsIdentity
    {
        get
        {
            if (Unknown.Count > 0)
                return false;
            foreach (KnownSymbol symbol in Known)
            {
                if (symbol.KernelValue != symbol.BuiltValue)
                    return false;
            }
            return true;
        }
    }

    /// <summary>How many names have another value on the running kernel.</summary>
    public int Renumbered
    {
        get
        {
            int count = 0;
            foreach (KnownSymbol symbol in Known)
            {
                if (symbol.KernelValue != symbol.BuiltValue)
                    count++;
            }
            return count;
        }
    }
}
