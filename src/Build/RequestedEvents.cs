using System;
using System.Collections.Generic;
using System.IO;
using TpGen.Schema;

namespace TpGen.Build;

/// <summary>One <c>[Tracepoint]</c> attribute as the build reads it from source text.</summary>
/// <param name="System">The event's system.</param>
/// <param name="Name">The event's name.</param>
/// <param name="Class">The event class the attribute names (<c>Class = "..."</c>), or null.</param>
/// <param name="Members">The kernel struct members a tp_btf event captures (<c>Members = new[] { "skb->len" }</c>), as written, joined by newlines; empty for none.</param>
internal sealed record RequestedEvent(string System, string Name, string? Class, string Members = "") : IComparable<RequestedEvent>
{
    public string Key => System + ":" + Name;

    public int CompareTo(RequestedEvent? other)
    {
        if (other is null)
            return 1;
        int byKey = string.CompareOrdinal(System, other.System);
        byKey = byKey != 0 ? byKey : string.CompareOrdinal(Name, other.Name);
        if (byKey != 0)
            return byKey;
        // An event asked for with a class comes before the same event without one, so the build uses the class.
        if ((Class is null) != (other.Class is null))
            return Class is null ? 1 : -1;
        int byClass = string.CompareOrdinal(Class, other.Class);
        return byClass != 0 ? byClass : string.CompareOrdinal(Members, other.Members);
    }
}

/// <summary>
/// The events a project's source asks for, found by reading <c>[Tracepoint("system", "event")]</c>
/// attributes from its text with a small lexer, so that comments and strings are not read as
/// code. BTF and header descriptions are made for these only (reading every event from them
/// would take far longer than a build should); attributes whose arguments are not string
/// literals are not seen here, and the generator reports them as unknown.
/// </summary>
internal static class RequestedEvents
{
    /// <summary>The attribute's named argument that names the event's class.</summary>
    public const string ClassArgument = "Class";

    /// <summary>The attribute's named argument that lists the struct members a tp_btf event captures.</summary>
    public const string MembersArgument = "Members";

    public static SortedSet<RequestedEvent> Scan(IEnumerable<string> sourceFiles)
    {
        var events = new SortedSet<RequestedEvent>();
        foreach (string file in sourceFiles)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (text.Contains("Tracepoint"))
                events.UnionWith(Read(text));
        }
        return events;
    }

    /// <summary>The attributes in one file's text, in order.</summary>
    public static List<RequestedEvent> Read(string text)
    {
        var found = new List<RequestedEvent>();
        List<CSharpToken> tokens = CSharpTokens.Read(text);
        var brackets = new Stack<char>();
        for (int i = 0; i < tokens.Count; i++)
        {
            CSharpToken token = tokens[i];
            if (token.Kind == CSharpTokenKind.Punctuation)
            {
                if (token.Text is "[" or "(" or "{")
                    brackets.Push(token.Text[0]);
                else if (token.Text is "]" or ")" or "}" && brackets.Count > 0)
                    brackets.Pop();
                continue;
            }
            if (token.Kind != CSharpTokenKind.Identifier || token.Text is not ("Tracepoint" or "TracepointAttribute"))
                continue;
            if (brackets.Count == 0 || brackets.Peek() != '[' || !StartsAttribute(tokens, i))
                continue;
            int end = i + 1;
            if (ReadArguments(tokens, ref end) is { } request)
                found.Add(request);
        }
        return found;
    }

    // The name (possibly qualified: TpGen.Tracepoint, global::TpGen.Tracepoint) begins an attribute of a list: after '[' or ','.
    private static bool StartsAttribute(List<CSharpToken> tokens, int name)
    {
        int i = name - 1;
        while (i >= 1 && (tokens[i].Is(".") || tokens[i].Is("::")) && tokens[i - 1].Kind == CSharpTokenKind.Identifier)
            i -= 2;
        return i >= 0 && (tokens[i].Is("[") || tokens[i].Is(","));
    }

    // ("system", "event"[, Name = value]...): positional arguments may be named (system: "skb").
    private static RequestedEvent? ReadArguments(List<CSharpToken> tokens, ref int i)
    {
        if (!Next(tokens, ref i, "("))
            return null;
        string? system = Positional(tokens, ref i);
        if (system is null || !Next(tokens, ref i, ","))
            return null;
        string? name = Positional(tokens, ref i);
        if (name is null || !TraceNames.IsSystem(system) || !TraceNames.IsEvent(name))
            return null;

        string? eventClass = null;
        var members = new List<string>();
        while (Next(tokens, ref i, ","))
        {
            if (i + 1 >= tokens.Count || tokens[i].Kind != CSharpTokenKind.Identifier || !tokens[i + 1].Is("="))
                return null;
            string argument = tokens[i].Text;
            i += 2;
            int start = i, depth = 0;
            while (i < tokens.Count && !(depth == 0 && (tokens[i].Is(",") || tokens[i].Is(")"))))
            {
                if (tokens[i].Is("(") || tokens[i].Is("[") || tokens[i].Is("{"))
                    depth++;
                else if (tokens[i].Is(")") || tokens[i].Is("]") || tokens[i].Is("}"))
                    depth--;
                i++;
            }
            if (argument == ClassArgument && i == start + 1 && tokens[start].Kind == CSharpTokenKind.String)
                eventClass = tokens[start].Text;
            // new[] { "skb->len", ... } or [ "skb->len", ... ]: the string literals, nothing evaluated.
            if (argument == MembersArgument)
            {
                for (int t = start; t < i; t++)
                {
                    if (tokens[t].Kind == CSharpTokenKind.String)
                        members.Add(tokens[t].Text);
                }
            }
        }
        return Next(tokens, ref i, ")") ? new RequestedEvent(system, name, eventClass, string.Join("\n", members)) : null;
    }

    // A string literal, alone (nothing is evaluated), perhaps after "parameter:".
    private static string? Positional(List<CSharpToken> tokens, ref int i)
    {
        if (i + 1 < tokens.Count && tokens[i].Kind == CSharpTokenKind.Identifier && tokens[i + 1].Is(":"))
            i += 2;
        if (i + 1 >= tokens.Count || tokens[i].Kind != CSharpTokenKind.String || !(tokens[i + 1].Is(",") || tokens[i + 1].Is(")")))
            return null;
        return tokens[i++].Text;
    }

    private static bool Next(List<CSharpToken> tokens, ref int i, string punctuation)
    {
        if (i >= tokens.Count || !tokens[i].Is(punctuation))
            return false;
        i++;
        return true;
    }
}
