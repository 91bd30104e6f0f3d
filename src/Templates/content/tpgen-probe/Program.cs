using System.Globalization;
using TpGen;
using TpGen.Probes;
using TpGenProbe;

// Counts the packets the kernel drops, by reason, until Ctrl-C or --duration SECONDS.
// Run as root (or with CAP_BPF and CAP_PERFMON).
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
if (args is ["--duration", var text] && double.TryParse(text, CultureInfo.InvariantCulture, out double seconds))
    stop.CancelAfter(TimeSpan.FromSeconds(seconds));

try
{
    await using SkbDrops drops = SkbDrops.Attach();
    Console.Error.WriteLine("Counting packet drops; Ctrl-C to stop.");

    var counts = new Dictionary<SkbDrops.SkbDropReason, long>();
    try
    {
        // Owned records, one per drop; drops.Run(...) is the zero-copy way for high rates.
        await foreach (TraceRecord record in drops.ReadAllAsync(stop.Token))
        {
            if (record is SkbDrops.KfreeSkbRecord drop)
                counts[drop.Reason] = counts.GetValueOrDefault(drop.Reason) + 1;
        }
    }
    catch (OperationCanceledException)
    {
    }

    foreach ((SkbDrops.SkbDropReason reason, long count) in counts.OrderByDescending(pair => pair.Value))
        Console.WriteLine($"{reason} {count}");
    Console.WriteLine($"lost {drops.Statistics.Dropped}");
    return 0;
}
catch (ProbeException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
