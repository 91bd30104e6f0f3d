using System;

namespace TpGen.Tool.Recording;

/// <summary>Why <c>tpgen record</c> could not record.</summary>
internal enum RecordProblem
{
    /// <summary>The process may not create or configure a tracefs instance (it needs root).</summary>
    NotPermitted,

    /// <summary>tracefs refused a setting (an event, a filter, the buffer size).</summary>
    Refused,

    /// <summary>Reading the ring buffer failed.</summary>
    ReadFailed,

    /// <summary>The output file cannot be written.</summary>
    OutputFailed,
}

/// <summary><c>tpgen record</c> failed; the message names the file or setting and what to do.</summary>
internal sealed class RecordException(RecordProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public RecordProblem Problem { get; } = problem;
}
