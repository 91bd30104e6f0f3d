using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// Runs property checks over generated inputs (CsCheck), in a short form in the normal suite and
/// a long form when TPGEN_LONG=1. Every case must end within a bounded time, and the whole run
/// too: a case that hangs fails the test instead of stalling it.
/// </summary>
internal static class Fuzzing
{
    /// <summary>The environment variable that selects the long form of fuzz tests and other long runs.</summary>
    public const string LongVariable = "TPGEN_LONG";

    public static bool IsLong => Environment.GetEnvironmentVariable(LongVariable) == "1";

    /// <summary>
    /// How long one parser or decoder case may take. The slowest inputs (a 64 KiB record, whose
    /// BPF and C# copy it field by field) take about 0.3 s on an idle machine and several times
    /// that on a loaded one; a hang takes for ever. The limit is far from both.
    /// </summary>
    public static TimeSpan PerCaseLimit { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The number of cases: <paramref name="shortForm"/> normally, <paramref name="longForm"/> with
    /// TPGEN_LONG=1, or TPGEN_FUZZ_CASES when set (to replay a seed quickly, or to search longer).
    /// </summary>
    public static long Cases(long shortForm, long longForm) =>
        long.TryParse(Environment.GetEnvironmentVariable("TPGEN_FUZZ_CASES"), out long cases) && cases > 0 ? cases : IsLong ? longForm : shortForm;

    /// <summary>
    /// Checks <paramref name="property"/> on <paramref name="cases"/> inputs from <paramref name="gen"/>.
    /// CsCheck shrinks a failing input to a small one and reports it with the seed that replays it
    /// (set CsCheck_Seed to replay). Returns the number of cases run.
    /// </summary>
    public static async Task<long> CheckAsync<T>(
        Gen<T> gen,
        Action<T> property,
        long cases,
        TimeSpan perCase,
        Func<T, string> print,
        ITestOutputHelper output,
        string what)
    {
        var running = new System.Collections.Concurrent.ConcurrentDictionary<int, (T Value, long Start)>();
        long run = 0;
        long slowestTicks = 0;
        string slowest = "";
        var clock = Stopwatch.StartNew();
        Task sampling = Task.Run(() => gen.Sample(
            value =>
            {
                long start = Stopwatch.GetTimestamp();
                running[Environment.CurrentManagedThreadId] = (value, start);
                property(value);
                long ticks = Stopwatch.GetTimestamp() - start;
                running.TryRemove(Environment.CurrentManagedThreadId, out _);
                Interlocked.Increment(ref run);
                if (ticks > Interlocked.Read(ref slowestTicks))
                {
                    Interlocked.Exchange(ref slowestTicks, ticks);
                    slowest = Shorten(print(value));
                }
                TimeSpan elapsed = Stopwatch.GetElapsedTime(start, start + ticks);
                if (elapsed > perCase)
                {
                    // A slow input is slow every time; a pause of the process (GC, a busy machine) is
                    // not. Only a case that is slow again when repeated fails.
                    long again = Stopwatch.GetTimestamp();
                    property(value);
                    TimeSpan repeated = Stopwatch.GetElapsedTime(again);
                    if (repeated > perCase)
                        throw new TimeoutException($"one {what} case took {elapsed.TotalMilliseconds:0} ms and {repeated.TotalMilliseconds:0} ms when repeated, more than the {perCase.TotalMilliseconds:0} ms any input may take");
                }
            },
            writeLine: output.WriteLine,
            iter: cases,
            print: print));

        // A case that never returns would hold its thread for ever: a watchdog fails the test when
        // one has run far longer than any input may take, naming it.
        TimeSpan hang = TimeSpan.FromTicks(Math.Max(perCase.Ticks * 10, TimeSpan.FromSeconds(30).Ticks));
        while (!sampling.IsCompleted)
        {
            await Task.WhenAny(sampling, Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
            TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
            var stuck = new System.Text.StringBuilder();
            foreach ((T value, long start) in running.Values)
            {
                if (Stopwatch.GetElapsedTime(start) > hang)
                    stuck.Append($"\nrunning for {Stopwatch.GetElapsedTime(start).TotalSeconds:0} s: {Shorten(print(value), 4000)}");
            }
            if (stuck.Length > 0)
                Assert.Fail($"{what}: a case hangs (no input may take more than {perCase.TotalSeconds:0.#} s):{stuck}");
        }
        await sampling;
        output.WriteLine($"{what}: {Interlocked.Read(ref run)} cases in {clock.Elapsed.TotalSeconds:0.0} s ({(IsLong ? "long" : "short")} form); slowest {Stopwatch.GetElapsedTime(0, slowestTicks).TotalMilliseconds:0.0} ms");
        return Interlocked.Read(ref run);
    }

    /// <summary>Outside text for a message: printable, and not too long.</summary>
    public static string Shorten(string text, int length = 400)
    {
        var builder = new System.Text.StringBuilder(Math.Min(text.Length, length) + 16);
        foreach (char c in text)
        {
            if (builder.Length >= length)
                return builder.Append("...(").Append(text.Length).Append(" chars)").ToString();
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < ' ' || c is > '~' and < '\u00a0' || char.IsSurrogate(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }
}
