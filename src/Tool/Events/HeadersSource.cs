using System.Collections.Generic;
using System.IO;
using System.Linq;
using TpGen.Frontends.Headers;
using TpGen.Schema;

namespace TpGen.Tool.Events;

/// <summary>
/// A kernel's headers (Debian's linux-headers-VERSION-ARCH, or a source tree), read through
/// libclang the way the kernel's trace-event machinery expands them: for a kernel other than the
/// running one. Each system is one translation unit (about a second), read when first needed.
/// </summary>
internal sealed class HeadersSource : EventSource
{
    private readonly KernelHeaders _headers;

    private HeadersSource(KernelHeaders headers) => _headers = headers;

    public override string Description => "headers " + _headers.Tree;

    /// <exception cref="HeadersException">The tree is not a kernel header tree, or libclang is missing.</exception>
    public static HeadersSource Open(string directory) => new(new KernelHeaders(HeaderTree.Open(directory)));

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
                events.AddRange(_headers.ListEvents(system).Select(name => (system, name)));
            }
            catch (HeadersException e)
            {
                // One system whose header is missing or does not compile is left out, and reported; the others are listed.
                Problems.Add(new EventProblem(system, e.Message));
            }
        }
        return events.OrderBy(e => e.Item1 + ":" + e.Item2, System.StringComparer.Ordinal).ToList();
    }

    public override TracepointSchema Read(string system, string name) => _headers.ReadEvent(system, name);
}
