using System;

namespace TpGen.Filters;

/// <summary>A filter that cannot be used: the message says what is wrong and <see cref="Column"/> where (1-based).</summary>
public sealed class FilterException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FilterException(string filter, int column, string message)
        : base($"{message} (column {column})")
    {
        Filter = filter;
        Column = column;
        Problem = message;
    }

    /// <summary>The filter's text.</summary>
    public string Filter { get; }

    /// <summary>1-based column of the problem.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the column.</summary>
    public string Problem { get; }

    /// <summary>The filter with a caret under the problem, for a terminal.</summary>
    public string Pointer => Filter + "\n" + new string(' ', Math.Max(0, Math.Min(Column - 1, Filter.Length))) + "^";
}
