using System;
using System.Collections.Generic;
using System.Text;
using TpGen.Schema;

namespace TpGen.Context;

/// <summary>
/// A path to a kernel struct member from a tracepoint argument, written as in C:
/// <c>skb-&gt;len</c>, <c>skb-&gt;dev-&gt;ifindex</c>, <c>skb-&gt;sk-&gt;__sk_common.skc_family</c>.
/// It is text from outside, so it is parsed into names here and never pasted into C: the names
/// are resolved against a kernel's BTF into offsets (<see cref="Frontends.Btf.BtfMemberResolver"/>).
/// </summary>
public sealed class MemberPath : IEquatable<MemberPath>
{
    /// <summary>The most members a path may name after its root.</summary>
    public const int MaxSteps = 16;

    private MemberPath(string root, IReadOnlyList<MemberStep> steps)
    {
        Root = root;
        Steps = steps;
        var text = new StringBuilder(root);
        var field = new StringBuilder(root);
        foreach (MemberStep step in steps)
        {
            text.Append(step.ThroughPointer ? "->" : ".").Append(step.Member);
            field.Append('_').Append(step.Member);
        }
        Text = text.ToString();
        FieldName = field.ToString();
    }

    /// <summary>The argument the path starts from, e.g. <c>skb</c>.</summary>
    public string Root { get; }

    /// <summary>The members, in order; each says whether it is reached through a pointer (<c>-&gt;</c>) or in place (<c>.</c>).</summary>
    public IReadOnlyList<MemberStep> Steps { get; }

    /// <summary>The path in its canonical spelling, e.g. <c>skb-&gt;dev-&gt;ifindex</c>.</summary>
    public string Text { get; }

    /// <summary>
    /// The name of the record field that holds the captured value: the names joined by <c>_</c>,
    /// e.g. <c>skb_dev_ifindex</c> (so the generated property is <c>SkbDevIfindex</c>).
    /// </summary>
    public string FieldName { get; }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="MemberPathException">It is not a path of C member names.</exception>
    public static MemberPath Parse(string text)
    {
        if (TryParse(text, out MemberPath? path, out string? problem, out int column))
            return path!;
        throw new MemberPathException(text ?? "", problem!, column);
    }

    /// <summary>Parses <paramref name="text"/>; false with the problem and its column (0-based) when it is not a path.</summary>
    public static bool TryParse(string? text, out MemberPath? path, out string? problem, out int column)
    {
        path = null;
        problem = null;
        column = 0;
        if (text is null || text.Trim().Length == 0)
        {
            problem = "a member path is empty; write one such as skb->dev->ifindex";
            return false;
        }
        if (text.Length > 1024)
        {
            problem = $"a member path is at most 1024 characters, not {text.Length}";
            return false;
        }

        int at = 0;
        string? root = Identifier(text, ref at);
        if (root is null)
        {
            column = at;
            problem = $"a member path starts with the name of an argument, not '{Printable(text, at)}'";
            return false;
        }
        var steps = new List<MemberStep>();
        while (true)
        {
            SkipSpaces(text, ref at);
            if (at == text.Length)
                break;
            bool pointer;
            if (string.CompareOrdinal(text, at, "->", 0, 2) == 0)
            {
                pointer = true;
                at += 2;
            }
            else if (text[at] == '.')
            {
                pointer = false;
                at += 1;
            }
            else
            {
                column = at;
                problem = $"expected '->' or '.' after '{text.Substring(0, at).Trim()}', not '{Printable(text, at)}'";
                return false;
            }
            int start = at;
            string? member = Identifier(text, ref at);
            if (member is null)
            {
                column = start;
                problem = $"expected a member name after '{(pointer ? "->" : ".")}', not '{Printable(text, start)}'";
                return false;
            }
            if (steps.Count == MaxSteps)
            {
                column = start;
                problem = $"a member path names at most {MaxSteps} members";
                return false;
            }
            steps.Add(new MemberStep(member, pointer));
        }
        if (steps.Count == 0)
        {
            column = text.Length;
            problem = $"'{root}' names an argument, not one of its members: write {root}->member";
            return false;
        }
        if (!steps[0].ThroughPointer)
        {
            column = text.IndexOf('.');
            problem = $"an argument is a pointer: write {root}->{steps[0].Member}, not {root}.{steps[0].Member}";
            return false;
        }
        path = new MemberPath(root, steps);
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(MemberPath? other) => other is not null && Text == other.Text;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as MemberPath);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    /// <summary>The path's canonical text.</summary>
    public override string ToString() => Text;

    private static string? Identifier(string text, ref int at)
    {
        SkipSpaces(text, ref at);
        int start = at;
        while (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] == '_') && text[at] < 128)
            at++;
        string name = text.Substring(start, at - start);
        if (TraceNames.IsIdentifier(name))
            return name;
        at = start;
        return null;
    }

    private static void SkipSpaces(string text, ref int at)
    {
        while (at < text.Length && text[at] is ' ' or '\t')
            at++;
    }

    private static string Printable(string text, int at) =>
        at >= text.Length ? "the end" : TraceNames.Printable(text.Substring(at, Math.Min(16, text.Length - at)));
}

/// <summary>One member of a <see cref="MemberPath"/>.</summary>
/// <param name="Member">The member's name.</param>
/// <param name="ThroughPointer">Whether it is reached through a pointer (<c>-&gt;</c>) rather than in place (<c>.</c>).</param>
public readonly record struct MemberStep(string Member, bool ThroughPointer);

/// <summary>A member path that is not valid text, or that a kernel's types do not have.</summary>
public sealed class MemberPathException : Exception
{
    /// <summary>Describes the problem with <paramref name="path"/>.</summary>
    public MemberPathException(string path, string problem, int column = -1)
        : base($"member path '{TraceNames.Printable(path)}': {problem}")
    {
        Path = path;
        Problem = problem;
        Column = column;
    }

    /// <summary>The path as given.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }

    /// <summary>Where in the text (0-based), or -1 when the problem is not in its spelling.</summary>
    public int Column { get; }
}
