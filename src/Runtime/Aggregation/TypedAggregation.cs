using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace TpGen.Aggregations;

/// <summary>The key of an aggregation declared without keys: its one total.</summary>
public readonly record struct Unkeyed
{
    /// <summary>The only key.</summary>
    public static Unkeyed Value => default;

    /// <inheritdoc/>
    public override string ToString() => "";
}

/// <summary>
/// An aggregation with its keys and values typed as generated for the probe set (keys as the
/// generated enums, stacks as <see cref="KernelStack"/>): what a generated aggregation property is.
/// </summary>
/// <typeparam name="TKey">The key: one part's type, or a generated record struct of the parts.</typeparam>
/// <typeparam name="TValue"><see cref="long"/> for counts, sums, minimums and maximums; <see cref="Histogram"/> for histograms.</typeparam>
public sealed class Aggregation<TKey, TValue>
    where TKey : notnull
{
    private readonly Func<AggregationKey, TKey> _key;
    private readonly Func<AggregationValue, TValue> _value;

    /// <summary>Wraps <paramref name="untyped"/>, converting its keys and values.</summary>
    public Aggregation(Aggregation untyped, Func<AggregationKey, TKey> key, Func<AggregationValue, TValue> value)
    {
        Untyped = untyped;
        _key = key;
        _value = value;
    }

    /// <summary>The aggregation as read from the kernel, untyped.</summary>
    public Aggregation Untyped { get; }

    /// <summary>Its name.</summary>
    public string Name => Untyped.Name;

    /// <summary>Every key and its value now.</summary>
    /// <exception cref="ObjectDisposedException">The probe set was disposed.</exception>
    public AggregationSnapshot<TKey, TValue> Read() => Typed(Untyped.Read());

    /// <summary>Every key and its value now, removed as read: the next read starts from zero (see <see cref="Aggregation.ReadAndReset"/> for the one race it has).</summary>
    /// <exception cref="ObjectDisposedException">The probe set was disposed.</exception>
    public AggregationSnapshot<TKey, TValue> ReadAndReset() => Typed(Untyped.ReadAndReset());

    /// <summary>Removes every key.</summary>
    /// <exception cref="ObjectDisposedException">The probe set was disposed.</exception>
    public void Reset() => Untyped.Reset();

    private AggregationSnapshot<TKey, TValue> Typed(AggregationSnapshot snapshot)
    {
        var values = new Dictionary<TKey, TValue>(snapshot.Count);
        foreach (AggregationEntry entry in snapshot)
            values[_key(entry.Key)] = _value(entry.Value);
        return new AggregationSnapshot<TKey, TValue>(snapshot, values);
    }
}

/// <summary>A typed snapshot: each key and its value, and what did not fit.</summary>
/// <typeparam name="TKey">The key's type.</typeparam>
/// <typeparam name="TValue">The value's type.</typeparam>
public sealed class AggregationSnapshot<TKey, TValue> : IReadOnlyDictionary<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _values;

    internal AggregationSnapshot(AggregationSnapshot untyped, Dictionary<TKey, TValue> values)
    {
        Untyped = untyped;
        _values = values;
    }

    /// <summary>The snapshot as read, untyped (keys' texts, the kernel's names of values).</summary>
    public AggregationSnapshot Untyped { get; }

    /// <summary>Events whose key did not fit the map: counted, not kept.</summary>
    public long KeysLost => Untyped.KeysLost;

    /// <summary>For a latency, starts that did not fit the map of starts.</summary>
    public long StartsLost => Untyped.StartsLost;

    /// <summary>Kernel stacks the stack map could not hold.</summary>
    public long StacksLost => Untyped.StacksLost;

    /// <summary>Whether anything did not fit.</summary>
    public bool HasLosses => Untyped.HasLosses;

    /// <summary>How many keys.</summary>
    public int Count => _values.Count;

    /// <summary>The value of <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No event had the key.</exception>
    public TValue this[TKey key] => _values[key];

    /// <summary>The value of <paramref name="key"/>, or the default when no event had it (0 for counts).</summary>
    public TValue? GetValueOrDefault(TKey key) => _values.GetValueOrDefault(key);

    /// <inheritdoc/>
    public IEnumerable<TKey> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<TValue> Values => _values.Values;

    /// <inheritdoc/>
    public bool ContainsKey(TKey key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => _values.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();
}
