using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using DropWatch;
using TpGen.Probes;

// dropwatch [--duration SECONDS] [--demo] [--by-flow]: counts packet drops by reason (and flow) until Ctrl-C, SIGTERM or the duration ends.
const string Usage = "usage: dropwatch [--duration SECONDS] [--demo] [--by-flow]";
double? duration = null;
bool demo = false, byFlow = false;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "--duration" && i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0)
    {
        duration = seconds;
        i++;
    }
    else if (args[i] is "--demo")
    {
        demo = true;
    }
    else if (args[i] is "--by-flow")
    {
        byFlow = true;
    }
    else if (args[i] is "-h" or "--help")
    {
        Console.WriteLine(Usage + "\nCounts the packets the kernel drops, by reason, until Ctrl-C or the duration ends.\n" +
                          "  --duration SECONDS  stop after this long\n" +
                          "  --demo              also send 1,000 UDP datagrams a second to a closed port on 127.0.0.1 (drops with reason NO_SOCKET)\n" +
                          "  --by-flow           count kfree_skb drops by reason and flow (protocol, source and destination address and port)");
        return 0;
    }
    else
    {
        Console.Error.WriteLine($"dropwatch: unknown argument '{args[i]}'; {Usage}");
        return 2;
    }
}

using var stop = new CancellationTokenSource();
// Ctrl-C, and SIGTERM from a service manager or kill: stop reading, print the counts, exit 0.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
if (duration is not null)
    stop.CancelAfter(TimeSpan.FromSeconds(duration.Value));

try
{
    // A probe set leaves its own process's events out; the demo's datagrams are this process's own.
    var options = new ProbeOptions { IncludeOwnProcess = demo };
    if (byFlow)
    {
        using FlowDrops flows = FlowDrops.Attach(options);
        Console.Error.WriteLine($"dropwatch: watching skb:kfree_skb by flow{(duration is null ? " until Ctrl-C" : $" for {duration} s")}...");
        FlowCounts.Run(flows, ReadingToken(demo ? Demo.SendToClosedPortAsync(stop.Token) : null));
        return 0;
    }
    using SkbDrops drops = SkbDrops.Attach(options);
    Console.Error.WriteLine($"dropwatch: watching skb:kfree_skb and skb:consume_skb{(duration is null ? " until Ctrl-C" : $" for {duration} s")}...");
    CancellationToken reading = ReadingToken(demo ? Demo.SendToClosedPortAsync(stop.Token) : null);

    // Counting happens in place on the reading thread: no copies, no allocations per packet.
    var byReason = new long[1024];
    var otherReasons = new Dictionary<uint, long>();
    long consumed = 0;
    drops.Run(
        onKfreeSkb: (in SkbDrops.KfreeSkb drop) =>
        {
            uint reason = (uint)drop.Reason;
            if (reason < byReason.Length)
                byReason[reason]++;
            else
                otherReasons[reason] = otherReasons.GetValueOrDefault(reason) + 1;
        },
        onConsumeSkb: (in SkbDrops.ConsumeSkb _) => consumed++,
        cancellationToken: reading);

    var rows = byReason.Select((count, reason) => (Reason: (uint)reason, Count: count)).Where(row => row.Count > 0)
        .Concat(otherReasons.Select(pair => (Reason: pair.Key, Count: pair.Value)))
        .OrderByDescending(row => row.Count).ThenBy(row => row.Reason);
    Console.WriteLine("REASON COUNT");
    foreach (var (reason, count) in rows)
    {
        // A value this build has no name for is shown as a number, never under another name.
        var name = (SkbDrops.SkbDropReason)reason;
        Console.WriteLine($"{(Enum.IsDefined(name) ? name.ToString() : reason.ToString(CultureInfo.InvariantCulture))} {count}");
    }
    ProbeStatistics statistics = drops.Statistics;
    Console.WriteLine($"consume_skb {consumed}");
    Console.WriteLine($"delivered {statistics.Delivered} dropped {statistics.Dropped} truncated {statistics.Truncated}");
    return 0;
}
catch (ProbeException e)
{
    Console.Error.WriteLine("dropwatch: " + e.Message);
    return 1;
}

// Reading stops when asked; with the demo, only after its sender has stopped and a moment has
// passed for its last drops to be read, so every datagram it sent is counted.
CancellationToken ReadingToken(Task? sending)
{
    if (sending is null)
        return stop.Token;
    var reading = new CancellationTokenSource();
    stop.Token.Register(() => sending.ContinueWith(_ => reading.CancelAfter(TimeSpan.FromMilliseconds(200)), TaskScheduler.Default));
    return reading.Token;
}
