using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TpGen.Formatting;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Text;

/// <summary>
/// One decoder: a field shown on its own (tpgen's JSON and <c>--count-by</c>) reads as the
/// generated <c>ToString()</c> prints it. Every event of this kernel, as the build reads it (BTF's
/// constants resolved), a dozen constructed records each: every conversion whose argument is a
/// field by itself must show in the text what <see cref="FieldPrinter"/> writes for the field.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class FieldPrinterTests(ITestOutputHelper output)
{
    [Fact]
    public void JsonAndToString_ShowEveryFieldAlike_ForEveryEventOfThisKernel()
    {
        string eventsDirectory = KernelFacility.RequireTracefs();
        IReadOnlyDictionary<string, long> constants = KernelBtf.RunningKernelConstants ?? new Dictionary<string, long>();
        var formats = new Dictionary<string, string>(StringComparer.Ordinal);
        var schemas = new List<TracepointSchema>();
        foreach (TracepointSchema raw in Tracefs.ReadAll(eventsDirectory).Events)
        {
            string text = KernelConstants.ResolveFormatText(File.ReadAllText(Path.Combine(eventsDirectory, raw.System, raw.Name, "format")), raw.System, raw.Name, constants);
            formats[raw.FullName] = text;
            schemas.Add(FormatFileReader.ReadOrThrow(text, raw.System, raw.FullName, raw.Name));
        }
        CompiledEvents compiled = CompiledEvents.Build(schemas, s => formats[s.FullName]);
        SampleRecords samples = Samples();

        int records = 0, compared = 0, unsplittable = 0;
        var shows = new SortedDictionary<FieldShow, int>();
        var disagreements = new List<string>();
        foreach (TracepointSchema schema in schemas.Where(s => s.Print is not null && !compiled.Fallbacks.ContainsKey(s.FullName)))
        {
            var printer = new FieldPrinter(schema);
            List<(Conversion Conversion, FieldDisplay Display)> direct = DirectlyPrinted(schema, printer);
            Regex shortest = Shape(schema.Print!, "(.*?)"), longest = Shape(schema.Print!, "(.*)");
            foreach (SampleRecord sample in samples.For(schema))
            {
                if (compiled.Format(schema.FullName, sample.Bytes) is not { } text || Split(shortest, text) is not { } match || Split(longest, text) is not { } other)
                    continue;
                records++;
                using JsonDocument json = Json(printer, sample.Bytes);
                foreach ((Conversion conversion, FieldDisplay display) in direct)
                {
                    int group = ConversionIndex(schema.Print!, conversion) + 1;
                    // Where a value holds the literal text around it, the text cannot be split for sure: not compared.
                    if (match.Groups[group].Value != other.Groups[group].Value)
                    {
                        unsplittable++;
                        continue;
                    }
                    string shown = match.Groups[group].Value;
                    JsonElement value = json.RootElement.GetProperty(display.Field.Name);
                    compared++;
                    shows[display.Show] = shows.GetValueOrDefault(display.Show) + 1;
                    string counted = printer.Text(display.Field.Name, sample.Bytes);
                    if (!Agree(conversion, schema.Print!.Arguments[conversion.ValueArgument], value, shown) || !SameAsJson(value, counted))
                        disagreements.Add($"{schema.FullName} [{sample.Label}] {display.Field.Name} ({display.Show}, {conversion.Spec}): text '{shown}', JSON {value.GetRawText()}, --count-by '{counted}'");
                }
            }
        }

        output.WriteLine($"{schemas.Count} events, {records} records, {compared} fields compared: {string.Join(", ", shows.Select(p => $"{p.Key} {p.Value}"))}; {unsplittable} not compared (the text around them is in the value); {disagreements.Count} disagree");
        foreach (string line in disagreements.Take(40))
            output.WriteLine("  " + line);
        Assert.Empty(disagreements);
        Assert.True(records > 10_000, $"only {records} records");
        foreach (FieldShow show in new[] { FieldShow.Names, FieldShow.Symbol, FieldShow.Address, FieldShow.AddressBytes, FieldShow.String, FieldShow.Number })
            Assert.True(shows.GetValueOrDefault(show) > 0, $"no field shown as {show} was compared");
    }

    [Theory]
    [InlineData("/usr/bin/true")]
    [InlineData("/tmp/a \"quoted\" name")]
    [InlineData("/tmp/back\\slash")]
    [InlineData("/tmp/caf\u00e9")]
    [InlineData("/tmp/tab\there")]
    public void JsonWithRelaxedEscaping_HoldsEachStringAsItsText_PlainAsciiOrNot(string filename)
    {
        // tpgen's JSON writer escapes relaxed, and plain printable ASCII then skips the encoder: any
        // other character must still come out escaped as JSON needs.
        TracepointSchema exec = Fixtures.Schema("sched", "sched_process_exec");
        FieldSpec field = exec.FindField("filename")!;
        byte[] text = Encoding.UTF8.GetBytes(filename + "\0");
        byte[] record = new byte[exec.FixedSize + text.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(field.Offset), (uint)(text.Length << 16 | exec.FixedSize));
        text.CopyTo(record, exec.FixedSize);
        var printer = new FieldPrinter(exec);

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            printer.WriteJson(writer, record);
            writer.WriteEndObject();
        }
        using JsonDocument json = JsonDocument.Parse(stream.ToArray());

        Assert.Equal(filename, json.RootElement.GetProperty("filename").GetString());
        Assert.Equal(printer.Text("filename", record), json.RootElement.GetProperty("filename").GetString());
    }

    [Fact]
    public void CallSiteSocketAddressesAndReasons_AreShownAsTheTextShowsThem_NotAsNumbersOrBytes()
    {
        string eventsDirectory = KernelFacility.RequireTracefs();
        TracepointSchema kmalloc = Tracefs.ReadEvent(eventsDirectory, "kmem", "kmalloc");
        TracepointSchema reset = Tracefs.ReadEvent(eventsDirectory, "tcp", "tcp_send_reset");
        TracepointSchema kfree = Tracefs.ReadEvent(eventsDirectory, "skb", "kfree_skb");

        Assert.Equal((FieldShow.Symbol, true), (new FieldPrinter(kmalloc).Display("call_site").Show, new FieldPrinter(kmalloc).Display("call_site").WithOffset));
        Assert.Equal(FieldShow.Names, new FieldPrinter(kmalloc).Display("gfp_flags").Show);
        Assert.Equal((FieldShow.AddressBytes, "ISpc"), (new FieldPrinter(reset).Display("saddr").Show, new FieldPrinter(reset).Display("saddr").Extension));
        Assert.Equal(FieldShow.Address, new FieldPrinter(kfree).Display("skbaddr").Show);

        // 127.0.0.1:8080 as a struct sockaddr_in in the 28 bytes the kernel copies.
        byte[] sockaddr = new byte[28];
        sockaddr[0] = 2;
        sockaddr[2] = 0x1f;
        sockaddr[3] = 0x90;
        sockaddr[4] = 127;
        sockaddr[7] = 1;
        byte[] record = new RecordBuilder(reset).Bytes("saddr", sockaddr).Set("reason", 1).Build();
        var printer = new FieldPrinter(reset);
        using JsonDocument json = Json(printer, record);

        Assert.Equal("127.0.0.1:8080", json.RootElement.GetProperty("saddr").GetString());
        Assert.Equal("127.0.0.1:8080", printer.Text("saddr", record));
        Assert.Equal("NO_SOCKET", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal("0000000000000000", json.RootElement.GetProperty("skbaddr").GetString());
    }

    private static SampleRecords Samples()
    {
        // Real addresses for pointer fields: inside schedule(), and a string printk_formats lists.
        ulong code = 0;
        foreach (string line in File.ReadLines("/proc/kallsyms"))
        {
            string[] parts = line.Split(' ');
            if (parts.Length >= 3 && parts[1] is "T" or "t" && parts[2] == "schedule")
                code = Convert.ToUInt64(parts[0], 16) + 0x10;
        }
        ulong text = File.ReadLines(Path.Combine(Tracefs.Root, "printk_formats")).Where(l => l.StartsWith("0x", StringComparison.Ordinal))
            .Select(l => Convert.ToUInt64(l[2..l.IndexOf(' ')], 16)).FirstOrDefault();
        return new SampleRecords(code, text);
    }

    // A text the pattern cannot split quickly (long values full of the literal text) is not compared.
    private static Match? Split(Regex shape, string text)
    {
        try
        {
            return shape.Match(text) is { Success: true } match ? match : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    private static JsonDocument Json(FieldPrinter printer, byte[] record)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            printer.WriteJson(writer, record);
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(stream.ToArray());
    }

    /// <summary>The conversions whose argument is a field by itself (through casts), or the field's own table.</summary>
    private static List<(Conversion, FieldDisplay)> DirectlyPrinted(TracepointSchema schema, FieldPrinter printer)
    {
        var direct = new List<(Conversion, FieldDisplay)>();
        foreach (FormatSegment segment in schema.Print!.Segments)
        {
            // %c is one character of the value; a '*' precision cuts a string by another field's value.
            if (segment.Conversion is not { Specifier: not 'c' } conversion || conversion.Precision == Conversion.FromArgument)
                continue;
            PrintExpr argument = schema.Print.Arguments[conversion.ValueArgument];
            string? field = argument switch
            {
                SymbolicExpr s => PrintExprWalker.FieldRead(s.Value),
                FlagsExpr f => PrintExprWalker.FieldRead(f.Value),
                CallExpr { Function: "__get_str", Arguments: [IdentifierExpr name] } => name.Name,
                _ => PrintExprWalker.FieldRead(argument),
            };
            if (field is null || schema.FindField(field) is not { IsCommon: false })
                continue;
            FieldDisplay display = printer.Display(field);
            // A table shows the field's names only when it is the field's own (FieldSymbols: one table per field).
            if (argument is SymbolicExpr or FlagsExpr && display.Show != FieldShow.Names)
                continue;
            // A field printed with a table elsewhere, and here as a number, is shown by its names.
            if (argument is not (SymbolicExpr or FlagsExpr) && display.Show == FieldShow.Names)
                continue;
            direct.Add((conversion, display));
        }
        return direct;
    }

    private static bool Agree(Conversion conversion, PrintExpr argument, JsonElement value, string shown)
    {
        if (conversion.Width > 0)
            shown = shown.Trim(' ');
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
            {
                string text = value.GetString()!;
                return conversion.Width > 0 ? text.Trim(' ') == shown : text == shown;
            }
            case JsonValueKind.True or JsonValueKind.False:
                return TryParse(shown, conversion, out ulong flag) && flag == (value.ValueKind == JsonValueKind.True ? 1UL : 0UL);
            case JsonValueKind.Number:
            {
                // The field's value, through the argument's casts as C converts it ((u16)REC->len), then the conversion's size.
                ulong bits = value.TryGetInt64(out long signed) ? unchecked((ulong)signed) : value.GetUInt64();
                var casts = new Stack<CType>();
                for (PrintExpr e = argument; e is CastExpr cast; e = cast.Operand)
                    casts.Push(cast.Type);
                foreach (CType type in casts)
                {
                    if (type.PointerDepth == 0 && CTypeFacts.TryGet(type.BaseType, out int size, out bool isSigned) && size < 8)
                        bits = Extend(bits, size, isSigned);
                }
                return TryParse(shown, conversion, out ulong printed) && Mask(bits, conversion) == Mask(printed, conversion);
            }
            default:
                return false;
        }
    }

    // --count-by's key is the JSON value as text.
    private static bool SameAsJson(JsonElement value, string counted) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() == counted,
        JsonValueKind.True => counted == "true",
        JsonValueKind.False => counted == "false",
        JsonValueKind.Number => value.GetRawText() == counted,
        _ => false,
    };

    private static bool TryParse(string text, Conversion conversion, out ulong value)
    {
        text = text.Trim(' ');
        bool negative = text.StartsWith('-');
        text = text.TrimStart('-', '+', ' ');
        int radix = conversion.Specifier is 'x' or 'X' ? 16 : conversion.Specifier == 'o' ? 8 : 10;
        if (radix == 16 && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            text = text[2..];
        value = 0;
        if (text.Length == 0)
            return false;
        foreach (char c in text)
        {
            int digit = Uri.IsHexDigit(c) ? Convert.ToInt32(c.ToString(), 16) : -1;
            if (digit < 0 || digit >= radix)
                return false;
            value = unchecked(value * (ulong)radix + (ulong)digit);
        }
        if (negative)
            value = unchecked(0UL - value);
        return true;
    }

    private static ulong Extend(ulong value, int size, bool signed)
    {
        ulong mask = (1UL << (size * 8)) - 1;
        value &= mask;
        return signed && (value >> (size * 8 - 1) & 1) != 0 ? value | ~mask : value;
    }

    private static ulong Mask(ulong value, Conversion conversion) =>
        conversion.ArgumentSize >= 8 ? value : value & ((1UL << (conversion.ArgumentSize * 8)) - 1);

    private static int ConversionIndex(PrintFormat print, Conversion conversion) =>
        print.Segments.Where(s => s.Conversion is not null).Select(s => s.Conversion!).ToList().IndexOf(conversion);

    // The print fmt as a pattern: its literal text, and a group for each conversion, shortest or longest first.
    private static Regex Shape(PrintFormat print, string group)
    {
        var pattern = new StringBuilder("^");
        foreach (FormatSegment segment in print.Segments)
            pattern.Append(segment.Literal is { } literal ? Regex.Escape(literal) : segment.Conversion!.Specifier == 'c' ? "(.)" : group);
        return new Regex(pattern.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
    }
}
