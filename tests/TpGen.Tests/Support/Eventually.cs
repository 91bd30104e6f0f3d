using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace TpGen.Tests.Support;

/// <summary>Waits for an asynchronous count (records arrive within a poll interval) before asserting on it.</summary>
internal static class Eventually
{
    /// <summary>Waits until <paramref name="count"/> reaches <paramref name="expected"/>, then a little longer so that any extra arrivals are counted too.</summary>
    public static async Task Settles(Func<long> count, long expected, double timeoutSeconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (count() < expected && clock.Elapsed.TotalSeconds < timeoutSeconds)
            await Task.Delay(20);
        await Task.Delay(200);
    }

    /// <summary>Waits until <paramref name="count"/> has not changed for a while.</summary>
    public static async Task Stable(Func<long> count, double timeoutSeconds = 20)
    {
        var clock = Stopwatch.StartNew();
        long last = count();
        while (clock.Elapsed.TotalSeconds < timeoutSeconds)
        {
            await Task.Delay(250);
            long now = count();
            if (now == last)
                return;
            last = now;
        }
    }
}
