using System;
using TpGen.Frontends.Btf;

namespace TpGen.Tests.Support;

/// <summary>
/// A BTF builder that starts with what every kernel's BTF has for trace events: the integer
/// types (with DWARF's names), <c>u32</c>, <c>bool</c>, and <c>struct trace_entry</c>.
/// </summary>
internal sealed class MiniKernel : BtfBuilder
{
    public int IntType { get; private set; }

    public int UIntType { get; private set; }

    /// <summary>Plain char, unsigned as in kernels built with -funsigned-char (6.2 on).</summary>
    public int CharType { get; private set; }

    public int ULongType { get; private set; }

    public int U32Type { get; private set; }

    public int BoolType { get; private set; }

    public int TraceEntry { get; private set; }

    public static BtfData Build(Action<MiniKernel> add, bool bigEndian = false) =>
        BtfData.Parse(Bytes(add, bigEndian), "mini.btf");

    public static byte[] Bytes(Action<MiniKernel> add, bool bigEndian = false)
    {
        var kernel = new MiniKernel { BigEndian = bigEndian };
        kernel.AddBasics();
        add(kernel);
        return kernel.Build();
    }

    private void AddBasics()
    {
        ULongType = Int("long unsigned int", 8);
        UIntType = Int("unsigned int", 4);
        IntType = Int("int", 4, signed: true);
        CharType = Int("char", 1);
        int ushort_ = Int("short unsigned int", 2);
        int uchar = Int("unsigned char", 1);
        U32Type = Typedef("u32", UIntType);
        BoolType = Typedef("bool", Int("_Bool", 1, isBool: true));
        TraceEntry = Struct("trace_entry", 8, ("type", ushort_, 0), ("flags", uchar, 16), ("preempt_count", uchar, 24), ("pid", IntType, 32));
    }
}
