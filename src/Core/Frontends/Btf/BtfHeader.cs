namespace TpGen.Frontends.Btf;

/// <summary>
/// The fixed header at the start of a BTF blob (<c>struct btf_header</c>): magic 0xEB9F, version
/// 1, and where the type and string sections lie. Section offsets count from the end of the
/// header; the properties here are already absolute file offsets.
/// </summary>
internal readonly record struct BtfHeader(bool BigEndian, int HeaderLength, long TypeStart, long TypeEnd, long StringStart, long StringEnd)
{
    /// <summary>magic (2), version (1), flags (1), hdr_len (4), then four 32-bit section words.</summary>
    public const int Size = 24;

    public const ushort Magic = 0xEB9F;

    public static BtfHeader Read(byte[] data, string file)
    {
        if (data.Length < 4)
            throw BtfBytes.Error(file, data.Length, $"the data is {data.Length} bytes long, too short for a BTF header ({Size} bytes)");

        // The magic tells the byte order: 9F EB is little-endian, EB 9F big-endian.
        bool bigEndian;
        if (data[0] == 0x9F && data[1] == 0xEB)
            bigEndian = false;
        else if (data[0] == 0xEB && data[1] == 0x9F)
            bigEndian = true;
        else
            throw BtfBytes.Error(file, 0, $"bad magic {data[0]:X2} {data[1]:X2}: BTF starts with 0xEB9F, so this is not BTF (was it compressed?)");

        var bytes = new BtfBytes(data, file, bigEndian);
        if (data[2] != 1)
            throw bytes.Error(2, $"BTF version {data[2]} is not supported; only version 1 exists");
        if (data.Length < Size)
            throw bytes.Error(data.Length, $"the data is {data.Length} bytes long, too short for a BTF header ({Size} bytes)");

        uint headerLength = bytes.U32(4);
        if (headerLength < Size)
            throw bytes.Error(4, $"header length {headerLength} is shorter than the {Size} bytes of a BTF header");
        if (headerLength > data.Length)
            throw bytes.Error(4, $"header length {headerLength} runs past the end of the data at byte offset {data.Length}");

        (long typeStart, long typeEnd) = Section(bytes, 8, headerLength, "type", data.Length);
        (long stringStart, long stringEnd) = Section(bytes, 16, headerLength, "string", data.Length);

        // Every name offset points into the string section, and the first string is the empty
        // name; a NUL at its end means no string can run past it.
        if (stringEnd == stringStart)
            throw bytes.Error(stringStart, "the string section is empty; it must hold at least the empty string");
        if (data[stringStart] != 0)
            throw bytes.Error(stringStart, "the string section does not start with the empty string (a NUL byte)");
        if (data[stringEnd - 1] != 0)
            throw bytes.Error(stringEnd - 1, "the string section does not end with a NUL byte");
        // Type records are 32-bit words; the kernel and libbpf reject an unaligned section too.
        if ((typeStart - headerLength) % 4 != 0 || (typeEnd - typeStart) % 4 != 0)
            throw bytes.Error(8, $"the type section (byte offset {typeStart}, {typeEnd - typeStart} bytes) is not made of whole 4-byte words");
        if (typeStart < stringEnd && stringStart < typeEnd)
            throw bytes.Error(stringStart, $"the string section (byte offsets {stringStart} to {stringEnd}) overlaps the type section ({typeStart} to {typeEnd})");

        return new BtfHeader(bigEndian, (int)headerLength, typeStart, typeEnd, stringStart, stringEnd);
    }

    private static (long Start, long End) Section(BtfBytes bytes, int wordOffset, uint headerLength, string name, int dataLength)
    {
        long start = (long)headerLength + bytes.U32(wordOffset);
        long length = bytes.U32(wordOffset + 4);
        if (start > dataLength || start + length > dataLength)
            throw bytes.Error(wordOffset, $"the {name} section (byte offset {start}, {length} bytes) runs past the end of the data at byte offset {dataLength}");
        return (start, start + length);
    }
}
