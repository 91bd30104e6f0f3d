using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace TpGen.Tool.Events;

/// <summary>
/// The events a trace header defines, read from its text without compiling it: for listing a
/// header tree's events, which compiling every system (a second each, and many systems do not
/// compile on their own) makes slow. A small preprocessor over the one file: comments, line
/// continuations, <c>#if</c>/<c>#ifdef</c> with the tree's <c>CONFIG_</c> values, the file's own
/// <c>#define</c>s (the wrapper macros such as <c>DEFINE_WRITEBACK_EVENT(name)</c> that expand to
/// <c>DEFINE_EVENT</c>), and the macros that make events: <c>TRACE_EVENT*</c> and
/// <c>DEFINE_EVENT*</c>. Reading an event still compiles its header (<see cref="HeadersSource.Read"/>),
/// which has the last word.
/// </summary>
internal sealed class HeaderEventNames
{
    // Event-making macros and the index of the argument that names the event.
    private static readonly Dictionary<string, int> EventMacros = new(StringComparer.Ordinal)
    {
        ["TRACE_EVENT"] = 0, ["TRACE_EVENT_FN"] = 0, ["TRACE_EVENT_FN_COND"] = 0, ["TRACE_EVENT_CONDITION"] = 0, ["TRACE_EVENT_SYSCALL"] = 0,
        ["DEFINE_EVENT"] = 1, ["DEFINE_EVENT_FN"] = 1, ["DEFINE_EVENT_PRINT"] = 1, ["DEFINE_EVENT_CONDITION"] = 1,
    };

    private const int MaxExpansionDepth = 16;

    private readonly Dictionary<string, Macro> _macros = new(StringComparer.Ordinal);
    private readonly List<(string System, string Name)> _events = new();
    private string? _system;

    private HeaderEventNames(IReadOnlyDictionary<string, string> config)
    {
        foreach (KeyValuePair<string, string> entry in config)
            _macros[entry.Key] = new Macro(null, entry.Value);
        // As in the kernel's .c file that creates a system's events (module.h names its system only then).
        _macros["__KERNEL__"] = new Macro(null, "1");
        _macros["CREATE_TRACE_POINTS"] = new Macro(null, "");
    }

    private sealed record Macro(List<string>? Parameters, string Body);

    /// <summary>The <c>CONFIG_</c> values of a configured tree: <c>include/generated/autoconf.h</c> under <paramref name="buildDirectory"/>; empty when it has none.</summary>
    public static Dictionary<string, string> ReadConfig(string buildDirectory)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        string path = Path.Combine(buildDirectory, "include", "generated", "autoconf.h");
        if (!File.Exists(path))
            return config;
        foreach (string line in File.ReadLines(path))
        {
            string[] parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == "#define")
                config[parts[1]] = parts.Length == 3 ? parts[2] : "";
        }
        return config;
    }

    /// <summary>The (system, event) pairs <paramref name="text"/> defines, in order; the system is the file's <c>TRACE_SYSTEM</c> where each event is.</summary>
    public static List<(string System, string Name)> Scan(string text, IReadOnlyDictionary<string, string> config)
    {
        var scanner = new HeaderEventNames(config);
        scanner.Run(Preprocess(text));
        return scanner._events;
    }

    private void Run(List<string> lines)
    {
        // Each entry: whether this branch is taken, whether one before it was, whether the enclosing region is live.
        var conditions = new Stack<(bool Taken, bool AnyTaken, bool Live)>();
        bool live = true;
        var code = new StringBuilder();
        foreach (string line in lines)
        {
            string trimmed = line.TrimStart();
            if (!trimmed.StartsWith('#'))
            {
                if (live)
                    code.Append(line).Append('\n');
                continue;
            }
            string directive = trimmed.Substring(1).TrimStart();
            string keyword = Word(directive, 0);
            string rest = directive.Substring(keyword.Length).Trim();
            // Code is read before a macro it might use changes, unless it is inside a call (an
            // "#if IS_ENABLED(CONFIG_IPV6)" within TP_fast_assign): then the whole call is read at once.
            if (keyword is "define" or "undef" && Balanced(code))
            {
                Expand(code.ToString(), 0);
                code.Clear();
            }
            switch (keyword)
            {
                case "if" or "ifdef" or "ifndef":
                {
                    bool holds = keyword == "if" ? Evaluate(rest) : _macros.ContainsKey(Word(rest, 0)) == (keyword == "ifdef");
                    conditions.Push((live && holds, live && holds, live));
                    break;
                }
                case "elif" when conditions.Count > 0:
                {
                    var (_, any, outer) = conditions.Pop();
                    bool taken = outer && !any && Evaluate(rest);
                    conditions.Push((taken, any || taken, outer));
                    break;
                }
                case "else" when conditions.Count > 0:
                {
                    var (_, any, outer) = conditions.Pop();
                    conditions.Push((outer && !any, true, outer));
                    break;
                }
                case "endif" when conditions.Count > 0:
                    conditions.Pop();
                    break;
                case "define" when live:
                    Define(rest);
                    break;
                case "undef" when live:
                    _macros.Remove(Word(rest, 0));
                    if (Word(rest, 0) == "TRACE_SYSTEM")
                        _system = null;
                    break;
            }
            live = conditions.Count == 0 || conditions.Peek().Taken;
        }
        Expand(code.ToString(), 0);
    }

    private static bool Balanced(System.Text.StringBuilder code)
    {
        int depth = 0;
        string text = code.ToString();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is '"' or '\'')
                i = SkipQuoted(text, i) - 1;
            else if (text[i] == '(')
                depth++;
            else if (text[i] == ')')
                depth--;
        }
        return depth <= 0;
    }

    private void Define(string definition)
    {
        string name = Word(definition, 0);
        if (name.Length == 0)
            return;
        int at = name.Length;
        List<string>? parameters = null;
        if (at < definition.Length && definition[at] == '(')
        {
            int close = definition.IndexOf(')', at);
            if (close < 0)
                return;
            parameters = new List<string>();
            foreach (string parameter in definition.Substring(at + 1, close - at - 1).Split(','))
            {
                if (parameter.Trim().Length > 0)
                    parameters.Add(parameter.Trim());
            }
            at = close + 1;
        }
        string body = definition.Substring(at).Trim();
        _macros[name] = new Macro(parameters, body);
        if (name == "TRACE_SYSTEM" && parameters is null && body.Length > 0)
            _system = body;
    }

    /// <summary>Finds the event macros in <paramref name="text"/>, expanding the file's own macros on the way.</summary>
    private void Expand(string text, int depth)
    {
        if (depth > MaxExpansionDepth)
            return;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c is '"' or '\'')
            {
                i = SkipQuoted(text, i);
                continue;
            }
            if (!IsIdentifierStart(c))
            {
                i++;
                continue;
            }
            string word = Word(text, i);
            int after = i + word.Length;
            int open = SkipSpace(text, after);
            bool call = open < text.Length && text[open] == '(';
            // An alias such as "#define TRACE_EVENT_RCU TRACE_EVENT" stands for the macro it names.
            for (int hops = 0; hops < MaxExpansionDepth && _macros.TryGetValue(word, out Macro? alias) && alias.Parameters is null && IsName(alias.Body); hops++)
                word = alias.Body;
            if (call && EventMacros.TryGetValue(word, out int nameIndex) && Arguments(text, open, out List<string> arguments, out int end))
            {
                if (nameIndex < arguments.Count && _system is not null && IsName(arguments[nameIndex].Trim()))
                    _events.Add((_system, arguments[nameIndex].Trim()));
                i = end;
                continue;
            }
            if (call && _macros.TryGetValue(word, out Macro? macro) && macro.Parameters is not null && Arguments(text, open, out List<string> macroArguments, out int macroEnd))
            {
                Expand(Substitute(macro, macroArguments), depth + 1);
                i = macroEnd;
                continue;
            }
            i = after;
        }
    }

    // The body with each parameter replaced by its argument, and "a ## b" pasted.
    private static string Substitute(Macro macro, List<string> arguments)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int p = 0; p < macro.Parameters!.Count; p++)
        {
            string parameter = macro.Parameters[p];
            if (parameter == "...")
                values["__VA_ARGS__"] = string.Join(",", arguments.GetRange(Math.Min(p, arguments.Count), Math.Max(0, arguments.Count - p)));
            else
                values[parameter] = p < arguments.Count ? arguments[p].Trim() : "";
        }
        var result = new StringBuilder();
        string body = macro.Body;
        for (int i = 0; i < body.Length;)
        {
            if (body[i] is '"' or '\'')
            {
                int end = SkipQuoted(body, i);
                result.Append(body, i, end - i);
                i = end;
            }
            else if (IsIdentifierStart(body[i]))
            {
                string word = Word(body, i);
                result.Append(values.TryGetValue(word, out string? value) ? value : word);
                i += word.Length;
            }
            else
            {
                result.Append(body[i++]);
            }
        }
        // Token pasting, after substitution: "trace_##name" -> "trace_foo".
        string pasted = result.ToString();
        int at;
        while ((at = pasted.IndexOf("##", StringComparison.Ordinal)) >= 0)
        {
            int left = at, right = at + 2;
            while (left > 0 && pasted[left - 1] is ' ' or '\t')
                left--;
            while (right < pasted.Length && pasted[right] is ' ' or '\t')
                right++;
            pasted = pasted.Substring(0, left) + pasted.Substring(right);
        }
        return pasted;
    }

    // The arguments of the call whose '(' is at <open>, split at top-level commas.
    private static bool Arguments(string text, int open, out List<string> arguments, out int end)
    {
        arguments = new List<string>();
        int depth = 0, start = open + 1;
        for (int i = open; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '"' or '\'')
            {
                i = SkipQuoted(text, i) - 1;
                continue;
            }
            if (c is '(' or '{' or '[')
            {
                depth++;
            }
            else if (c is ')' or '}' or ']')
            {
                depth--;
                if (depth == 0)
                {
                    arguments.Add(text.Substring(start, i - start));
                    end = i + 1;
                    return true;
                }
            }
            else if (c == ',' && depth == 1)
            {
                arguments.Add(text.Substring(start, i - start));
                start = i + 1;
            }
        }
        end = text.Length;
        return false;
    }

    /// <summary>A #if condition: integers, defined(), IS_ENABLED() and friends, ! &amp;&amp; || == != &lt; &gt; and parentheses; an unknown name is 0, as in C.</summary>
    private bool Evaluate(string expression)
    {
        try
        {
            var parser = new ConditionParser(expression, this);
            return parser.Parse() != 0;
        }
        catch (FormatException)
        {
            // A condition this reader cannot follow: the events inside count, and the header has the last word.
            return true;
        }
    }

    private sealed class ConditionParser(string text, HeaderEventNames owner)
    {
        private int _at;

        public long Parse()
        {
            long value = Or();
            Space();
            if (_at != text.Length)
                throw new FormatException();
            return value;
        }

        private long Or()
        {
            long value = And();
            while (Take("||"))
                value = (And() != 0 || value != 0) ? 1 : 0;
            return value;
        }

        private long And()
        {
            long value = Comparison();
            while (Take("&&"))
                value = (Comparison() != 0 && value != 0) ? 1 : 0;
            return value;
        }

        private long Comparison()
        {
            long value = Unary();
            while (true)
            {
                if (Take("=="))
                    value = value == Unary() ? 1 : 0;
                else if (Take("!="))
                    value = value != Unary() ? 1 : 0;
                else if (Take(">="))
                    value = value >= Unary() ? 1 : 0;
                else if (Take("<="))
                    value = value <= Unary() ? 1 : 0;
                else if (Take(">"))
                    value = value > Unary() ? 1 : 0;
                else if (Take("<"))
                    value = value < Unary() ? 1 : 0;
                else
                    return value;
            }
        }

        private long Unary()
        {
            if (Take("!"))
                return Unary() == 0 ? 1 : 0;
            if (Take("("))
            {
                long value = Or();
                if (!Take(")"))
                    throw new FormatException();
                return value;
            }
            Space();
            if (_at < text.Length && char.IsAsciiDigit(text[_at]))
            {
                int start = _at;
                while (_at < text.Length && char.IsAsciiLetterOrDigit(text[_at]))
                    _at++;
                string digits = text.Substring(start, _at - start).TrimEnd('U', 'u', 'L', 'l');
                return digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    ? long.Parse(digits.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                    : long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long number) ? number : throw new FormatException();
            }
            if (_at < text.Length && IsIdentifierStart(text[_at]))
            {
                string word = Word(text, _at);
                _at += word.Length;
                if (word == "defined")
                {
                    bool parenthesized = Take("(");
                    Space();
                    string name = Word(text, _at);
                    _at += name.Length;
                    if (parenthesized && !Take(")"))
                        throw new FormatException();
                    return owner._macros.ContainsKey(name) ? 1 : 0;
                }
                if (word is "IS_ENABLED" or "IS_BUILTIN" or "IS_MODULE" or "IS_REACHABLE")
                {
                    if (!Take("("))
                        throw new FormatException();
                    Space();
                    string option = Word(text, _at);
                    _at += option.Length;
                    if (!Take(")"))
                        throw new FormatException();
                    bool builtin = owner._macros.ContainsKey(option), module = owner._macros.ContainsKey(option + "_MODULE");
                    return word switch
                    {
                        "IS_BUILTIN" => builtin ? 1 : 0,
                        "IS_MODULE" => module ? 1 : 0,
                        _ => builtin || module ? 1 : 0,
                    };
                }
                Space();
                // A function-like macro in a condition (LINUX_VERSION_CODE arithmetic, KERNEL_VERSION(...)) is beyond this reader.
                if (_at < text.Length && text[_at] == '(')
                    throw new FormatException();
                if (owner._macros.TryGetValue(word, out Macro? macro) && macro.Parameters is null)
                    return long.TryParse(macro.Body, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : macro.Body.Length == 0 ? 0 : throw new FormatException();
                return 0;
            }
            throw new FormatException();
        }

        private bool Take(string token)
        {
            Space();
            if (string.CompareOrdinal(text, _at, token, 0, token.Length) != 0)
                return false;
            // "&" is not "&&", "=" not "==": the caller asks for whole operators only.
            _at += token.Length;
            return true;
        }

        private void Space()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
                _at++;
        }
    }

    /// <summary>The file as logical lines: comments removed, continued lines joined.</summary>
    private static List<string> Preprocess(string text)
    {
        var clean = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '"' or '\'')
            {
                int end = SkipQuoted(text, i);
                clean.Append(text, i, end - i);
                i = end - 1;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                // A comment that spans lines keeps them, so directives stay on lines of their own.
                foreach (char inside in text.AsSpan(i, (end < 0 ? text.Length : end + 2) - i))
                {
                    if (inside == '\n')
                        clean.Append('\n');
                }
                clean.Append(' ');
                i = end < 0 ? text.Length : end + 1;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i + 1 < text.Length && text[i + 1] != '\n')
                    i++;
            }
            else
            {
                clean.Append(c);
            }
        }
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (string physical in clean.ToString().Replace("\r\n", "\n").Split('\n'))
        {
            if (physical.EndsWith('\\'))
            {
                line.Append(physical, 0, physical.Length - 1).Append(' ');
                continue;
            }
            line.Append(physical);
            lines.Add(line.ToString());
            line.Clear();
        }
        if (line.Length > 0)
            lines.Add(line.ToString());
        return lines;
    }

    private static int SkipQuoted(string text, int start)
    {
        char quote = text[start];
        int i = start + 1;
        while (i < text.Length && text[i] != quote && text[i] != '\n')
            i += text[i] == '\\' ? 2 : 1;
        return Math.Min(i + 1, text.Length);
    }

    private static int SkipSpace(string text, int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at]))
            at++;
        return at;
    }

    private static string Word(string text, int at)
    {
        int end = at;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            end++;
        return text.Substring(at, end - at);
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsName(string text) => text.Length > 0 && Word(text, 0).Length == text.Length;
}
