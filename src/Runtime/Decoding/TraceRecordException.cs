using System;

namespace TpGen;

/// <summary>
/// A record could not be decoded: it is shorter than its event's fixed part, or a dynamic
/// field points outside it. TpGen never reads past a record; it throws this instead.
/// </summary>
public sealed class TraceRecordException : Exception
{
    /// <summary>Creates the exception for event <paramref name="eventName"/>.</summary>
    public TraceRecordException(string eventName, string problem)
        : base($"{eventName}: {problem}")
    {
        EventName = eventName;
        Problem = problem;
    }

    /// <summary>The event, as <c>system:name</c>.</summary>
    public string EventName { get; }

    /// <summary>What is wrong with the record.</summary>
    public string Problem { get; }
}
