using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using TpGen;
using TpGen.Probes;
using TpGenReader;

// tpgen-reader callback|readall [--every-record]: attaches SkbDrops, says "ready" on standard error,
// reads until SIGINT or SIGTERM, then prints events=N nosocket=M dropped=D (as the C baseline does).
if (args.Length is < 1 or > 2 || args[0] is not ("callback" or "readall") || (args.Length == 2 && args[1] != "--every-record"))
{
    Console.Error.WriteLine("usage: tpgen-reader callback|readall [--every-record]");
    return 2;
}

using var stop = new CancellationTokenSource();
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var options = new ProbeOptions { Wakeup = args.Length == 2 ? WakeupPolicy.EveryRecord : WakeupPolicy.Batched, LostRecordsLog = null };
using SkbDrops drops = SkbDrops.Attach(options);
long events = 0, noSocket = 0, lost = 0;
Console.Error.WriteLine("ready");

if (args[0] == "callback")
{
    // In place on the reading thread: the view reads the record where the kernel wrote it in the ring buffer.
    drops.Run(
        onKfreeSkb: (in SkbDrops.KfreeSkb drop) =>
        {
            events++;
            if (drop.Reason == SkbDrops.SkbDropReason.NO_SOCKET)
                noSocket++;
        },
        onLost: count => lost += count,
        cancellationToken: stop.Token);
}
else
{
    try
    {
        await foreach (TraceRecord record in drops.ReadAllAsync(stop.Token))
        {
            switch (record)
            {
                case SkbDrops.KfreeSkbRecord drop:
                    events++;
                    if (drop.Reason == SkbDrops.SkbDropReason.NO_SOCKET)
                        noSocket++;
                    break;
                case LostRecords gap:
                    lost += gap.Count;
                    break;
            }
        }
    }
    catch (OperationCanceledException)
    {
    }
}

// Managed bytes allocated and gen0 collections over the whole run (start-up included), for the allocation per record.
Console.WriteLine($"events={events} nosocket={noSocket} dropped={Math.Max(lost, drops.Statistics.Dropped)} allocated={GC.GetTotalAllocatedBytes(precise: true)} gen0={GC.CollectionCount(0)}");
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
