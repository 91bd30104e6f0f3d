namespace TpGen.Frontends.Btf;

/// <summary>
/// Bounds-checked reads of a BTF blob in its own byte order, and the errors that name the byte
/// offset where the data went wrong. The header and the strings are read through here; the type
/// section is copied out once as words (<see cref="Words"/>), and <see cref="BtfData"/> reads
/// no record it has not first found to lie inside it. So corrupt input ends in a
/// <see cref="FormatParseException"/>, never an <see cref="System.IndexOutOfRangeException"/>.
/// </summary>
internal sealed class BtfBytes
{
    private readonly byte[] _data;

    public BtfBytes(byte[] data, string file, bool bigEndian)
    {
        _data = data;
        File = file;
        BigEndian = bigEndian;
    }

    public string File { get; }

    public bool BigEndian { get; }

    public uint U32(long offset)
    {
        Require(offset, 4);
        uint b0 = _data[offset], b1 = _data[offset + 1], b2 = _data[offset + 2], b3 = _data[offset + 3];
        return BigEndian
            ? b0 << 24 | b1 << 16 | b2 << 8 | b3
            : b3 << 24 | b2 << 16 | b1 << 8 | b0;
    }

    /// <summary>The NUL-terminated string at <paramref name="offset"/>, which must end before <paramref name="limit"/>.</summary>
    public string StringAt(long offset, long limit)
    {
        Require(offset, 1);
        int end = System.Array.IndexOf(_data, (byte)0, (int)offset, (int)(limit - offset));
        if (end < 0)
            throw Error(offset, "a string runs past the end of the string section without a terminating NUL");
        return System.Text.Encoding.UTF8.GetString(_data, (int)offset, end - (int)offset);
    }

    /// <summary>
    /// The 32-bit words of [<paramref name="start"/>, <paramref name="end"/>) in host order. The
    /// type section is all 32-bit words, and reading it as an array once keeps every later
    /// check a plain array access.
    /// </summary>
    public uint[] Words(long start, long end)
    {
        Require(start, (int)(end - start));
        var words = new uint[(end - start) / 4];
        System.Buffer.BlockCopy(_data, (int)start, words, 0, words.Length * 4);
        if (BigEndian == System.BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < words.Length; i++)
            {
                uint w = words[i];
                words[i] = w >> 24 | (w >> 8 & 0xFF00) | (w << 8 & 0xFF0000) | w << 24;
            }
        }
        return words;
    }

    private void Require(long offset, int count)
    {
        if (offset < 0 || offset > _data.Length - count)
            throw Error(offset, $"the data ends at byte offset {_data.Length}, {count} byte(s) are needed here");
    }

    /// <summary>An error at <paramref name="offset"/> (Line 1, Column offset + 1, as formats report positions in text).</summary>
    public FormatParseException Error(long offset, string message) => Error(File, offset, message);

    public static FormatParseException Error(string file, long offset, string message)
    {
        int column = offset >= int.MaxValue ? int.MaxValue : (int)offset + 1;
        return new FormatParseException(new FormatDiagnostic(file, 1, column, $"byte offset {offset}: {message}", IsError: true));
    }
}
