using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using TpGen.Aggregations;
using TpGen.Formatting;
using TpGen.Probes;
using TpGen.Schema;

namespace TpGen.Tool.Aggregation;

/// <summary>
/// Shows a key part read from an address field as the event's text shows that field:
/// <c>call_site</c> as <c>kmalloc_trace+0x1f/0x90</c>, a pointer as its address, not as a decimal
/// number. It goes through the same <see cref="FieldPrinter"/> as <c>--output json</c> and the
/// generated <c>ToString()</c>, over a record that holds just the key's value, so a value is shown
/// alike everywhere. Named values already carry their name (<see cref="AggregationKeyValue.Text"/>).
/// </summary>
internal sealed class AggregationKeyText
{
    private readonly Dictionary<string, (FieldPrinter Printer, FieldSpec Field)> _addresses = new(StringComparer.Ordinal);

    public AggregationKeyText(ProbeSetDefinition definition)
    {
        foreach (ProbeDefinition probe in definition.Probes)
        {
            var printer = new FieldPrinter(probe.BuiltSchema);
            foreach (FieldDisplay display in printer.Displays)
            {
                if (display.Show is FieldShow.Symbol or FieldShow.Address or FieldShow.KernelString && display.Field.Size <= 8)
                    _addresses.TryAdd(display.Field.Name, (printer, display.Field));
            }
        }
    }

    /// <summary>The part as the event's text shows its field, when that field is an address; else null (the part shows itself).</summary>
    public string? Address(AggregationKeyValue part)
    {
        if (part.Source != AggregationSource.Field || part.Text is not null || !_addresses.TryGetValue(part.Name, out var shown))
            return null;
        var record = new byte[shown.Field.Offset + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(shown.Field.Offset), part.Value);
        return shown.Printer.Text(shown.Field.Name, record);
    }
}
