using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

using TpGen.Schema;

namespace TpGen.Frontends.Headers;

/// <summary>
/// A kernel header tree for x86_64: the sources (<c>srctree</c>: <c>include/</c>,
/// <c>arch/x86/include/</c>) and the configured build's generated headers (<c>objtree</c>:
/// <c>include/generated/autoconf.h</c>, <c>arch/x86/include/generated/</c>). Debian splits these
/// into two packages, <c>linux-headers-&lt;ver&gt;-common</c> (sources) and
/// <c>linux-headers-&lt;ver&gt;-amd64</c> (build); a configured and prepared kernel source tree
/// is both at once.
/// </summary>
public sealed partial class HeaderTree
{
    // The kernel's SRCARCH for x86_64; the frontend compiles for this target only.
    private const string Arch = "x86";

    private readonly Lazy<Dictionary<string, string>> _traceMacros;

    private HeaderTree(string sourceDirectory, string buildDirectory)
    {
        SourceDirectory = sourceDirectory;
        BuildDirectory = buildDirectory;
        Release = ReadRelease(buildDirectory);
        VersionCode = ReadVersionCode(buildDirectory);
        _traceMacros = new Lazy<Dictionary<string, string>>(IndexTraceMacros);
    }

    /// <summary>The kernel sources: <c>include/linux/kconfig.h</c> is here (Debian's <c>-common</c> package).</summary>
    public string SourceDirectory { get; }

    /// <summary>The configured build: <c>include/generated/autoconf.h</c> is here (Debian's <c>-amd64</c> package); the same as <see cref="SourceDirectory"/> for a source tree built in place.</summary>
    public string BuildDirectory { get; }

    /// <summary>The kernel release the headers were configured for (<c>UTS_RELEASE</c>, e.g. <c>6.1.0-56-amd64</c>), or null when the tree does not say.</summary>
    public string? Release { get; }

    /// <summary><c>LINUX_VERSION_CODE</c> (e.g. 0x0601C0 for 6.1.192), or 0 when the tree does not say.</summary>
    public int VersionCode { get; }

    /// <summary>
    /// Opens a header tree from one directory: Debian's <c>linux-headers-&lt;ver&gt;-&lt;flavour&gt;</c>
    /// (its Makefile names the <c>-common</c> directory), a kernel build directory made with
    /// <c>O=</c> (its <c>source</c> link names the sources), <c>/lib/modules/&lt;release&gt;/build</c>,
    /// or a configured and prepared source tree.
    /// </summary>
    /// <exception cref="HeadersException">The directory is missing or is not such a tree (<see cref="HeadersProblem.TreeNotFound"/>).</exception>
    public static HeaderTree Open(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
            throw new HeadersException(HeadersProblem.TreeNotFound, $"The kernel header tree {full} does not exist. Install the headers of the kernel to build against (on Debian: apt-get install linux-headers-<release>, which puts them in /usr/src/linux-headers-<release>) and pass that directory.");

        bool configured = File.Exists(Path.Combine(full, "include", "generated", "autoconf.h"));
        bool hasSources = File.Exists(Path.Combine(full, "include", "linux", "kconfig.h"));
        if (configured && hasSources)
            return Create(full, full);
        if (configured)
        {
            string? sources = FindSourcesOfBuildDirectory(full);
            if (sources is null)
                throw new HeadersException(HeadersProblem.TreeNotFound, $"{full} holds a configured kernel build (include/generated/autoconf.h) but not its sources, and neither its Makefile ('include <sources>/Makefile', as Debian writes it) nor a 'source' link says where they are. Pass both directories to {nameof(HeaderTree)}.{nameof(FromDirectories)}.");
            return Create(sources, full);
        }
        if (hasSources)
            throw new HeadersException(HeadersProblem.TreeNotFound, $"{full} holds kernel sources but no configuration (include/generated/autoconf.h is missing). Pass Debian's configured package instead (linux-headers-<release>, e.g. linux-headers-6.1.0-56-amd64 rather than its -common half), or configure and prepare the tree (make olddefconfig && make prepare).");
        throw new HeadersException(HeadersProblem.TreeNotFound, $"{full} is not a kernel header tree: it has neither include/linux/kconfig.h nor include/generated/autoconf.h. Pass /usr/src/linux-headers-<release> or a configured kernel source tree.");
    }

    /// <summary>A header tree from its two halves: the sources and the configured build (the same directory for a tree built in place).</summary>
    /// <exception cref="HeadersException">Either half is missing or incomplete.</exception>
    public static HeaderTree FromDirectories(string sourceDirectory, string buildDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceDirectory);
        ArgumentException.ThrowIfNullOrEmpty(buildDirectory);
        string sources = Path.GetFullPath(sourceDirectory);
        string build = Path.GetFullPath(buildDirectory);
        if (!File.Exists(Path.Combine(sources, "include", "linux", "kconfig.h")))
            throw new HeadersException(HeadersProblem.TreeNotFound, $"{sources} does not hold kernel sources (no include/linux/kconfig.h).");
        if (!File.Exists(Path.Combine(build, "include", "generated", "autoconf.h")))
            throw new HeadersException(HeadersProblem.TreeNotFound, $"{build} does not hold a configured kernel build (no include/generated/autoconf.h).");
        return Create(sources, build);
    }

    private static HeaderTree Create(string sources, string build)
    {
        if (!Directory.Exists(Path.Combine(build, "arch", Arch, "include", "generated")))
            throw new HeadersException(HeadersProblem.TreeNotFound, $"{build} has no arch/{Arch}/include/generated: the frontend reads x86_64 kernels only, from a configured and prepared tree.");
        return new HeaderTree(sources, build);
    }

    /// <summary>
    /// The include directories in the order kbuild's LINUXINCLUDE gives them (for a build with
    /// separate source and object trees): arch, generated arch, include, then the uapi ones.
    /// </summary>
    internal IReadOnlyList<string> IncludeDirectories
    {
        get
        {
            var directories = new List<string>
            {
                Path.Combine(SourceDirectory, "arch", Arch, "include"),
                Path.Combine(BuildDirectory, "arch", Arch, "include", "generated"),
                Path.Combine(SourceDirectory, "include"),
            };
            if (BuildDirectory != SourceDirectory)
                directories.Add(Path.Combine(BuildDirectory, "include"));
            directories.Add(Path.Combine(SourceDirectory, "arch", Arch, "include", "uapi"));
            directories.Add(Path.Combine(BuildDirectory, "arch", Arch, "include", "generated", "uapi"));
            directories.Add(Path.Combine(SourceDirectory, "include", "uapi"));
            directories.Add(Path.Combine(BuildDirectory, "include", "generated", "uapi"));
            return directories;
        }
    }

    /// <summary>The headers kbuild forces into every compilation (<c>-include</c>), in its order.</summary>
    internal IReadOnlyList<string> ForcedIncludes =>
    [
        Path.Combine(SourceDirectory, "include", "linux", "compiler-version.h"),
        Path.Combine(SourceDirectory, "include", "linux", "kconfig.h"),
        Path.Combine(SourceDirectory, "include", "linux", "compiler_types.h"),
    ];

    /// <summary>
    /// The header that defines trace system <paramref name="system"/>, as an <c>#include</c>
    /// name and a path: <c>include/trace/events/&lt;system&gt;.h</c>, else the arch's
    /// <c>asm/trace/&lt;system&gt;.h</c>, else the header in either directory whose
    /// <c>#define TRACE_SYSTEM</c> names it (e.g. <c>raw_syscalls</c> in <c>syscalls.h</c>),
    /// else such a header anywhere on the include path (<c>asm/msr-trace.h</c>).
    /// </summary>
    /// <exception cref="HeadersException">No header defines the system (<see cref="HeadersProblem.SystemHeaderNotFound"/>).</exception>
    public SystemHeader FindSystemHeader(string system)
    {
        TraceNames.ThrowIfInvalidSystem(system, nameof(system));
        (string Directory, string IncludePrefix)[] roots = TraceHeaderDirectories;
        string? misnamed = null;
        foreach ((string directory, string prefix) in roots)
        {
            string path = Path.Combine(directory, system + ".h");
            if (!File.Exists(path))
                continue;
            // syscalls.h defines raw_syscalls: a file's name is only a first guess.
            List<string> defined = DefinedSystems(path);
            if (defined.Count == 0 || defined.Contains(system))
                return new SystemHeader(system, prefix + system + ".h", path);
            misnamed = $" ({prefix}{system}.h is there but defines trace system '{string.Join("', '", defined)}')";
        }
        foreach ((string directory, string prefix) in roots)
        {
            if (!Directory.Exists(directory))
                continue;
            string[] files = Directory.GetFiles(directory, "*.h");
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string path in files)
            {
                if (DefinedSystems(path).Contains(system))
                    return new SystemHeader(system, prefix + Path.GetFileName(path), path);
            }
        }
        // Last, any header on the include path (asm/msr-trace.h defines msr, ras/ras_event.h ras): a few
        // thousand files, read only when the usual places have no header for the system.
        foreach (string includeRoot in new[] { Path.Combine(SourceDirectory, "arch", Arch, "include"), Path.Combine(SourceDirectory, "include") })
        {
            if (!Directory.Exists(includeRoot))
                continue;
            string[] files = Directory.GetFiles(includeRoot, "*.h", SearchOption.AllDirectories);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string path in files)
            {
                if (DefinedSystems(path).Contains(system))
                    return new SystemHeader(system, Path.GetRelativePath(includeRoot, path).Replace(Path.DirectorySeparatorChar, '/'), path);
            }
        }
        throw new HeadersException(HeadersProblem.SystemHeaderNotFound,
            $"No header in {SourceDirectory} defines trace system '{system}': looked for include/trace/events/{system}.h and arch/{Arch}/include/asm/trace/{system}.h{misnamed}, and for '#define TRACE_SYSTEM {system}' in every header of include/ and arch/{Arch}/include/. " +
            "Systems whose header lives beside a driver or subsystem (TRACE_INCLUDE_PATH, e.g. kvm's arch/x86/kvm/trace.h) are not part of a headers package, and some systems are made by the kernel itself (syscalls, ftrace): read those from the running kernel's tracefs or BTF, or from a full kernel source tree.");
    }

    /// <summary>
    /// The trace systems the usual trace header directories define (<c>include/trace/events</c>
    /// and the arch's <c>asm/trace</c>), by their <c>#define TRACE_SYSTEM</c>, sorted. Systems
    /// whose header lives elsewhere are found by <see cref="FindSystemHeader"/> but not listed.
    /// </summary>
    public IReadOnlyList<string> ListSystems()
    {
        var systems = new SortedSet<string>(StringComparer.Ordinal);
        foreach ((string directory, string _) in TraceHeaderDirectories)
        {
            if (!Directory.Exists(directory))
                continue;
            foreach (string path in Directory.GetFiles(directory, "*.h"))
            {
                foreach (string system in DefinedSystems(path))
                    systems.Add(system);
            }
        }
        return new List<string>(systems);
    }

    /// <summary>
    /// The trace header (as an include name) that defines function-like macro <paramref name="macro"/>,
    /// or null. Some trace headers call helper macros that another one defines (tcp.h uses
    /// sock.h's <c>show_family_name</c>); the kernel's creating .c file includes that one first.
    /// </summary>
    internal string? FindTraceMacroHeader(string macro) => _traceMacros.Value.TryGetValue(macro, out string? header) ? header : null;

    private (string Directory, string IncludePrefix)[] TraceHeaderDirectories =>
    [
        (Path.Combine(SourceDirectory, "include", "trace", "events"), "trace/events/"),
        (Path.Combine(SourceDirectory, "arch", Arch, "include", "asm", "trace"), "asm/trace/"),
    ];

    private Dictionary<string, string> IndexTraceMacros()
    {
        var macros = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string directory, string prefix) in TraceHeaderDirectories)
        {
            if (!Directory.Exists(directory))
                continue;
            string[] files = Directory.GetFiles(directory, "*.h");
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string path in files)
            {
                foreach (string line in File.ReadLines(path))
                {
                    Match match = FunctionLikeMacroDefinition().Match(line);
                    if (match.Success)
                        macros.TryAdd(match.Groups[1].Value, prefix + Path.GetFileName(path));
                }
            }
        }
        return macros;
    }

    private static List<string> DefinedSystems(string path)
    {
        var systems = new List<string>();
        foreach (string line in File.ReadLines(path))
        {
            Match match = TraceSystemDefinition().Match(line);
            if (match.Success && !systems.Contains(match.Groups[1].Value))
                systems.Add(match.Groups[1].Value);
        }
        return systems;
    }

    private static string? FindSourcesOfBuildDirectory(string build)
    {
        // Debian's -amd64 package: its Makefile is one line, "include /usr/src/linux-headers-<ver>-common/Makefile".
        string makefile = Path.Combine(build, "Makefile");
        if (File.Exists(makefile))
        {
            foreach (string line in File.ReadLines(makefile))
            {
                Match match = MakefileInclude().Match(line);
                if (match.Success)
                {
                    string candidate = Path.GetDirectoryName(Path.GetFullPath(match.Groups[1].Value, build))!;
                    if (File.Exists(Path.Combine(candidate, "include", "linux", "kconfig.h")))
                        return candidate;
                }
            }
        }
        // A build directory made with O= links to its sources.
        string source = Path.Combine(build, "source");
        if (Directory.Exists(source) && File.Exists(Path.Combine(source, "include", "linux", "kconfig.h")))
            return Path.GetFullPath(source);
        return null;
    }

    private static string? ReadRelease(string build)
    {
        string path = Path.Combine(build, "include", "generated", "utsrelease.h");
        if (!File.Exists(path))
            return null;
        Match match = UtsRelease().Match(File.ReadAllText(path));
        return match.Success ? match.Groups[1].Value : null;
    }

    private static int ReadVersionCode(string build)
    {
        string path = Path.Combine(build, "include", "generated", "uapi", "linux", "version.h");
        if (!File.Exists(path))
            return 0;
        Match match = VersionCodeDefinition().Match(File.ReadAllText(path));
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int code) ? code : 0;
    }

    /// <inheritdoc/>
    public override string ToString() => SourceDirectory == BuildDirectory ? SourceDirectory : $"{BuildDirectory} (sources in {SourceDirectory})";

    [GeneratedRegex(@"^\s*#\s*define\s+TRACE_SYSTEM\s+([A-Za-z_][A-Za-z0-9_]*)\s*$")]
    private static partial Regex TraceSystemDefinition();

    [GeneratedRegex(@"^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)\(")]
    private static partial Regex FunctionLikeMacroDefinition();

    [GeneratedRegex(@"^\s*include\s+(\S+/Makefile)\s*$")]
    private static partial Regex MakefileInclude();

    [GeneratedRegex("#define UTS_RELEASE \"([^\"]*)\"")]
    private static partial Regex UtsRelease();

    [GeneratedRegex(@"#define LINUX_VERSION_CODE (\d+)")]
    private static partial Regex VersionCodeDefinition();
}

