using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Frontends.Tracefs;

/// <summary>
/// Parses a print fmt, <c>"format", arg, arg, ...</c>, into a <see cref="PrintFormat"/>: the
/// format string split into conversions, and a C expression tree per argument.
/// </summary>
internal sealed class PrintFmtParser
{
    // Deeper nesting than this is not a real format; stopping early keeps hostile input from overflowing the stack.
    private const int MaxDepth = 200;

    private readonly string _source;
    private readonly List<CToken> _tokens;
    private int _position;
    private int _depth;

    private PrintFmtParser(string source, List<CToken> tokens)
    {
        _source = source;
        _tokens = tokens;
    }

    /// <summary>Parses <paramref name="text"/>; on failure, <paramref name="errorOffset"/> is where in it the problem is.</summary>
    public static bool TryParse(string text, out PrintFormat format, out int errorOffset, out string error)
    {
        format = null!;
        if (!CTokenizer.TryTokenize(text, out List<CToken> tokens, out errorOffset, out error))
            return false;

        var parser = new PrintFmtParser(text, tokens);
        try
        {
            format = parser.ParsePrintFmt();
            errorOffset = 0;
            error = "";
            return true;
        }
        catch (ParseError e)
        {
            errorOffset = e.Offset;
            error = e.Message;
            return false;
        }
    }

    private CToken Current => _tokens[_position];

    private PrintFormat ParsePrintFmt()
    {
        if (Current.Kind != CTokenKind.String)
            throw Error("a print fmt starts with a string literal");
        var format = new StringBuilder();
        int formatOffset = Current.Offset;
        while (Current.Kind == CTokenKind.String)
        {
            format.Append(Current.Value);
            _position++;
        }

        var arguments = new List<PrintExpr>();
        while (Current.Is(","))
        {
            _position++;
            arguments.Add(ParseAssignment());
        }
        if (Current.Kind != CTokenKind.End)
            throw Error($"expected ',' or the end of the print fmt, found '{Current.Text}'");

        string formatText = format.ToString();
        if (!FormatStringParser.TryParse(formatText, out EquatableArray<FormatSegment> segments, out int needed, out string formatError))
            throw new ParseError(formatError, formatOffset);
        if (needed != arguments.Count)
            throw new ParseError($"the format string has conversions for {needed} argument(s) but {arguments.Count} follow", formatOffset);
        return new PrintFormat(formatText, segments, new EquatableArray<PrintExpr>(arguments.ToArray()));
    }

    private PrintExpr ParseExpression()
    {
        PrintExpr left = ParseAssignment();
        while (Current.Is(","))
        {
            _position++;
            left = new BinaryExpr(",", left, ParseAssignment());
        }
        return left;
    }

    // Assignment only appears inside statement expressions; it is kept so those can be recognised.
    private PrintExpr ParseAssignment()
    {
        PrintExpr left = ParseConditional();
        if (Current.Is("="))
        {
            _position++;
            return new BinaryExpr("=", left, ParseAssignment());
        }
        return left;
    }

    private PrintExpr ParseConditional()
    {
        Enter();
        PrintExpr condition = ParseBinary(0);
        if (Current.Is("?"))
        {
            _position++;
            PrintExpr whenTrue = ParseExpression();
            Expect(":");
            PrintExpr whenFalse = ParseConditional();
            condition = new ConditionalExpr(condition, whenTrue, whenFalse);
        }
        Leave();
        return condition;
    }

    private static readonly string[][] BinaryLevels =
    {
        new[] { "||" },
        new[] { "&&" },
        new[] { "|" },
        new[] { "^" },
        new[] { "&" },
        new[] { "==", "!=" },
        new[] { "<", ">", "<=", ">=" },
        new[] { "<<", ">>" },
        new[] { "+", "-" },
        new[] { "*", "/", "%" },
    };

    private PrintExpr ParseBinary(int level)
    {
        if (level == BinaryLevels.Length)
            return ParseUnary();
        PrintExpr left = ParseBinary(level + 1);
        while (Current.Kind == CTokenKind.Punctuator && System.Array.IndexOf(BinaryLevels[level], Current.Text) >= 0)
        {
            string op = Current.Text;
            _position++;
            left = new BinaryExpr(op, left, ParseBinary(level + 1));
        }
        return left;
    }

    private PrintExpr ParseUnary()
    {
        Enter();
        try
        {
            CToken token = Current;
            if (token.Kind == CTokenKind.Punctuator && token.Text is "-" or "+" or "~" or "!" or "*" or "&")
            {
                _position++;
                return new UnaryExpr(token.Text, ParseUnary());
            }
            if (token.IsIdentifier("sizeof"))
            {
                _position++;
                if (Current.Is("(") && TryFindTypeInParentheses(out int typeEnd))
                {
                    CType type = ParseType(_position + 1, typeEnd);
                    _position = typeEnd + 1;
                    return new SizeOfExpr(type, null);
                }
                return new SizeOfExpr(null, ParseUnary());
            }
            if (token.Is("(") && TryFindTypeInParentheses(out int castEnd))
            {
                CType type = ParseType(_position + 1, castEnd);
                _position = castEnd + 1;
                // A compound literal "(type){ ... }" is not a cast; no format uses one.
                if (Current.Is("{"))
                    throw Error("compound literals are not supported");
                return new CastExpr(type, ParseUnary());
            }
            return ParsePostfix();
        }
        finally
        {
            Leave();
        }
    }

    private PrintExpr ParsePostfix()
    {
        PrintExpr expression = ParsePrimary();
        while (true)
        {
            if (Current.Is("->") || Current.Is("."))
            {
                bool arrow = Current.Is("->");
                _position++;
                if (Current.Kind != CTokenKind.Identifier)
                    throw Error($"expected a member name after '{(arrow ? "->" : ".")}'");
                string member = Current.Text;
                _position++;
                expression = arrow && expression is IdentifierExpr { Name: "REC" }
                    ? new FieldExpr(member)
                    : new MemberExpr(expression, member, arrow);
            }
            else if (Current.Is("["))
            {
                _position++;
                PrintExpr index = ParseExpression();
                Expect("]");
                expression = new IndexExpr(expression, index);
            }
            else if (Current.Is("(") && expression is IdentifierExpr function)
            {
                _position++;
                var arguments = new List<PrintExpr>();
                if (!Current.Is(")"))
                {
                    arguments.Add(ParseAssignment());
                    while (Current.Is(","))
                    {
                        _position++;
                        arguments.Add(ParseAssignment());
                    }
                }
                Expect(")");
                expression = MakeCall(function.Name, arguments);
            }
            else
            {
                return expression;
            }
        }
    }

    private PrintExpr ParsePrimary()
    {
        CToken token = Current;
        switch (token.Kind)
        {
            case CTokenKind.Identifier:
                _position++;
                return new IdentifierExpr(token.Text);
            case CTokenKind.Number:
                _position++;
                return ParseInteger(token);
            case CTokenKind.String:
            {
                var value = new StringBuilder();
                while (Current.Kind == CTokenKind.String)
                {
                    value.Append(Current.Value);
                    _position++;
                }
                return new StringExpr(value.ToString());
            }
            case CTokenKind.Char:
                _position++;
                if (token.Value.Length != 1)
                    throw new ParseError("a character constant must hold exactly one character", token.Offset);
                return new CharExpr(token.Value[0]);
        }

        if (token.Is("(") && _tokens[_position + 1].Is("{"))
            return ParseStatementExpression();
        if (token.Is("("))
        {
            _position++;
            PrintExpr inner = ParseExpression();
            Expect(")");
            return inner;
        }
        if (token.Is("{"))
        {
            _position++;
            var items = new List<PrintExpr>();
            while (!Current.Is("}"))
            {
                items.Add(ParseAssignment());
                if (!Current.Is(","))
                    break;
                _position++;
            }
            Expect("}");
            return new InitializerExpr(new EquatableArray<PrintExpr>(items.ToArray()));
        }
        throw Error(token.Kind == CTokenKind.End ? "the expression ends too early" : $"unexpected '{token.Text}'");
    }

    // ({ decl; decl; result; }): kept as locals + result when it has that shape, else as text only.
    private PrintExpr ParseStatementExpression()
    {
        int start = _position;
        int close = FindStatementExpressionEnd(start);
        string text = _source.Substring(_tokens[start].Offset, _tokens[close].Offset + 1 - _tokens[start].Offset);

        _position = start + 2;
        var locals = new List<LocalDeclaration>();
        PrintExpr? result = null;
        bool simple = true;
        int depth = _depth;
        try
        {
            while (simple && !Current.Is("}"))
            {
                // Only "declarations, then one expression" has a value we can compute.
                if (result is not null)
                {
                    simple = false;
                    break;
                }
                if (TryParseLocalDeclaration(out LocalDeclaration? local))
                {
                    locals.Add(local!);
                    continue;
                }
                result = ParseExpression();
                Expect(";");
            }
        }
        catch (ParseError)
        {
            simple = false;
            _depth = depth;
        }
        if (!simple || result is BinaryExpr { Operator: "=" })
            result = null;

        _position = close + 1;
        return new StatementExpr(new EquatableArray<LocalDeclaration>(locals.ToArray()), result, text);
    }

    private bool TryParseLocalDeclaration(out LocalDeclaration? local)
    {
        local = null;
        // type name = init ;  — find the '=' and check that what precedes it is a type and a name.
        int equals = _position;
        while (_tokens[equals].Kind is CTokenKind.Identifier || _tokens[equals].Is("*"))
            equals++;
        if (!_tokens[equals].Is("=") || equals - _position < 2 || _tokens[equals - 1].Kind != CTokenKind.Identifier)
            return false;
        if (!CTypeParser.LooksLikeTypeName(_tokens, _position, equals - 1))
            return false;

        CType type = ParseType(_position, equals - 1);
        string name = _tokens[equals - 1].Text;
        _position = equals + 1;
        PrintExpr initializer = ParseAssignment();
        Expect(";");
        local = new LocalDeclaration(type, name, initializer);
        return true;
    }

    private int FindStatementExpressionEnd(int start)
    {
        int depth = 0;
        for (int i = start + 1; i < _tokens.Count; i++)
        {
            CToken token = _tokens[i];
            if (token.Is("{") || token.Is("(") || token.Is("["))
                depth++;
            else if (token.Is("}") || token.Is(")") || token.Is("]"))
                depth--;

            if (depth == 0 && token.Is("}") && _tokens[i + 1].Is(")"))
                return i + 1;
            if (depth < 0 || token.Kind == CTokenKind.End)
                break;
        }
        throw new ParseError("unbalanced statement expression '({ ... })'", _tokens[start].Offset);
    }

    private PrintExpr MakeCall(string function, List<PrintExpr> arguments)
    {
        switch (function)
        {
            case "__print_symbolic" or "__print_symbolic_u64":
                if (arguments.Count < 1)
                    throw Error($"{function} needs a value");
                return new SymbolicExpr(arguments[0], ReadEntries(function, arguments, 1), function.EndsWith("_u64", System.StringComparison.Ordinal));
            case "__print_flags" or "__print_flags_u64":
                if (arguments.Count < 2 || arguments[1] is not StringExpr delimiter)
                    throw Error($"{function} needs a value and a delimiter string");
                return new FlagsExpr(arguments[0], delimiter.Value, ReadEntries(function, arguments, 2), function.EndsWith("_u64", System.StringComparison.Ordinal));
            default:
                return new CallExpr(function, new EquatableArray<PrintExpr>(arguments.ToArray()));
        }
    }

    private EquatableArray<SymbolEntry> ReadEntries(string function, List<PrintExpr> arguments, int first)
    {
        var entries = new List<SymbolEntry>();
        for (int i = first; i < arguments.Count; i++)
        {
            // Empty lists "{ }" and terminators such as { -1, NULL } carry no symbol.
            if (arguments[i] is InitializerExpr { Items.Count: 0 } ||
                arguments[i] is InitializerExpr { Items.Count: 2 } terminator && IsNullPointer(terminator.Items[1]))
                continue;
            if (arguments[i] is not InitializerExpr { Items.Count: 2 } entry || entry.Items[1] is not StringExpr name)
                throw Error($"{function}: entry {i - first + 1} is not {{ value, \"name\" }}");
            entries.Add(ConstantEvaluator.TryEvaluate(entry.Items[0], out ulong value)
                ? new SymbolEntry(value, name.Value)
                : new SymbolEntry(0, name.Value, entry.Items[0]));
        }
        return new EquatableArray<SymbolEntry>(entries.ToArray());
    }

    private static bool IsNullPointer(PrintExpr expression) => expression switch
    {
        IdentifierExpr { Name: "NULL" } => true,
        IntegerExpr { Value: 0 } => true,
        CastExpr { Type.PointerDepth: > 0 } cast => IsNullPointer(cast.Operand),
        _ => false,
    };

    private static IntegerExpr ParseInteger(CToken token)
    {
        string text = token.Text;
        int end = text.Length;
        bool unsigned = false;
        int longs = 0;
        while (end > 0 && text[end - 1] is 'u' or 'U' or 'l' or 'L')
        {
            if (text[end - 1] is 'u' or 'U')
                unsigned = true;
            else
                longs++;
            end--;
        }
        string digits = text.Substring(0, end);
        ulong value;
        bool ok;
        bool radixLiteral = false;
        if (digits.StartsWith("0x", System.StringComparison.OrdinalIgnoreCase))
        {
            radixLiteral = true;
            ok = ulong.TryParse(digits.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && digits.Length > 2;
        }
        else if (digits.Length > 1 && digits[0] == '0')
        {
            radixLiteral = true;
            ok = TryParseOctal(digits, out value);
        }
        else
        {
            ok = ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }
        if (!ok || longs > 2)
            throw new ParseError($"'{text}' is not an integer constant", token.Offset);

        // C gives an unsuffixed constant the first type that holds it (hex and octal may become unsigned).
        bool isLong = longs > 0 || value > (radixLiteral ? uint.MaxValue : int.MaxValue);
        if (!unsigned)
            unsigned = isLong ? value > long.MaxValue : radixLiteral && value > int.MaxValue && value <= uint.MaxValue;
        return new IntegerExpr(value, text, unsigned, isLong);
    }

    private static bool TryParseOctal(string digits, out ulong value)
    {
        value = 0;
        foreach (char c in digits)
        {
            if (c is < '0' or > '7' || value > ulong.MaxValue >> 3)
                return false;
            value = value * 8 + (ulong)(c - '0');
        }
        return true;
    }

    // '(' starts a cast or sizeof type when the tokens up to the matching ')' read as a type name.
    private bool TryFindTypeInParentheses(out int closeIndex)
    {
        closeIndex = -1;
        int i = _position + 1;
        while (_tokens[i].Kind == CTokenKind.Identifier || _tokens[i].Is("*"))
            i++;
        if (!_tokens[i].Is(")") || !CTypeParser.LooksLikeTypeName(_tokens, _position + 1, i))
            return false;
        closeIndex = i;
        return true;
    }

    private CType ParseType(int start, int end)
    {
        if (!CTypeParser.TryParseTypeName(_source, _tokens, start, end, out CType type, out int offset, out string error))
            throw new ParseError(error, offset);
        return type;
    }

    private void Expect(string punctuator)
    {
        if (!Current.Is(punctuator))
            throw Error(Current.Kind == CTokenKind.End ? $"expected '{punctuator}' before the end" : $"expected '{punctuator}', found '{Current.Text}'");
        _position++;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
            throw Error($"expressions nest deeper than {MaxDepth} levels");
    }

    private void Leave() => _depth--;

    private ParseError Error(string message) => new(message, Current.Offset);

    private sealed class ParseError : System.Exception
    {
        public ParseError(string message, int offset)
            : base(message) => Offset = offset;

        public int Offset { get; }
    }
}
