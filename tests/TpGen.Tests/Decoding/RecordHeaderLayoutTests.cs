using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Decoding;

/// <summary>
/// The header in front of each record is written by C (the BPF handler, and the benchmark's C
/// baseline) and read by C# (RecordHeader): the three declarations must agree field by field.
/// </summary>
public sealed class RecordHeaderLayoutTests
{
    /// <summary>A field as laid out: its name, offset and size in bytes.</summary>
    private sealed record Field(string Name, int Offset, int Size);

    private static readonly Dictionary<string, int> CTypeSizes = new()
    {
        ["__u8"] = 1, ["__s8"] = 1, ["__u16"] = 2, ["__s16"] = 2, ["__u32"] = 4, ["__s32"] = 4, ["__u64"] = 8, ["__s64"] = 8,
    };

    [Theory]
    [InlineData("bpf/templates/probe.bpf.c", "tpgen_header")]
    [InlineData("bench/native/record_header.h", "header")]
    public void TheCStruct_HasRecordHeadersFieldsOffsetsAndSize(string file, string structName)
    {
        string text = File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot, file));

        (List<Field> fields, int size) = CLayout(text, structName);

        Assert.Equal(CSharpLayout(), fields);
        Assert.Equal(RecordHeader.Size, size);
        Assert.Equal(RecordHeader.Size, Unsafe.SizeOf<RecordHeader>());
    }

    // RecordHeader's fields in declaration order, named as C names them (_eventIndex is event_index).
    private static List<Field> CSharpLayout() =>
        typeof(RecordHeader).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .OrderBy(f => f.MetadataToken)
            .Select(f => new Field(SnakeCase(f.Name.TrimStart('_')), (int)Marshal.OffsetOf<RecordHeader>(f.Name), Marshal.SizeOf(f.FieldType)))
            .ToList();

    // The struct's fields with C's natural alignment (every member here is a fixed-width integer), and its padded size.
    private static (List<Field> Fields, int Size) CLayout(string source, string structName)
    {
        Match declaration = Regex.Match(source, @"struct\s+" + structName + @"\s*\{(?<body>[^}]*)\}\s*;");
        Assert.True(declaration.Success, $"no struct {structName} in the file");
        var fields = new List<Field>();
        int offset = 0, alignment = 1;
        foreach (Match member in Regex.Matches(declaration.Groups["body"].Value, @"(?<type>\w+)\s+(?<name>\w+)\s*;"))
        {
            string type = member.Groups["type"].Value;
            Assert.True(CTypeSizes.TryGetValue(type, out int size), $"struct {structName} has a member of type {type}, which this test does not lay out");
            offset = (offset + size - 1) / size * size;
            fields.Add(new Field(member.Groups["name"].Value, offset, size));
            offset += size;
            alignment = Math.Max(alignment, size);
        }
        return (fields, (offset + alignment - 1) / alignment * alignment);
    }

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c))
                text.Append('_').Append(char.ToLowerInvariant(c));
            else
                text.Append(c);
        }
        return text.ToString();
    }
}
