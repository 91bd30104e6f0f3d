using System;
using System.Text;

namespace TpGen.Text;

/// <summary>
/// Writes indented source text (C# or C). Every emitter writes through one of these, so the
/// output has one indentation style and always ends with balanced blocks.
/// </summary>
internal sealed class SourceWriter
{
    private const int IndentSize = 4;
    private readonly StringBuilder _text = new();
    private int _indentation;

    /// <summary>The current indentation depth.</summary>
    public int Indentation => _indentation;

    /// <summary>Writes one line at the current indentation; an empty string writes an empty line.</summary>
    public SourceWriter Line(string text = "")
    {
        if (text.Length == 0)
        {
            _text.Append('\n');
            return this;
        }

        foreach (string line in text.Split('\n'))
        {
            if (line.Length > 0)
                _text.Append(' ', _indentation * IndentSize).Append(line);
            _text.Append('\n');
        }
        return this;
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents.</summary>
    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        _indentation++;
        return this;
    }

    /// <summary>Unindents and writes a closing brace followed by <paramref name="suffix"/>.</summary>
    public SourceWriter Close(string suffix = "")
    {
        if (_indentation == 0)
            throw new InvalidOperationException("Close without a matching Open.");
        _indentation--;
        Line("}" + suffix);
        return this;
    }

    /// <summary>Increases the indentation without writing a brace.</summary>
    public SourceWriter Indent()
    {
        _indentation++;
        return this;
    }

    /// <summary>Decreases the indentation without writing a brace.</summary>
    public SourceWriter Unindent()
    {
        if (_indentation == 0)
            throw new InvalidOperationException("Unindent below zero.");
        _indentation--;
        return this;
    }

    /// <summary>The text written so far; every block must be closed.</summary>
    public override string ToString()
    {
        if (_indentation != 0)
            throw new InvalidOperationException($"Unbalanced blocks: indentation is {_indentation} at the end.");
        return _text.ToString();
    }
}
