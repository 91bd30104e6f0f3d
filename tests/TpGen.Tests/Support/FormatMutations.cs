using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using TpGen.Kernel;

namespace TpGen.Tests.Support;

/// <summary>A real format file to mutate: its system and event (from its path) and its text.</summary>
internal sealed record FormatSeed(string System, string Name, string Text)
{
    public override string ToString() => System + ":" + Name;
}

/// <summary>One edit of a format file's text; its numbers pick where and what, modulo the text's size.</summary>
internal readonly record struct Mutation(MutationKind Kind, int A, int B, int C);

/// <summary>The edits bad input is made of.</summary>
internal enum MutationKind
{
    Truncate,
    DuplicateLine,
    DeleteLine,
    SwapLines,
    HugeOrNegativeNumber,
    InsertToken,
    DeepNesting,
    RandomCharacters,
    OverlapFields,
    PastTheRecord,
    NegativeOffset,
    ShadowField,
    UnknownPrintField,
    ReplaceCharacter,
    LongRun,
    ReplaceType,
}

/// <summary>
/// Bad format files made from good ones: every real format of this kernel (when tracefs is
/// readable) and the fixtures, cut, reordered and edited in the ways the issue lists: truncation,
/// duplicated and reordered lines, huge and negative numbers, overlapping fields, fields past the
/// record, unbalanced parentheses, deep nesting, non-ASCII, NUL bytes and random characters.
/// </summary>
internal static class FormatMutations
{
    private static readonly Lazy<FormatSeed[]> s_seeds = new(LoadSeeds);

    /// <summary>The fixtures, and every format of the running kernel where tracefs is readable.</summary>
    public static FormatSeed[] Seeds => s_seeds.Value;

    /// <summary>The fixtures only: the same on every machine.</summary>
    public static FormatSeed[] FixtureSeeds { get; } = LoadDirectory(Fixtures.EventsDirectory).ToArray();

    /// <summary>A seed and one to four edits of it.</summary>
    public static Gen<(int Seed, Mutation[] Edits)> Cases(int seedCount) =>
        Gen.Select(Gen.Int[0, seedCount - 1], Edit.Array[1, 4]);

    public static Gen<Mutation> Edit { get; } = Gen.Select(
        Gen.Int[0, Enum.GetValues<MutationKind>().Length - 1],
        Gen.Int[0, int.MaxValue],
        Gen.Int[0, int.MaxValue],
        Gen.Int[0, int.MaxValue],
        (kind, a, b, c) => new Mutation((MutationKind)kind, a, b, c));

    public static string Apply(string text, IEnumerable<Mutation> edits)
    {
        foreach (Mutation edit in edits)
            text = Apply(text, edit);
        return text;
    }

    /// <summary>Numbers that break naive arithmetic: past 16, 32 and 64 bits, negative, zero.</summary>
    public static readonly string[] Numbers =
    {
        "0", "-1", "1", "4", "8", "65535", "65536", "65537", "-65536", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "99999999999999999999999999999999", "0x", "0xffffffff", "-0", "+5", "1e9", "007", "08",
    };

    /// <summary>C and format-file syntax, delimiters, and characters that are not ASCII or not text.</summary>
    public static readonly string[] Tokens =
    {
        "(", ")", "[", "]", "{", "}", "\"", "'", "\\", ";", ":", ",", "?", "=", "->", ".", "...", "#", "%", "%s", "%p", "%pS", "%*d", "%.*s",
        "%%", "%n", "%lld", "%-08lx", "REC->", "REC->nope", "__get_str(", "__get_dynamic_array(", "__get_bitmask(", "__print_symbolic(",
        "__print_flags(", "__print_hex(", "__print_array(", "sizeof(", "({", "})", "({ int x = 1; x; })", "(char *)", "(struct x)",
        "__data_loc ", "__rel_loc ", "char[]", "[0]", "*", "field:", "field: ", "offset:", "size:", "signed:", "\n", "\r\n", "\r", "\t", " ",
        "é", "\u00ff", "\u2028", "\uFEFF", "\uD800", "\uDFFF", "\U0001F600", "\0", "\u0001", "\u007f", "print fmt:", "name:", "ID:", "format:",
        "common_", "enum ", "struct ", "union ", "unsigned ", "const ", "__attribute__((packed))", "/*", "*/", "//", "#define X",
        "\"\\x\"", "\"\\777\"", "'ab'", "''", "0x", "1ULLL", "0b101", "09", "1.5", "L\"wide\"", "`", "@", "$",
    };

    private static readonly string[] Types =
    {
        "char[16]", "__data_loc char[]", "__data_loc u64[]", "__data_loc cpumask_t", "__rel_loc char[]", "__rel_loc u8[]", "struct x", "enum e",
        "char *const *", "int[TASK_COMM_LEN]", "u8[0]", "char[]", "char[1048577]", "char[4294967296]", "unsigned long[2][3]", "bool", "_Bool",
        "void", "int *", "unsigned", "signed char", "long long", "__data_loc", "char[-1]", "char[0x10]", "struct", "enum", "int[]", "float",
    };

    private static readonly Regex FieldLine = new(@"field:(?<declaration>[^;\n]*);\s*offset:(?<offset>[^;\n]*);\s*size:(?<size>[^;\n]*);", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    private static readonly Regex Digits = new(@"-?\d+", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    private static readonly Regex RecordReference = new(@"REC->(?<name>\w+)|__get_\w+\((?<name>\w+)\)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    public static string Apply(string text, Mutation edit)
    {
        string[] lines = text.Split('\n');
        int n = lines.Length;
        switch (edit.Kind)
        {
            case MutationKind.Truncate:
                return text.Substring(0, edit.A % (text.Length + 1));
            case MutationKind.DuplicateLine:
            {
                var list = lines.ToList();
                list.Insert(edit.B % (n + 1), lines[edit.A % n]);
                return string.Join('\n', list);
            }
            case MutationKind.DeleteLine:
            {
                var list = lines.ToList();
                list.RemoveAt(edit.A % n);
                return string.Join('\n', list);
            }
            case MutationKind.SwapLines:
                (lines[edit.A % n], lines[edit.B % n]) = (lines[edit.B % n], lines[edit.A % n]);
                return string.Join('\n', lines);
            case MutationKind.HugeOrNegativeNumber:
            {
                MatchCollection numbers = Digits.Matches(text);
                if (numbers.Count == 0)
                    return Insert(text, edit.A, Numbers[edit.B % Numbers.Length]);
                Match number = numbers[edit.A % numbers.Count];
                return text.Substring(0, number.Index) + Numbers[edit.B % Numbers.Length] + text.Substring(number.Index + number.Length);
            }
            case MutationKind.InsertToken:
            {
                string token = Tokens[edit.B % Tokens.Length];
                int times = 1 + edit.C % 3;
                return Insert(text, edit.A, string.Concat(Enumerable.Repeat(token, times)));
            }
            case MutationKind.DeepNesting:
            {
                // Balanced or not, in the print fmt or anywhere: the parsers must stop before the stack does.
                int depth = 1 + edit.B % 5000;
                string[] opens = { "(", "[", "{", "-", "!", "~", "*", "(char)", "({", "__print_symbolic(", "f(", "a?", "(a?b:" };
                string open = opens[edit.C % opens.Length];
                string close = open switch { "(" or "(char)" or "__print_symbolic(" or "f(" => ")", "[" => "]", "{" => "}", "({" => "})", "(a?b:" => ")", "a?" => ":b", _ => "" };
                bool balanced = edit.C / opens.Length % 2 == 0;
                int print = text.IndexOf("print fmt:", StringComparison.Ordinal);
                int comma = print < 0 ? -1 : text.IndexOf(',', print);
                int at = comma >= 0 && edit.A % 2 == 0 ? comma + 1 : edit.A % (text.Length + 1);
                var builder = new StringBuilder(text.Length + depth * (open.Length + close.Length) + 1);
                builder.Append(text, 0, at);
                for (int i = 0; i < depth; i++)
                    builder.Append(open);
                builder.Append('1');
                if (balanced)
                {
                    for (int i = 0; i < depth; i++)
                        builder.Append(close);
                }
                builder.Append(text, at, text.Length - at);
                return builder.ToString();
            }
            case MutationKind.RandomCharacters:
            {
                var random = new Random(edit.B);
                var characters = new char[1 + edit.C % 32];
                int range = edit.C % 3 switch { 0 => 0x80, 1 => 0x300, _ => 0x10000 };
                for (int i = 0; i < characters.Length; i++)
                    characters[i] = (char)random.Next(range);
                return Insert(text, edit.A, new string(characters));
            }
            case MutationKind.OverlapFields:
                return EditField(text, edit.A, field =>
                {
                    // Another field's offset, or one byte into it.
                    MatchCollection fields = FieldLine.Matches(text);
                    Match other = fields[edit.B % fields.Count];
                    string offset = other.Groups["offset"].Value.Trim();
                    if (edit.C % 2 == 1 && int.TryParse(offset, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                        offset = (value + 1).ToString(CultureInfo.InvariantCulture);
                    return (null, offset, null);
                });
            case MutationKind.PastTheRecord:
                return EditField(text, edit.A, field => (edit.C % 3) switch
                {
                    0 => (null, (65536 - edit.B % 8).ToString(CultureInfo.InvariantCulture), null),
                    1 => (null, null, (65536 - edit.B % 64).ToString(CultureInfo.InvariantCulture)),
                    _ => (null, "65535", "2147483647"),
                });
            case MutationKind.NegativeOffset:
                return EditField(text, edit.A, field => edit.C % 2 == 0
                    ? (null, (-(1 + edit.B % 100)).ToString(CultureInfo.InvariantCulture), null)
                    : (null, null, (-(1 + edit.B % 100)).ToString(CultureInfo.InvariantCulture)));
            case MutationKind.ShadowField:
            {
                MatchCollection fields = FieldLine.Matches(text);
                if (fields.Count == 0)
                    return text;
                Match field = fields[edit.A % fields.Count];
                int lineStart = text.LastIndexOf('\n', Math.Max(0, field.Index - 1)) + 1;
                int lineEnd = text.IndexOf('\n', field.Index);
                if (lineEnd < 0)
                    lineEnd = text.Length;
                // The line again, under the name of another field (or its own).
                Group declaration = field.Groups["declaration"];
                string name = Name(fields[edit.B % fields.Count].Groups["declaration"].Value);
                string own = Name(declaration.Value);
                int nameAt = declaration.Value.LastIndexOf(own, StringComparison.Ordinal);
                string copy = text.Substring(lineStart, lineEnd - lineStart);
                if (own.Length > 0 && nameAt >= 0)
                    copy = text.Substring(lineStart, declaration.Index + nameAt - lineStart) + name + text.Substring(declaration.Index + nameAt + own.Length, lineEnd - (declaration.Index + nameAt + own.Length));
                return text.Insert(lineEnd, "\n" + copy);
            }
            case MutationKind.UnknownPrintField:
            {
                MatchCollection references = RecordReference.Matches(text);
                if (references.Count == 0)
                    return text;
                Group name = references[edit.A % references.Count].Groups["name"];
                string[] replacements = { "nope", "common_type", "__data", "REC", "x" + edit.B % 100, name.Value + "_" };
                return text.Substring(0, name.Index) + replacements[edit.B % replacements.Length] + text.Substring(name.Index + name.Length);
            }
            case MutationKind.ReplaceCharacter:
            {
                if (text.Length == 0)
                    return text;
                int at = edit.A % text.Length;
                return text.Substring(0, at) + (char)(edit.B % 0x10000) + text.Substring(at + 1);
            }
            case MutationKind.LongRun:
            {
                char[] alphabet = { 'a', '_', '9', '(', '%', '*', ' ', '"', '\\' };
                return Insert(text, edit.A, new string(alphabet[edit.C % alphabet.Length], 1 + edit.B % 70_000));
            }
            case MutationKind.ReplaceType:
                return EditField(text, edit.A, field =>
                {
                    string declaration = field.Groups["declaration"].Value;
                    string name = Name(declaration);
                    return (Types[edit.B % Types.Length] + " " + (name.Length == 0 ? "x" : name), null, null);
                });
            default:
                throw new ArgumentOutOfRangeException(nameof(edit), edit.Kind, null);
        }
    }

    private static string Insert(string text, int at, string inserted) => text.Insert(at % (text.Length + 1), inserted);

    // The last identifier before any [..] suffixes: the field's name. (No regex: declarations may be 70,000 characters.)
    private static string Name(string declaration)
    {
        int end = declaration.Length;
        while (true)
        {
            while (end > 0 && char.IsWhiteSpace(declaration[end - 1]))
                end--;
            if (end == 0 || declaration[end - 1] != ']')
                break;
            int open = declaration.LastIndexOf('[', end - 1);
            if (open < 0)
                return "";
            end = open;
        }
        int start = end;
        while (start > 0 && (char.IsAsciiLetterOrDigit(declaration[start - 1]) || declaration[start - 1] == '_'))
            start--;
        return declaration.Substring(start, end - start);
    }

    // Rewrites one field line's declaration, offset or size (null keeps it).
    private static string EditField(string text, int which, Func<Match, (string? Declaration, string? Offset, string? Size)> edit)
    {
        MatchCollection fields = FieldLine.Matches(text);
        if (fields.Count == 0)
            return text;
        Match field = fields[which % fields.Count];
        (string? declaration, string? offset, string? size) = edit(field);
        return text.Substring(0, field.Index)
            + $"field:{declaration ?? field.Groups["declaration"].Value};\toffset:{offset ?? field.Groups["offset"].Value};\tsize:{size ?? field.Groups["size"].Value};"
            + text.Substring(field.Index + field.Length);
    }

    private static FormatSeed[] LoadSeeds()
    {
        var seeds = new List<FormatSeed>(FixtureSeeds);
        try
        {
            if (Tracefs.IsMounted)
                seeds.AddRange(LoadDirectory(Tracefs.EventsDirectory));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not root: the fixtures alone.
        }
        return seeds.ToArray();
    }

    private static IEnumerable<FormatSeed> LoadDirectory(string events)
    {
        foreach (string system in Directory.GetDirectories(events).OrderBy(d => d, StringComparer.Ordinal))
        {
            foreach (string directory in Directory.GetDirectories(system).OrderBy(d => d, StringComparer.Ordinal))
            {
                string path = Path.Combine(directory, "format");
                if (File.Exists(path))
                    yield return new FormatSeed(Path.GetFileName(system), Path.GetFileName(directory), File.ReadAllText(path));
            }
        }
    }
}
