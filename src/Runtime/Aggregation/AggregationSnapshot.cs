using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TpGen.Aggregations;

/// <summary>One part of a key as read from the kernel: a number, a string or a kernel stack.</summary>
public readonly struct AggregationKeyValue : IEquatable<AggregationKeyValue>
{
    private readonly AggregationKeyPart _part;

    internal AggregationKeyValue(AggregationKeyPart part, ulong value, string? text, KernelStack? stack)
    {
        _part = part;
        Value = value;
        Text = text;
        Stack = stack;
    }

    /// <summary>The name the part was declared with.</summary>
    public string Name => _part.Name;

    /// <summary>Where the part's value comes from.</summary>
    public AggregationSource Source => _part.Source;

    /// <summary>
    /// A number, sign-extended to 64 bits where the field is signed; a value the kernel names is
    /// numbered as the build numbers it (the generated enum's value), as the generated views read it.
    /// </summary>
    public ulong Value { get; }

    /// <summary>A string's text; for a number the running kernel names, its name (<c>NO_SOCKET</c>); for <c>event</c>, the event's name; else null.</summary>
    public string? Text { get; }

    /// <summary>For <c>kstack</c>, the stack.</summary>
    public KernelStack? Stack { get; }

    /// <summary>Whether <see cref="Value"/> reads as a signed number.</summary>
    public bool IsSigned => _part.IsSigned;

    /// <summary>The part as <c>tpgen trace</c> prints it: the name, the text, or the number.</summary>
    public override string ToString() =>
        Stack?.ToString() ?? Text ?? (IsSigned ? ((long)Value).ToString(CultureInfo.InvariantCulture) : Value.ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc/>
    public bool Equals(AggregationKeyValue other) => Value == other.Value && Text == other.Text && Equals(Stack, other.Stack);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AggregationKeyValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Value, Text, Stack);
}

/// <summary>A key as read from the kernel: its parts in declaration order.</summary>
public sealed class AggregationKey : IReadOnlyList<AggregationKeyValue>, IEquatable<AggregationKey>
{
    private readonly AggregationKeyValue[] _parts;

    internal AggregationKey(AggregationKeyValue[] parts) => _parts = parts;

    /// <summary>How many parts.</summary>
    public int Count => _parts.Length;

    /// <summary>Part <paramref name="index"/>.</summary>
    public AggregationKeyValue this[int index] => _parts[index];

    /// <summary>The part declared as <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The key has no such part.</exception>
    public AggregationKeyValue this[string name]
    {
        get
        {
            foreach (AggregationKeyValue part in _parts)
            {
                if (part.Name == name)
                    return part;
            }
            throw new KeyNotFoundException($"the key has no part '{name}' (its parts: {string.Join(", ", _parts.Select(p => p.Name))})");
        }
    }

    /// <summary>The parts joined as bpftrace joins them: <c>sshd, NO_SOCKET</c>.</summary>
    public override string ToString() => string.Join(", ", _parts.Select(p => p.ToString()));

    /// <inheritdoc/>
    public bool Equals(AggregationKey? other) => other is not null && _parts.AsSpan().SequenceEqual(other._parts);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AggregationKey);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (AggregationKeyValue part in _parts)
            hash.Add(part);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public IEnumerator<AggregationKeyValue> GetEnumerator() => ((IEnumerable<AggregationKeyValue>)_parts).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _parts.GetEnumerator();
}

/// <summary>What an aggregation kept for one key, summed over the CPUs.</summary>
/// <param name="Count">How many events.</param>
/// <param name="Value">The sum, minimum or maximum; for a histogram, the sum of its values; 0 for a count.</param>
/// <param name="Histogram">For a histogram, its buckets; else null.</param>
public readonly record struct AggregationValue(long Count, long Value, Histogram? Histogram);

/// <summary>One key and what was kept for it.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">What was kept.</param>
public readonly record struct AggregationEntry(AggregationKey Key, AggregationValue Value);

/// <summary>
/// What an aggregation held when it was read: every key and its value, and what did not fit
/// (counted by the kernel since the probe set attached).
/// </summary>
public sealed class AggregationSnapshot : IReadOnlyList<AggregationEntry>
{
    private readonly AggregationEntry[] _entries;

    internal AggregationSnapshot(Aggregation aggregation, AggregationEntry[] entries, long keysLost, long startsLost, long stacksLost)
    {
        Aggregation = aggregation;
        _entries = entries;
        KeysLost = keysLost;
        StartsLost = startsLost;
        StacksLost = stacksLost;
    }

    /// <summary>The aggregation it was read from.</summary>
    public Aggregation Aggregation { get; }

    /// <summary>How many keys.</summary>
    public int Count => _entries.Length;

    /// <summary>Entry <paramref name="index"/> (in no particular order).</summary>
    public AggregationEntry this[int index] => _entries[index];

    /// <summary>Events whose key did not fit the map (it held <c>MaxEntries</c> keys): counted, not kept.</summary>
    public long KeysLost { get; }

    /// <summary>For a latency, starts that did not fit the map of starts (their ends were not matched).</summary>
    public long StartsLost { get; }

    /// <summary>Kernel stacks the kernel could not store (its stack map was full); their events count under a lost stack.</summary>
    public long StacksLost { get; }

    /// <summary>Whether anything did not fit.</summary>
    public bool HasLosses => KeysLost != 0 || StartsLost != 0 || StacksLost != 0;

    /// <summary>The events counted under all keys.</summary>
    public long TotalCount => _entries.Sum(e => e.Value.Count);

    /// <summary>A sentence that says what did not fit, or null when everything did.</summary>
    public string? LossReport()
    {
        if (!HasLosses)
            return null;
        var parts = new List<string>();
        if (KeysLost != 0)
            parts.Add($"{KeysLost} events whose key did not fit (the map holds {Aggregation.Spec.EffectiveMaxEntries} keys; raise MaxEntries)");
        if (StartsLost != 0)
            parts.Add($"{StartsLost} starts that did not fit the map of starts");
        if (StacksLost != 0)
            parts.Add($"{StacksLost} kernel stacks the stack map could not hold");
        return $"{Aggregation.Name}: {string.Join("; ", parts)}";
    }

    /// <inheritdoc/>
    public IEnumerator<AggregationEntry> GetEnumerator() => ((IEnumerable<AggregationEntry>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _entries.GetEnumerator();
}
