using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TpGen.Aggregations;

/// <summary>One bucket of a histogram: the values from <see cref="Low"/> up to, not including, <see cref="High"/>.</summary>
/// <param name="Low">The lowest value it counts; null for the bucket of everything below the first bound.</param>
/// <param name="High">The first value it no longer counts; null for the bucket of everything from the last bound on.</param>
/// <param name="Count">How many values fell in it.</param>
public readonly record struct HistogramBucket(long? Low, long? High, long Count)
{
    /// <summary>The bucket as bpftrace labels it: <c>[4K, 8K)</c>, <c>[0]</c>, <c>(..., 0)</c>, <c>[100, ...)</c>.</summary>
    public string Label(bool powersOfTwo)
    {
        string Bound(long value) => powersOfTwo ? Histogram.WithSuffix(value) : value.ToString(CultureInfo.InvariantCulture);
        if (Low is null)
            return $"(..., {Bound(High!.Value)})";
        if (High is null)
            return $"[{Bound(Low.Value)}, ...)";
        if (powersOfTwo && High.Value - Low.Value == 1)
            return $"[{Bound(Low.Value)}]";
        return $"[{Bound(Low.Value)}, {Bound(High.Value)})";
    }
}

/// <summary>
/// A histogram the kernel kept: every bucket from the lowest to the highest that counted
/// anything, with the total count and sum of the values. <see cref="ToString"/> draws it as
/// bpftrace's <c>hist()</c> and <c>lhist()</c> do.
/// </summary>
public sealed class Histogram
{
    private readonly HistogramBucket[] _buckets;

    internal Histogram(HistogramBucket[] buckets, bool powersOfTwo, long count, long sum)
    {
        _buckets = buckets;
        IsPowersOfTwo = powersOfTwo;
        Count = count;
        Sum = sum;
    }

    /// <summary>The buckets from the lowest to the highest that counted anything (empty when none did).</summary>
    public IReadOnlyList<HistogramBucket> Buckets => _buckets;

    /// <summary>Whether the buckets are powers of two (else of equal width).</summary>
    public bool IsPowersOfTwo { get; }

    /// <summary>How many values it counted.</summary>
    public long Count { get; }

    /// <summary>The sum of the values it counted.</summary>
    public long Sum { get; }

    /// <summary>How many values fell in the bucket that holds <paramref name="value"/>.</summary>
    public long CountAt(long value)
    {
        foreach (HistogramBucket bucket in _buckets)
        {
            if ((bucket.Low is null || value >= bucket.Low) && (bucket.High is null || value < bucket.High))
                return bucket.Count;
        }
        return 0;
    }

    /// <summary>The buckets as bpftrace prints them: <c>[4K, 8K)          1000 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|</c>, one a line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        long largest = 0;
        foreach (HistogramBucket bucket in _buckets)
            largest = Math.Max(largest, bucket.Count);
        foreach (HistogramBucket bucket in _buckets)
        {
            int bar = largest == 0 ? 0 : (int)(bucket.Count * 52 / largest);
            text.Append(bucket.Label(IsPowersOfTwo).PadRight(16))
                .Append(bucket.Count.ToString(CultureInfo.InvariantCulture).PadLeft(8))
                .Append(" |").Append(new string('@', bar).PadRight(52)).Append("|\n");
        }
        return text.ToString();
    }

    /// <summary>A power of two as bpftrace writes it: 1, 512, 1K, 4M, 2G.</summary>
    public static string WithSuffix(long value)
    {
        const string Suffixes = "KMGTPE";
        if (value <= 0 || (value & (value - 1)) != 0)
            return value.ToString(CultureInfo.InvariantCulture);
        int power = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)value);
        return power < 10
            ? value.ToString(CultureInfo.InvariantCulture)
            : (1L << (power % 10)).ToString(CultureInfo.InvariantCulture) + Suffixes[power / 10 - 1];
    }

    // The kernel's buckets (bpf/templates/aggregation.bpf.c): power of two, 0 below 0, 1 for 0, 2 + n for [2^n, 2^(n+1));
    // linear, 0 below the minimum, 1 + n for [min + n step, min + (n + 1) step), the last from the maximum on.
    internal static Histogram FromBuckets(ReadOnlySpan<long> counts, bool powersOfTwo, long min, long step, long count, long sum)
    {
        if (powersOfTwo && counts.Length > 65)
        {
            // [2^62, 2^63) and [2^63, 2^64) are one bucket here: a long holds neither 2^63 nor its upper bound.
            long[] folded = counts.Slice(0, 65).ToArray();
            folded[64] += counts[65];
            counts = folded;
        }
        int first = -1, last = -1;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                if (first < 0)
                    first = i;
                last = i;
            }
        }
        var buckets = new List<HistogramBucket>();
        for (int i = first; first >= 0 && i <= last; i++)
            buckets.Add(Bucket(i, counts.Length, powersOfTwo, min, step, counts[i]));
        return new Histogram(buckets.ToArray(), powersOfTwo, count, sum);
    }

    private static HistogramBucket Bucket(int index, int buckets, bool powersOfTwo, long min, long step, long count)
    {
        if (powersOfTwo)
        {
            return index switch
            {
                0 => new HistogramBucket(null, 0, count),
                1 => new HistogramBucket(0, 1, count),
                >= 64 => new HistogramBucket(1L << 62, null, count),
                _ => new HistogramBucket(1L << (index - 2), 1L << (index - 1), count),
            };
        }
        if (index == 0)
            return new HistogramBucket(null, min, count);
        if (index == buckets - 1)
            return new HistogramBucket(min + (index - 1) * step, null, count);
        return new HistogramBucket(min + (index - 1) * step, min + index * step, count);
    }
}
