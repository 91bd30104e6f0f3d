using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Frontends.Headers;
using TpGen.Schema;

namespace TpGen.Tool.Events;

/// <summary>
/// A kernel's headers (Debian's linux-headers-VERSION-ARCH, or a source tree), read through
/// libclang the way the kernel's trace-event machinery expands them: for a kernel other than the
/// running one. Each system is one translation unit (about a second), read when an event of it is.
/// Listing reads only the headers' text (<see cref="HeaderEventNames"/>), so it takes seconds for
/// the whole tree and lists systems whose header does not compile on its own too.
/// </summary>
internal sealed class HeadersSource : EventSource
{
    private readonly KernelHeaders _headers;
    private readonly Lazy<Dictionary<string, string>> _config;
    private readonly Dictionary<string, List<(string System, string Name)>> _scans = new(StringComparer.Ordinal);

    private HeadersSource(KernelHeaders headers)
    {
        _headers = headers;
        _config = new Lazy<Dictionary<string, string>>(() => HeaderEventNames.ReadConfig(headers.Tree.BuildDirectory));
    }

    public override string Description => "headers " + _headers.Tree;

    /// <summary>Opens a header tree; <paramref name="prelude"/> adds headers every system's translation unit includes first.</summary>
    /// <exception cref="HeadersException">The tree is not a kernel header tree, or libclang is missing.</exception>
    public static HeadersSource Open(string directory, IReadOnlyList<string>? prelude = null)
    {
        var options = prelude is { Count: > 0 } ? new KernelHeadersOptions { Prelude = [.. KernelHeadersOptions.DefaultPrelude, .. prelude] } : KernelHeadersOptions.Default;
        return new(new KernelHeaders(HeaderTree.Open(directory), options));
    }

    public override IReadOnlyList<(string System, string Name)> List(EventSpec? spec)
    {
        IEnumerable<string> systems = spec is not null && spec.System.IndexOfAny(['*', '?']) < 0
            ? [spec.System]
            : _headers.Tree.ListSystems();
        var events = new List<(string, string)>();
        foreach (string system in systems)
        {
            if (spec is not null && !spec.MatchesSystem(system))
                continue;
            try
            {
                List<(string System, string Name)> named = Scan(system);
                // An event named in full that the text does not show (made by a macro of another header): the compiled header decides.
                if (spec is not null && spec.IsExact && !named.Contains((system, spec.Name)))
                    named = _headers.ListEvents(system).Select(name => (system, name)).ToList();
                events.AddRange(named);
            }
            catch (Exception e) when (e is HeadersException or IOException or UnauthorizedAccessException)
            {
                // One system whose header is missing or does not compile is left out, and reported; the others are listed.
                Problems.Add(new EventProblem(system, e.Message));
            }
        }
        return events.Distinct().OrderBy(e => e.Item1 + ":" + e.Item2, StringComparer.Ordinal).ToList();
    }

    public override TracepointSchema Read(string system, string name)
    {
        try
        {
            return _headers.ReadEvent(system, name);
        }
        catch (HeadersException e) when (e.Problem == HeadersProblem.ParseFailed)
        {
            // The library's advice names its option; on the command line it is --prelude.
            throw new HeadersException(e.Problem, e.Message + " With tpgen: --prelude HEADER (repeatable), e.g. --prelude linux/netdevice.h.");
        }
    }

    // The events the system's header text defines, for this system.
    private List<(string System, string Name)> Scan(string system)
    {
        SystemHeader header = _headers.Tree.FindSystemHeader(system);
        if (!_scans.TryGetValue(header.Path, out List<(string System, string Name)>? all))
            _scans[header.Path] = all = HeaderEventNames.Scan(File.ReadAllText(header.Path), _config.Value);
        return all.Where(e => e.System == system).ToList();
    }
}
