using System.CommandLine;
using System.Linq;
using System.IO;

namespace TpGen.Tool.Events;

/// <summary>
/// The options that choose where descriptions come from, shared by list, show, pull, check and
/// diff: <c>--source tracefs|btf|headers</c> with <c>--events-dir</c>, <c>--btf</c> and
/// <c>--kernel-headers</c> (each of which also implies its source).
/// </summary>
internal sealed class SourceOptions
{
    public Option<string?> Source { get; } = new("--source")
    {
        Description = "Where to read tracepoint descriptions: tracefs (the running kernel's, the default), btf (its BTF, readable without root; or --btf FILE), headers (a kernel's headers, with --kernel-headers DIR).",
    };

    public Option<DirectoryInfo?> EventsDirectory { get; } = new("--events-dir")
    {
        Description = "Read format files from an events directory laid out as tracefs (system/event/format), e.g. a dump of another kernel.",
    };

    public Option<FileInfo?> Btf { get; } = new("--btf")
    {
        Description = "Read a BTF file (a vmlinux BTF, or .gz of one) instead of /sys/kernel/btf/vmlinux; with --source tracefs --events-dir, the BTF of the same kernel, for the constants its print fmts name.",
    };

    public Option<DirectoryInfo?> KernelHeaders { get; } = new("--kernel-headers")
    {
        Description = "Read a kernel's headers (e.g. /usr/src/linux-headers-6.1.0-56-amd64, or a source tree) through libclang.",
    };

    public Option<string[]> Prelude { get; } = new("--prelude")
    {
        HelpName = "HEADER",
        Description = "With --kernel-headers: a header to include before a system's trace header, as the kernel's own .c file does (e.g. linux/netdevice.h); repeatable. For systems that do not compile with the default ones.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public SourceOptions()
    {
        Source.AcceptOnlyFromAmong("tracefs", "btf", "headers");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Source);
        command.Options.Add(EventsDirectory);
        command.Options.Add(Btf);
        command.Options.Add(KernelHeaders);
        command.Options.Add(Prelude);
    }

    /// <summary>Opens the source the options name.</summary>
    public EventSource Open(ParseResult parse)
    {
        string? source = parse.GetValue(Source);
        string? events = parse.GetValue(EventsDirectory)?.FullName;
        string? btf = parse.GetValue(Btf)?.FullName;
        string? headers = parse.GetValue(KernelHeaders)?.FullName;
        source ??= headers is not null ? "headers" : btf is not null ? "btf" : "tracefs";
        switch (source)
        {
            case "btf":
                return BtfSource.Open(btf);
            case "headers":
                if (headers is null)
                    throw new UsageException("--source headers needs --kernel-headers DIR (e.g. /usr/src/linux-headers-6.1.0-56-amd64)");
                return HeadersSource.Open(headers, PreludeHeaders(parse.GetValue(Prelude)));
            default:
                // A dump of another kernel takes its constants from that kernel's BTF, when given.
                return TracefsSource.Open(events, btf);
        }
    }

    // Each becomes an #include line: only a relative header name may, so nothing else reaches the C.
    private static string[] PreludeHeaders(string[]? headers)
    {
        foreach (string header in headers ?? [])
        {
            bool valid = header.Length is > 2 and <= 200 && header.EndsWith(".h", System.StringComparison.Ordinal) && !header.StartsWith('/') &&
                         !header.Contains("..", System.StringComparison.Ordinal) && header.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/');
            if (!valid)
                throw new UsageException($"--prelude '{TpGen.Schema.TraceNames.Printable(header)}' is not a header name: write it as an #include names it, e.g. linux/netdevice.h");
        }
        return headers ?? [];
    }

    /// <summary>
    /// A source written as one word, for <c>tpgen diff</c>: <c>tracefs</c>, <c>tracefs:DIR</c>,
    /// <c>btf</c>, <c>btf:FILE</c> or <c>headers:DIR</c>.
    /// </summary>
    public static EventSource Parse(string text)
    {
        int colon = text.IndexOf(':');
        string kind = colon < 0 ? text : text.Substring(0, colon);
        string? path = colon < 0 ? null : System.IO.Path.GetFullPath(text.Substring(colon + 1));
        return kind switch
        {
            "tracefs" => TracefsSource.Open(path),
            "btf" => BtfSource.Open(path),
            "headers" when path is not null => HeadersSource.Open(path),
            _ => throw new UsageException($"'{text}' is not a source: write tracefs, tracefs:EVENTS_DIR, btf, btf:FILE or headers:DIR"),
        };
    }
}
