using System;

namespace TpGen.Tool.Events;

/// <summary>
/// A source cannot describe one event (BTF cannot tell which class it uses, or which system it is
/// in): the command goes on with the other events, reports this one and exits 1.
/// </summary>
internal sealed class EventUnavailableException(string message) : Exception(message);

/// <summary>
/// One thing a command over many events could not do, and why: reported, and the exit code is 1.
/// <paramref name="What"/> names the system or event it is about, or is empty when the message does.
/// </summary>
internal sealed record EventProblem(string What, string Message);
