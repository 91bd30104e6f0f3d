using System;
using System.Collections.Generic;
using System.Globalization;
using TpGen.Schema;
using TpGen.Text;

namespace TpGen.Frontends.Tracefs;

/// <summary>The schema read from one format file (null when it had errors), and every problem found.</summary>
public sealed record FormatReadResult(TracepointSchema? Schema, EquatableArray<FormatDiagnostic> Diagnostics);

/// <summary>
/// Reads the tracefs <c>format</c> file grammar into a <see cref="TracepointSchema"/>. Accepts
/// what kernels print: with or without <c>signed:</c>, CRLF line ends, a print fmt spread over
/// several lines. Pure: text in, schema out; reading files is the caller's job.
/// </summary>
public static class FormatFileReader
{
    /// <summary>Records are addressed with 16-bit offsets (<c>__data_loc</c>), so no field can lie past this.</summary>
    public const int MaxRecordSize = 1 << 16;

    /// <summary>Reads one event's format; <paramref name="system"/> comes from the path, which the file itself does not name.</summary>
    /// <param name="text">The whole format file.</param>
    /// <param name="system">The event's system (its directory's parent).</param>
    /// <param name="file">The file's path or name, for diagnostics.</param>
    /// <param name="expectedName">The event name its directory gives, checked against <c>name:</c>; null to skip.</param>
    public static FormatReadResult Read(string text, string system, string file, string? expectedName = null)
        => new Reader(text, file).ReadEvent(system, expectedName);

    /// <summary>Reads one event's format and throws <see cref="FormatParseException"/> at its first error.</summary>
    public static TracepointSchema ReadOrThrow(string text, string system, string file, string? expectedName = null)
    {
        FormatReadResult result = Read(text, system, file, expectedName);
        if (result.Schema is null)
        {
            foreach (FormatDiagnostic diagnostic in result.Diagnostics)
            {
                if (diagnostic.IsError)
                    throw new FormatParseException(diagnostic);
            }
        }
        return result.Schema!;
    }

    /// <summary>
    /// Reads <c>events/header_page</c>: the ring-buffer page header, in the same field-line
    /// grammar (with a space after <c>field:</c>). Returns its fields, or null with errors.
    /// </summary>
    public static (EquatableArray<FieldSpec>? Fields, EquatableArray<FormatDiagnostic> Diagnostics) ReadHeaderPage(string text, string file)
    {
        var reader = new Reader(text, file);
        var fields = new List<FieldSpec>();
        for (int line = 0; line < reader.LineCount; line++)
        {
            string content = reader.LineText(line);
            if (content.Trim().Length == 0)
                continue;
            if (reader.TryReadFieldLine(line, isCommon: false, out FieldSpec? field))
                fields.Add(field!);
        }
        EquatableArray<FormatDiagnostic> diagnostics = reader.Diagnostics.ToEquatableArray();
        return (reader.HasErrors ? null : fields.ToEquatableArray(), diagnostics);
    }

    /// <summary>The parts of a format file that a reader walks through, with positions for errors.</summary>
    private sealed class Reader
    {
        private readonly string _text;
        private readonly string _file;
        private readonly List<int> _lineStarts = new();

        public Reader(string text, string file)
        {
            _text = text;
            _file = file;
            _lineStarts.Add(0);
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                    _lineStarts.Add(i + 1);
            }
            // A trailing newline does not start another line.
            if (_lineStarts.Count > 1 && _lineStarts[_lineStarts.Count - 1] == text.Length)
                _lineStarts.RemoveAt(_lineStarts.Count - 1);
        }

        public List<FormatDiagnostic> Diagnostics { get; } = new();

        public bool HasErrors => Diagnostics.Exists(d => d.IsError);

        public int LineCount => _text.Length == 0 ? 0 : _lineStarts.Count;

        public string LineText(int line)
        {
            int start = _lineStarts[line];
            int end = line + 1 < _lineStarts.Count ? _lineStarts[line + 1] : _text.Length;
            string content = _text.Substring(start, end - start);
            return content.TrimEnd('\n', '\r');
        }

        public FormatReadResult ReadEvent(string system, string? expectedName)
        {
            if (!TraceNames.IsSystem(system))
                Error(0, 0, $"'{Printable(system)}' is not a valid tracepoint system name (letters, digits and '_')");

            // The header lines come first; after a bad one, later errors would only be noise.
            int line = 0;
            string? name = ReadHeaderValue(ref line, "name");
            if (name is null)
                return Result(null);
            if (!TraceNames.IsEvent(name))
            {
                Error(line - 1, 6, $"'{Printable(name)}' is not a valid event name (letters, digits and '_')");
                return Result(null);
            }
            if (expectedName is not null && name != expectedName)
                Error(line - 1, 6, $"the file names event '{name}' but its directory is '{expectedName}'");

            int id = -1;
            string? idText = ReadHeaderValue(ref line, "ID");
            if (idText is null)
                return Result(null);
            if (!int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out id) || id > ushort.MaxValue)
            {
                Error(line - 1, 4, $"ID '{Printable(idText)}' is not a number from 0 to 65535");
                return Result(null);
            }

            SkipBlankLines(ref line);
            if (line >= LineCount || LineText(line).Trim() != "format:")
            {
                Error(line, 0, "expected 'format:' after the name and ID lines");
                return Result(null);
            }
            line++;

            var fields = new List<FieldSpec>();
            bool inCommonSection = true;
            bool sawBlank = false;
            string? printFmt = null;
            int printFmtOffset = 0;
            for (; line < LineCount; line++)
            {
                string content = LineText(line);
                string trimmed = content.Trim();
                if (trimmed.Length == 0)
                {
                    // The first blank line ends the common fields.
                    if (fields.Count > 0)
                    {
                        inCommonSection = false;
                        sawBlank = true;
                    }
                    continue;
                }
                if (trimmed.StartsWith("print fmt:", StringComparison.Ordinal))
                {
                    int column = content.IndexOf("print fmt:", StringComparison.Ordinal) + "print fmt:".Length;
                    printFmtOffset = _lineStarts[line] + column;
                    printFmt = _text.Substring(printFmtOffset).Trim();
                    while (printFmtOffset < _text.Length && char.IsWhiteSpace(_text[printFmtOffset]))
                        printFmtOffset++;
                    break;
                }
                if (TryReadFieldLine(line, inCommonSection, out FieldSpec? field))
                    fields.Add(field!);
            }

            // Without a blank line the common fields are the ones named common_*.
            if (!sawBlank)
            {
                for (int i = 0; i < fields.Count; i++)
                    fields[i] = fields[i] with { IsCommon = fields[i].Name.StartsWith("common_", StringComparison.Ordinal) };
            }

            if (HasErrors)
                return Result(null);
            if (fields.Count == 0)
            {
                Error(line, 0, $"event '{name}' has no fields");
                return Result(null);
            }
            CheckLayout(fields);
            if (HasErrors)
                return Result(null);

            PrintFormat? print = null;
            string? problem = null;
            if (printFmt is null)
            {
                problem = "the format has no print fmt";
            }
            else if (!PrintFmtParser.TryParse(printFmt, out PrintFormat parsed, out int errorOffset, out string error))
            {
                problem = Printable(error);
                Warning(printFmtOffset + errorOffset, $"print fmt: {error}; the event's fields are still read, its text falls back to a field list");
            }
            else if (FindUnknownField(parsed, fields) is { } unknown)
            {
                problem = $"the print fmt uses field '{unknown}', which the format does not define";
                Warning(printFmtOffset, "print fmt: " + problem);
            }
            else
            {
                print = parsed;
            }

            var schema = new TracepointSchema(system, name, id, fields.ToEquatableArray(), printFmt, print, problem, EquatableArray<EnumSpec>.Empty);
            return Result(schema);
        }

        private FormatReadResult Result(TracepointSchema? schema) => new(schema, Diagnostics.ToEquatableArray());

        private string? ReadHeaderValue(ref int line, string key)
        {
            SkipBlankLines(ref line);
            if (line >= LineCount)
            {
                Error(line, 0, $"expected '{key}:' but the file ends");
                return null;
            }
            string content = LineText(line);
            string prefix = key + ":";
            if (!content.StartsWith(prefix, StringComparison.Ordinal))
            {
                Error(line, 0, $"expected a line '{key}: ...', found '{Printable(Shorten(content))}'");
                return null;
            }
            line++;
            return content.Substring(prefix.Length).Trim();
        }

        private void SkipBlankLines(ref int line)
        {
            while (line < LineCount && LineText(line).Trim().Length == 0)
                line++;
        }

        public bool TryReadFieldLine(int line, bool isCommon, out FieldSpec? field)
        {
            field = null;
            string content = LineText(line);
            int column = 0;
            while (column < content.Length && char.IsWhiteSpace(content[column]))
                column++;
            if (string.CompareOrdinal(content, column, "field:", 0, 6) != 0)
            {
                Error(line, column, $"expected 'field:' or 'print fmt:', found '{Printable(Shorten(content.Trim()))}'");
                return false;
            }
            column += 6;

            int semicolon = content.IndexOf(';', column);
            if (semicolon < 0)
            {
                Error(line, column, "the field declaration has no ';'");
                return false;
            }
            string declaration = content.Substring(column, semicolon - column);
            if (!CTokenizer.TryTokenize(declaration, out List<CToken> tokens, out int errorOffset, out string error) ||
                !CTypeParser.TryParseDeclaration(declaration, tokens, out CType type, out string name, out errorOffset, out error))
            {
                Error(line, column + errorOffset, $"field declaration '{Printable(declaration.Trim())}': {error}");
                return false;
            }

            int? offset = null, size = null;
            bool? signed = null;
            int position = semicolon + 1;
            while (position < content.Length)
            {
                while (position < content.Length && char.IsWhiteSpace(content[position]))
                    position++;
                if (position >= content.Length)
                    break;
                int colon = content.IndexOf(':', position);
                int end = content.IndexOf(';', position);
                if (colon < 0 || end < 0 || colon > end)
                {
                    Error(line, position, $"expected 'key:value;' after the declaration of '{name}'");
                    return false;
                }
                string key = content.Substring(position, colon - position).Trim();
                string valueText = content.Substring(colon + 1, end - colon - 1).Trim();
                if (!int.TryParse(valueText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
                {
                    Error(line, colon + 1, $"{key} of '{name}' is '{Printable(valueText)}', not a number");
                    return false;
                }
                switch (key)
                {
                    case "offset": offset = value; break;
                    case "size": size = value; break;
                    case "signed": signed = value != 0; break;
                    default: Warning(_lineStarts[line] + position, $"unknown attribute '{Printable(key)}' of field '{name}' ignored"); break;
                }
                position = end + 1;
            }

            if (offset is null || size is null)
            {
                Error(line, column, $"field '{name}' lacks {(offset is null ? "offset" : "size")}");
                return false;
            }
            if (offset < 0 || size < 0 || (long)offset + size > MaxRecordSize)
            {
                Error(line, column, $"field '{name}' at offset {offset} with size {size} lies outside a record (0 to {MaxRecordSize} bytes)");
                return false;
            }

            field = MakeField(line, column, name, type, offset.Value, size.Value, signed ?? CTypeFacts.GuessSigned(type), isCommon);
            return field is not null;
        }

        private FieldSpec? MakeField(int line, int column, string name, CType type, int offset, int size, bool signed, bool isCommon)
        {
            if (type.Location != DynamicLocation.None)
            {
                if (size != 4)
                {
                    Error(line, column, $"dynamic field '{name}' has size {size}; a __data_loc/__rel_loc word is 4 bytes");
                    return null;
                }
                return FieldRules.Dynamic(name, type, offset, signed, isCommon);
            }

            // Only a flexible array (name[]) is empty; any other field of size 0 has nothing to read.
            if (size == 0 && type.ArrayLength != 0)
            {
                Error(line, column, $"field '{name}' has size 0; only a flexible array ({name}[]) can be empty");
                return null;
            }

            if (type.ArrayLength is int length)
            {
                int count;
                int elementSize;
                if (length == 0)
                {
                    // A flexible tail: its length comes from the record's size.
                    elementSize = type.PointerDepth > 0 ? 8 : CTypeFacts.TryGet(type.BaseType, out int known, out _) ? known : 1;
                    count = 0;
                    if (size != 0)
                        Warning(_lineStarts[line] + column, $"flexible array '{name}' has size {size}; it is read as a tail of the record");
                }
                else if (length > 0)
                {
                    if (size % length != 0)
                    {
                        Error(line, column, $"array '{name}' has {length} elements but size {size} is not a multiple of that");
                        return null;
                    }
                    count = length;
                    elementSize = size / length;
                }
                else
                {
                    // The count was a macro name: derive it from the element type.
                    elementSize = type.PointerDepth > 0 ? 8 : CTypeFacts.TryGet(type.BaseType, out int known, out _) ? known : 1;
                    if (size % elementSize != 0)
                        elementSize = 1;
                    count = size / elementSize;
                }
                return new FieldSpec(name, type, offset, size, signed, FieldRules.ArrayKind(type), elementSize, count, isCommon);
            }

            return new FieldSpec(name, type, offset, size, signed, FieldRules.ScalarKind(type, size), size, 1, isCommon);
        }

        private void CheckLayout(List<FieldSpec> fields)
        {
            var byName = new HashSet<string>(StringComparer.Ordinal);
            foreach (FieldSpec field in fields)
            {
                if (!byName.Add(field.Name))
                    Error(0, 0, $"field '{field.Name}' is defined twice");
            }

            var sorted = new List<FieldSpec>(fields);
            sorted.Sort((a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : a.Size.CompareTo(b.Size));
            for (int i = 1; i < sorted.Count; i++)
            {
                FieldSpec previous = sorted[i - 1];
                FieldSpec current = sorted[i];
                if (current.Offset < previous.Offset + previous.Size && current.Size > 0)
                    Error(0, 0, $"field '{current.Name}' (offset {current.Offset}, size {current.Size}) overlaps field '{previous.Name}' (offset {previous.Offset}, size {previous.Size})");
            }
        }

        private static string? FindUnknownField(PrintFormat print, List<FieldSpec> fields)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (FieldSpec field in fields)
                names.Add(field.Name);
            foreach (string used in PrintExprWalker.ReferencedFields(print))
            {
                if (!names.Contains(used))
                    return used;
            }
            return null;
        }

        // Messages quote the input (a key, a type's token, a print fmt conversion): every one is made printable here.
        private void Error(int line, int column, string message) =>
            Diagnostics.Add(new FormatDiagnostic(_file, line + 1, column + 1, Printable(message), IsError: true));

        private void Warning(int offset, string message)
        {
            (int line, int column) = Position(offset);
            Diagnostics.Add(new FormatDiagnostic(_file, line + 1, column + 1, Printable(message), IsError: false));
        }

        private (int Line, int Column) Position(int offset)
        {
            int line = _lineStarts.BinarySearch(offset);
            if (line < 0)
                line = ~line - 1;
            line = Math.Max(0, line);
            return (line, offset - _lineStarts[line]);
        }

        private static string Shorten(string text) => text.Length <= 60 ? text : text.Substring(0, 57) + "...";

        // Messages quote outside text; control characters would garble a terminal or a log.
        private static string Printable(string text)
        {
            var builder = new global::System.Text.StringBuilder(text.Length);
            foreach (char c in text)
                builder.Append(c < ' ' || c == 127 ? '?' : c);
            return builder.ToString();
        }
    }
}
