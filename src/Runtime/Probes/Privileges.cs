using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace TpGen.Probes;

/// <summary>Checks that the process may load BPF programs and attach them to tracepoints.</summary>
public static class Privileges
{
    private const int CapSysAdmin = 21;
    private const int CapPerfmon = 38;
    private const int CapBpf = 39;

    /// <summary>The capabilities attaching needs that this process lacks (empty when it has them).</summary>
    public static IReadOnlyList<string> Missing()
    {
        ulong effective = EffectiveCapabilities();
        bool admin = Has(effective, CapSysAdmin);
        var missing = new List<string>();
        if (!admin && !Has(effective, CapBpf))
            missing.Add("CAP_BPF");
        if (!admin && !Has(effective, CapPerfmon))
            missing.Add("CAP_PERFMON");
        return missing;
    }

    /// <summary>Throws when capabilities are missing, naming them and how to grant them.</summary>
    /// <exception cref="ProbeException">A capability is missing.</exception>
    public static void Require()
    {
        IReadOnlyList<string> missing = Missing();
        if (missing.Count == 0)
            return;
        throw new ProbeException(ProbeFailure.NotPermitted,
            $"Loading BPF programs and attaching them to tracepoints needs CAP_BPF and CAP_PERFMON (or root); this process lacks {string.Join(" and ", missing)}. " +
            "Run it as root, or grant the capabilities to the program: sudo setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep <program>.");
    }

    private static bool Has(ulong capabilities, int capability) => (capabilities >> capability & 1) != 0;

    private static ulong EffectiveCapabilities()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal) &&
                    ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong value))
                    return value;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        // Without /proc, fall back to the user id: root has every capability.
        return Interop.Libc.GetEffectiveUserId() == 0 ? ulong.MaxValue : 0;
    }
}
