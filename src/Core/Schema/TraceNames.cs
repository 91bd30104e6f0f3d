namespace TpGen.Schema;

/// <summary>
/// The one set of rules for the names that reach TpGen from outside (attributes, format files,
/// BTF, headers, the command line) before any of them is used as a path, in C or in C#.
/// The kernel names systems and events with letters, digits and '_' (a system or event may start
/// with a digit: <c>9p:9p_client_req</c>); fields and classes are C identifiers. Nothing else
/// passes: a quote, a slash or a newline in a name could otherwise change what is compiled or read.
/// </summary>
public static class TraceNames
{
    /// <summary>No kernel name is longer; tracefs names are far shorter.</summary>
    public const int MaxLength = 128;

    /// <summary>Whether <paramref name="name"/> can be a tracepoint system, e.g. <c>skb</c> or <c>9p</c>.</summary>
    public static bool IsSystem(string? name) => IsWord(name);

    /// <summary>Whether <paramref name="name"/> can be an event of a system, e.g. <c>kfree_skb</c> or <c>9p_client_req</c>.</summary>
    public static bool IsEvent(string? name) => IsWord(name);

    /// <summary>Whether <paramref name="name"/> can be a field of a record: a C identifier.</summary>
    public static bool IsField(string? name) => IsIdentifier(name);

    /// <summary>Whether <paramref name="name"/> can be an event class (<c>DECLARE_EVENT_CLASS</c>): a C identifier.</summary>
    public static bool IsClass(string? name) => IsIdentifier(name);

    /// <summary>A C identifier of at most <see cref="MaxLength"/> characters.</summary>
    public static bool IsIdentifier(string? name) => IsWord(name) && !IsDigit(name![0]);

    /// <summary>Throws unless <paramref name="name"/> is a valid system name.</summary>
    /// <exception cref="System.ArgumentException">It is not.</exception>
    public static void ThrowIfInvalidSystem(string? name, string parameter) => ThrowIfInvalid(IsSystem(name), name, "system", parameter);

    /// <summary>Throws unless <paramref name="name"/> is a valid event name.</summary>
    /// <exception cref="System.ArgumentException">It is not.</exception>
    public static void ThrowIfInvalidEvent(string? name, string parameter) => ThrowIfInvalid(IsEvent(name), name, "event", parameter);

    /// <summary>Throws unless <paramref name="name"/> is a valid event class name.</summary>
    /// <exception cref="System.ArgumentException">It is not.</exception>
    public static void ThrowIfInvalidClass(string? name, string parameter) => ThrowIfInvalid(IsClass(name), name, "event class", parameter);

    /// <summary><paramref name="name"/> as it can be shown in a message: control and non-ASCII characters as '?', at most 60 characters.</summary>
    public static string Printable(string? name)
    {
        if (name is null)
            return "(null)";
        var text = new global::System.Text.StringBuilder();
        foreach (char c in name)
        {
            if (text.Length >= 60)
                return text.Append("...").ToString();
            text.Append(c < ' ' || c > '~' ? '?' : c);
        }
        return text.ToString();
    }

    private static void ThrowIfInvalid(bool valid, string? name, string what, string parameter)
    {
        if (name is null)
            throw new global::System.ArgumentNullException(parameter);
        if (!valid)
            throw new global::System.ArgumentException($"'{Printable(name)}' is not a valid tracepoint {what} name (1 to {MaxLength} letters, digits and '_')", parameter);
    }

    /// <summary>Letters, digits and '_', 1 to <see cref="MaxLength"/> characters.</summary>
    private static bool IsWord(string? name)
    {
        if (name is null || name.Length == 0 || name.Length > MaxLength)
            return false;
        foreach (char c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || IsDigit(c)))
                return false;
        }
        return true;
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';
}
