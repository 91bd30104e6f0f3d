using System.Globalization;
using TpGen;
using TpGen.Probes;
using TpGenProbe;

// Counts the packets the kernel drops, by reason, until Ctrl-C (or SIGTERM) or --duration.
// Run as root (or with CAP_BPF and CAP_PERFMON).
const string Usage = "usage: TpGenProbe [--duration TIME]   (TIME: 10, 10s, 500ms, 2m; default: until Ctrl-C)";
TimeSpan? duration = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        case "--duration":
            if (i + 1 >= args.Length || !TryParseDuration(args[i + 1], out TimeSpan parsed))
            {
                Console.Error.WriteLine($"TpGenProbe: --duration takes a time such as 10s, 500ms or 2m{(i + 1 < args.Length ? $", not '{args[i + 1]}'" : "")}.");
                Console.Error.WriteLine(Usage);
                return 2;
            }
            duration = parsed;
            i++;
            break;
        default:
            Console.Error.WriteLine($"TpGenProbe: '{args[i]}' is not understood.");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
// Service managers and `kill` stop with SIGTERM: print the counts then too, instead of exiting at once.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });
if (duration is { } limit)
    stop.CancelAfter(limit);

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

// "10" and "10s" are seconds; "500ms" milliseconds; "2m" minutes.
static bool TryParseDuration(string text, out TimeSpan duration)
{
    (string number, double scale) = text switch
    {
        _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
        _ when text.EndsWith('s') => (text[..^1], 1.0),
        _ when text.EndsWith('m') => (text[..^1], 60.0),
        _ => (text, 1.0),
    };
    bool valid = double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value);
    duration = valid ? TimeSpan.FromSeconds(value * scale) : default;
    return valid;
}
