using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TpGen.Aggregations;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Filters;

/// <summary>
/// Parses and checks the filter language against one event:
/// <code>
/// filter     := or
/// or         := and ('||' and)*
/// and        := unary ('&amp;&amp;' unary)*
/// unary      := '!' unary | '(' filter ')' | comparison
/// comparison := operand ('==' | '!=' | '&lt;' | '&lt;=' | '&gt;' | '&gt;=' | '&amp;' | '~') operand
/// operand    := field | integer | "string" | SYMBOL
/// </code>
/// One side of a comparison is a field of the event; the other a constant: an integer, a string
/// (for string fields, <c>==</c>, <c>!=</c> and the glob match <c>~</c>, whose pattern may start
/// or end with <c>*</c> and use <c>?</c> for any one character), or a name the event's print fmt
/// gives a value of that field (<c>reason == NO_SOCKET</c>). <c>field &amp; mask</c> holds when they
/// share a set bit, as in the kernel's own filters. <c>comm</c> is the current task's command name
/// where the event has no field of that name (<see cref="Comm"/>), as in the kernel's own filters;
/// <c>current.comm</c> is it always (<see cref="CurrentComm"/>).
/// </summary>
public static class FilterParser
{
    /// <summary>Longer filters are not typed by people; the bound keeps parsing cheap and the BPF small.</summary>
    public const int MaxLength = 4096;

    /// <summary>Strings compared in BPF are copied onto its 512-byte stack.</summary>
    public const int MaxStringBytes = 128;

    /// <summary>How many string comparisons one filter may make (each copies a string onto the stack).</summary>
    public const int MaxStrings = 2;

    private const int MaxDepth = 64;

    // The kernel keeps a task's command in 16 bytes with its NUL (TASK_COMM_LEN, fixed by prctl's ABI).
    private const int CommBytes = 16;

    /// <summary>
    /// <c>comm</c>: the current task's command name, which a filter may compare as the kernel's own
    /// filters do (<c>comm == "nginx"</c>, <c>comm ~ "kworker*"</c>) when the event has no field of
    /// that name. Not in any record: the BPF filter reads it with <c>bpf_get_current_comm</c>.
    /// </summary>
    public static FieldSpec Comm { get; } = new("comm", new CType("char[16]", "char", 0, CommBytes, DynamicLocation.None), -1, CommBytes, false, FieldKind.CharArray, 1, CommBytes, IsCommon: true);

    /// <summary>
    /// <c>current.comm</c>: the current task's command always, also where the event has a <c>comm</c>
    /// field of its own (sched_wakeup's is the woken task's), as aggregation keys name it.
    /// </summary>
    public const string CurrentComm = AggregationKeyPart.ContextPrefix + "comm";

    /// <summary>Whether <paramref name="field"/> is <see cref="Comm"/>, the current task's command, rather than a field of a record.</summary>
    public static bool IsComm(FieldSpec field) => field.IsCommon && field.Name == Comm.Name;

    /// <summary>Parses <paramref name="filter"/> for <paramref name="schema"/>.</summary>
    /// <exception cref="FilterException">The filter is malformed or does not fit the event; the message names the column.</exception>
    public static FilterExpr Parse(string filter, TracepointSchema schema)
    {
        if (filter.Length > MaxLength)
            throw new FilterException(filter.Substring(0, 80), 1, $"the filter is longer than {MaxLength} characters");
        var parser = new Parser(filter, schema);
        FilterExpr result = parser.ParseOr(0);
        parser.ExpectEnd();
        return result;
    }

    private enum TokenKind
    {
        End,
        Identifier,
        Integer,
        String,
        Operator,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Column, ulong Integer = 0, bool Negative = false, byte[]? Bytes = null);

    private sealed class Parser
    {
        private readonly string _filter;
        private readonly TracepointSchema _schema;
        private readonly List<Token> _tokens;
        private int _position;
        private int _strings;

        public Parser(string filter, TracepointSchema schema)
        {
            _filter = filter;
            _schema = schema;
            _tokens = Tokenize(filter);
        }

        private Token Current => _tokens[_position];

        public FilterExpr ParseOr(int depth)
        {
            FilterExpr left = ParseAnd(depth);
            while (Current.Kind == TokenKind.Operator && Current.Text == "||")
            {
                _position++;
                left = new OrFilter(left, ParseAnd(depth));
            }
            return left;
        }

        public void ExpectEnd()
        {
            if (Current.Kind != TokenKind.End)
                throw Error(Current.Column, $"expected '&&', '||' or the end of the filter, found '{Current.Text}'");
        }

        private FilterExpr ParseAnd(int depth)
        {
            FilterExpr left = ParseUnary(depth);
            while (Current.Kind == TokenKind.Operator && Current.Text == "&&")
            {
                _position++;
                left = new AndFilter(left, ParseUnary(depth));
            }
            return left;
        }

        private FilterExpr ParseUnary(int depth)
        {
            if (depth > MaxDepth)
                throw Error(Current.Column, $"the filter nests deeper than {MaxDepth} levels");
            if (Current.Kind == TokenKind.Operator && Current.Text == "!")
            {
                _position++;
                return new NotFilter(ParseUnary(depth + 1));
            }
            if (Current.Kind == TokenKind.Operator && Current.Text == "(")
            {
                _position++;
                FilterExpr inner = ParseOr(depth + 1);
                if (Current.Kind != TokenKind.Operator || Current.Text != ")")
                    throw Error(Current.Column, Current.Kind == TokenKind.End ? "missing ')'" : $"expected ')', found '{Current.Text}'");
                _position++;
                return inner;
            }
            return ParseComparison();
        }

        private FilterExpr ParseComparison()
        {
            Token left = TakeOperand();
            if (Current.Kind != TokenKind.Operator || Operator(Current.Text) is not { } op)
                throw Error(Current.Column, Current.Kind == TokenKind.End ? "expected a comparison (==, !=, <, <=, >, >=, &, ~) before the end" : $"expected a comparison (==, !=, <, <=, >, >=, &, ~), found '{Current.Text}'");
            int opColumn = Current.Column;
            _position++;
            Token right = TakeOperand();

            // One side names a field, the other is a constant.
            FieldSpec? leftField = FieldOf(left);
            FieldSpec? rightField = FieldOf(right);
            if (leftField is not null && rightField is not null)
                throw Error(right.Column, "compare a field with a constant, not with another field");
            if (leftField is null && rightField is null)
            {
                Token named = left.Kind == TokenKind.Identifier || right.Kind != TokenKind.Identifier ? left : right;
                throw Error(named.Column, named.Kind != TokenKind.Identifier ? "one side of a comparison must be a field of the event"
                    : named.Text.StartsWith(AggregationKeyPart.ContextPrefix, StringComparison.Ordinal)
                        ? $"filters know {CurrentComm}, the running task's command; for its process id use common_pid"
                        : $"'{named.Text}' is not a field of {_schema.FullName} (its fields: {FieldNames()})");
            }
            FieldSpec field = (leftField ?? rightField)!;
            Token constant = leftField is not null ? right : left;
            if (leftField is null)
                op = Mirror(op);
            if (op == Glob)
                return BindGlob(field, opColumn, constant);
            return Bind(field, (FilterOperator)op, opColumn, constant);
        }

        // "kworker*", "*.so", "*eth*", "sd?": the glob match of the kernel's own filters, on its common forms.
        private FilterExpr BindGlob(FieldSpec field, int opColumn, Token constant)
        {
            if (field.Kind is not (FieldKind.CharArray or FieldKind.DynamicString))
                throw Error(opColumn, $"'~' matches strings; '{field.Name}' is not a string");
            if (constant.Kind != TokenKind.String)
                throw Error(constant.Column, $"'~' takes a \"pattern\" such as \"kworker*\"");
            byte[] pattern = constant.Bytes!;
            bool leading = pattern.Length > 0 && pattern[0] == '*';
            bool trailing = pattern.Length > (leading ? 1 : 0) && pattern[pattern.Length - 1] == '*';
            int start = leading ? 1 : 0, end = pattern.Length - (trailing ? 1 : 0);
            var value = new byte[Math.Max(0, end - start)];
            Array.Copy(pattern, start, value, 0, value.Length);
            if (Array.IndexOf(value, (byte)'*') >= 0 || Array.IndexOf(value, (byte)'[') >= 0)
                throw Error(constant.Column, "a pattern may start or end with '*' and use '?' for one character; '*' inside it and [sets] are not supported");
            StringMatch match = leading && trailing ? StringMatch.Contains : leading ? StringMatch.Suffix : trailing ? StringMatch.Prefix : StringMatch.Whole;
            CountString(field, constant, value.Length);
            return new StringFilter(field, true, new EquatableArray<byte>(value), match, Array.IndexOf(value, (byte)'?') >= 0);
        }

        private void CountString(FieldSpec field, Token constant, int length)
        {
            if (IsComm(field) && length > CommBytes - 1)
                throw Error(constant.Column, $"a command name ('comm') has at most {CommBytes - 1} characters; the kernel keeps no more");
            if (field.Kind == FieldKind.CharArray && field.ElementCount == 0)
                throw Error(constant.Column, $"'{field.Name}' has no fixed length to compare");
            // Each comparison reads its string onto the BPF program's 512-byte stack.
            _strings++;
            if (length > MaxStringBytes || _strings > MaxStrings)
                throw Error(constant.Column, $"a filter compares at most {MaxStrings} strings of up to {MaxStringBytes} bytes (BPF compares them on its small stack)");
        }

        private FilterExpr Bind(FieldSpec field, FilterOperator op, int opColumn, Token constant)
        {
            bool isString = field.Kind is FieldKind.CharArray or FieldKind.DynamicString;
            if (isString)
            {
                if (constant.Kind != TokenKind.String)
                    throw Error(constant.Column, $"'{field.Name}' is a string: compare it with a \"string\"");
                if (op is not (FilterOperator.Equal or FilterOperator.NotEqual))
                    throw Error(opColumn, $"strings compare with ==, != and ~ only");
                CountString(field, constant, constant.Bytes!.Length);
                return new StringFilter(field, op == FilterOperator.Equal, new EquatableArray<byte>(constant.Bytes));
            }

            if (field.Kind is not (FieldKind.Scalar or FieldKind.Enum or FieldKind.Bool or FieldKind.Pointer))
                throw Error(constant.Column, $"'{field.Name}' is {Describe(field)}; filters compare numbers and strings");
            if (field.IsCommon && field.Name is not ("common_pid" or "common_type") && !IsComm(field))
                throw Error(constant.Column, $"'{field.Name}' is not available to a BPF filter (the handler cannot see it); filter on the event's own fields or common_pid");

            ulong value;
            string? symbol = null;
            switch (constant.Kind)
            {
                case TokenKind.Integer:
                    value = constant.Negative ? unchecked(0UL - constant.Integer) : constant.Integer;
                    if (!Fits(field, constant.Integer, constant.Negative))
                        throw Error(constant.Column, $"{(constant.Negative ? "-" : "")}{constant.Integer} does not fit '{field.Name}' ({(field.IsSigned ? "signed" : "unsigned")} {field.Size * 8}-bit)");
                    break;
                case TokenKind.Identifier:
                    value = Symbol(field, constant);
                    symbol = constant.Text;
                    break;
                default:
                    throw Error(constant.Column, $"'{field.Name}' is a number: compare it with a number or one of the names its print fmt gives it");
            }
            return new CompareFilter(field, op, value, symbol);
        }

        // NO_SOCKET in "reason == NO_SOCKET": a name the kernel gives to values of this field (the
        // table relocation translates by, so the name can be resolved again on another kernel).
        private ulong Symbol(FieldSpec field, Token name)
        {
            var known = new List<string>();
            if (FieldSymbols.For(_schema, field.Name) is { } table)
            {
                if (table.TryGetValue(name.Text, out ulong value))
                    return value;
                foreach (SymbolEntry entry in table.Entries)
                    known.Add(entry.Name);
            }
            if (known.Count == 0)
                throw Error(name.Column, $"'{name.Text}' is not a field of {_schema.FullName}, and '{field.Name}' has no named values to compare with");
            throw Error(name.Column, $"'{name.Text}' is not a name of '{field.Name}' values (some: {string.Join(", ", known.GetRange(0, Math.Min(8, known.Count)))})");
        }

        private Token TakeOperand()
        {
            Token token = Current;
            if (token.Kind is TokenKind.Identifier or TokenKind.Integer or TokenKind.String)
            {
                _position++;
                return token;
            }
            throw Error(token.Column, token.Kind == TokenKind.End ? "the filter ends where a field or value should be" : $"expected a field or value, found '{token.Text}'");
        }

        // An event's own field first; "comm" names the current task's command where the event has no
        // field of that name, as in the kernel's own filters; "current.comm" names it always.
        private FieldSpec? FieldOf(Token token) =>
            token.Kind != TokenKind.Identifier ? null
            : token.Text == CurrentComm ? Comm
            : _schema.FindField(token.Text) ?? (token.Text == Comm.Name ? Comm : null);

        private string FieldNames()
        {
            var names = new List<string>();
            foreach (FieldSpec field in _schema.Fields)
            {
                if (!field.IsCommon || field.Name == "common_pid")
                    names.Add(field.Name);
            }
            if (_schema.FindField(Comm.Name) is null)
                names.Add(Comm.Name);
            names.Add(CurrentComm);
            return string.Join(", ", names);
        }

        private static bool Fits(FieldSpec field, ulong magnitude, bool negative)
        {
            int bits = field.Kind == FieldKind.Pointer ? 64 : field.Size * 8;
            if (!field.IsSigned || field.Kind == FieldKind.Pointer)
                return !negative && (bits == 64 || magnitude < 1UL << bits);
            ulong limit = 1UL << (bits - 1);
            return negative ? magnitude <= limit : magnitude < limit;
        }

        private static string Describe(FieldSpec field) => field.Kind switch
        {
            FieldKind.FixedArray or FieldKind.DynamicArray => "an array",
            _ => "not a number",
        };

        // '~' is not a FilterOperator: it binds to a StringFilter.
        private const int Glob = -1;

        private static int? Operator(string text) => text switch
        {
            "~" => Glob,
            "&" => (int)FilterOperator.BitwiseAnd,
            _ => (int?)NumericOperator(text),
        };

        private static FilterOperator? NumericOperator(string text) => text switch
        {
            "==" => FilterOperator.Equal,
            "!=" => FilterOperator.NotEqual,
            "<" => FilterOperator.Less,
            "<=" => FilterOperator.LessOrEqual,
            ">" => FilterOperator.Greater,
            ">=" => FilterOperator.GreaterOrEqual,
            _ => null,
        };

        private static int Mirror(int op) => op switch
        {
            (int)FilterOperator.Less => (int)FilterOperator.Greater,
            (int)FilterOperator.LessOrEqual => (int)FilterOperator.GreaterOrEqual,
            (int)FilterOperator.Greater => (int)FilterOperator.Less,
            (int)FilterOperator.GreaterOrEqual => (int)FilterOperator.LessOrEqual,
            _ => op,
        };

        private FilterException Error(int column, string message) => new(_filter, column, message);

        private List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            int i = 0;
            while (true)
            {
                while (i < text.Length && text[i] is ' ' or '\t')
                    i++;
                int column = i + 1;
                if (i >= text.Length)
                {
                    tokens.Add(new Token(TokenKind.End, "", column));
                    return tokens;
                }
                char c = text[i];
                if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_')
                {
                    int start = i;
                    while (i < text.Length && text[i] is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_')
                        i++;
                    // current.comm is one name (a field name never holds a dot), as aggregation keys write it.
                    string prefix = AggregationKeyPart.ContextPrefix;
                    if (i - start == prefix.Length - 1 && i + 1 < text.Length && string.CompareOrdinal(text, start, prefix, 0, prefix.Length) == 0
                        && text[i + 1] is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_')
                    {
                        i++;
                        while (i < text.Length && text[i] is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_')
                            i++;
                    }
                    tokens.Add(new Token(TokenKind.Identifier, text.Substring(start, i - start), column));
                }
                else if (c is >= '0' and <= '9' || c == '-' && i + 1 < text.Length && text[i + 1] is >= '0' and <= '9')
                {
                    bool negative = c == '-';
                    int start = i;
                    if (negative)
                        i++;
                    int digits = i;
                    bool hex = i + 1 < text.Length && text[i] == '0' && text[i + 1] is 'x' or 'X';
                    if (hex)
                        i += 2;
                    while (i < text.Length && char.IsLetterOrDigit(text[i]))
                        i++;
                    string number = text.Substring(hex ? digits + 2 : digits, i - (hex ? digits + 2 : digits));
                    bool parsed = hex
                        ? ulong.TryParse(number, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value) && number.Length > 0
                        : ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out value);
                    if (!parsed)
                        throw Error(column, $"'{text.Substring(start, i - start)}' is not a number");
                    tokens.Add(new Token(TokenKind.Integer, text.Substring(start, i - start), column, value, negative));
                }
                else if (c == '"')
                {
                    tokens.Add(ReadString(text, ref i, column));
                }
                else
                {
                    string? op = null;
                    foreach (string candidate in new[] { "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "&", "~" })
                    {
                        if (string.CompareOrdinal(text, i, candidate, 0, candidate.Length) == 0)
                        {
                            op = candidate;
                            break;
                        }
                    }
                    if (op is null)
                        throw Error(column, c < ' ' || c > '~' ? $"unexpected character U+{(int)c:X4}" : $"unexpected character '{c}'");
                    i += op.Length;
                    tokens.Add(new Token(TokenKind.Operator, op, column));
                }
            }
        }

        private Token ReadString(string text, ref int i, int column)
        {
            var value = new StringBuilder();
            i++;
            while (i < text.Length && text[i] != '"')
            {
                char c = text[i++];
                if (c != '\\')
                {
                    value.Append(c);
                    continue;
                }
                if (i >= text.Length)
                    break;
                char escaped = text[i++];
                value.Append(escaped switch
                {
                    'n' => '\n',
                    't' => '\t',
                    '\\' => '\\',
                    '"' => '"',
                    _ => throw Error(i - 1, $"unknown escape '\\{escaped}' (use \\\\, \\\", \\n or \\t)"),
                });
            }
            if (i >= text.Length)
                throw Error(column, "unterminated string");
            i++;
            byte[] bytes = Encoding.UTF8.GetBytes(value.ToString());
            if (Array.IndexOf(bytes, (byte)0) >= 0)
                throw Error(column, "a string in a filter cannot contain NUL");
            return new Token(TokenKind.String, text.Substring(column - 1, i - column + 1), column, Bytes: bytes);
        }
    }
}
