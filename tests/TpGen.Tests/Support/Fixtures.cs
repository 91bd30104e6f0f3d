using System;
using System.IO;
using TpGen.Frontends.Tracefs;
using TpGen.Schema;

namespace TpGen.Tests.Support;

/// <summary>The real format files this test suite carries (from a 6.18 kernel), and other test inputs.</summary>
internal static class Fixtures
{
    /// <summary>Fixtures/Tracepoints, laid out as tracefs' events directory.</summary>
    public static string EventsDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Tracepoints");

    /// <summary>
    /// The reference dump of Debian's 6.1 kernel (tracefs formats and BTF): TPGEN_REFERENCE_KERNELS
    /// when set, else shared/kernels in the nearest directory above the repository that has one.
    /// </summary>
    public static string Debian61Directory
    {
        get
        {
            const string Kernel = "6.1.0-56-amd64";
            string? configured = Environment.GetEnvironmentVariable("TPGEN_REFERENCE_KERNELS");
            if (!string.IsNullOrEmpty(configured))
                return Path.Combine(configured, Kernel);
            for (string? directory = Path.GetDirectoryName(RepositoryRoot); directory is not null; directory = Path.GetDirectoryName(directory))
            {
                string candidate = Path.Combine(directory, "shared", "kernels", Kernel);
                if (Directory.Exists(candidate))
                    return candidate;
            }
            return Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "kernels", Kernel));
        }
    }

    /// <summary>The configuration (Debug, Release) this test assembly was built in, and with it every project it references.</summary>
    public static string BuildConfiguration => Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/')))!;

    /// <summary>The repository root (found from the test binary's location).</summary>
    public static string RepositoryRoot
    {
        get
        {
            string? directory = AppContext.BaseDirectory;
            while (directory is not null && !File.Exists(Path.Combine(directory, "TpGen.sln")))
                directory = Path.GetDirectoryName(directory);
            return directory ?? throw new InvalidOperationException("TpGen.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string FormatText(string system, string name) => File.ReadAllText(Path.Combine(EventsDirectory, system, name, "format"));

    public static TracepointSchema Schema(string system, string name) =>
        FormatFileReader.ReadOrThrow(FormatText(system, name), system, $"{system}/{name}/format", name);
}
