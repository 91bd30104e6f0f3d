using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using TpGen.Context;
using TpGen.Packets;

namespace TpGen.Tool.Packets;

/// <summary>
/// What <c>tpgen trace</c> prints of a record's context after the event's own text: each user
/// string as <c>filename="/etc/hostname"</c> (<c>(cut)</c> after one cut at the bound,
/// <c>filename=(unreadable)</c> for memory the kernel could not read), and a packet as <c>saddr=
/// daddr= sport= dport= l4proto= dev= netns=</c>; in JSON, objects <c>strings</c> and <c>packet</c>
/// with the same names.
/// </summary>
internal static class ContextText
{
    /// <summary>Writes the context's text, each part after a space.</summary>
    public static void WriteText(TextWriter text, scoped in RecordContext context)
    {
        foreach (ContextString field in context.Layout.Strings)
        {
            if (field.Offset < 0)
                continue;
            text.Write(' ');
            text.Write(field.Field);
            text.Write('=');
            if (!context.IsUserStringRead(field.Field))
            {
                text.Write("(unreadable)");
                continue;
            }
            KernelString value = context.UserString(field.Field);
            text.Write(Quoted(value.ToString()));
            if (value.IsTruncated)
                text.Write("(cut)");
        }
        if (!context.HasPacket)
            return;
        PacketView packet = context.Packet;
        if (packet.IpVersion != 0)
        {
            text.Write($" saddr={packet.SourceAddress} daddr={packet.DestinationAddress}");
            if (packet.SourcePort >= 0)
                text.Write(string.Create(CultureInfo.InvariantCulture, $" sport={packet.SourcePort} dport={packet.DestinationPort}"));
            if (packet.L4Protocol >= 0)
                text.Write(" l4proto=" + IpProtocols.Name(packet.L4Protocol));
        }
        else
        {
            text.Write(string.Create(CultureInfo.InvariantCulture, $" ethertype=0x{packet.Protocol:x4}"));
        }
        string device = packet.Device.ToString();
        text.Write(" dev=" + (device.Length == 0 ? "(none)" : device));
        text.Write(string.Create(CultureInfo.InvariantCulture, $" netns={packet.NetworkNamespace}"));
    }

    /// <summary>Writes the context's JSON properties (<c>strings</c>, <c>packet</c>) into the open object.</summary>
    public static void WriteJson(Utf8JsonWriter json, scoped in RecordContext context)
    {
        bool strings = false;
        foreach (ContextString field in context.Layout.Strings)
        {
            if (field.Offset < 0)
                continue;
            if (!strings)
            {
                json.WriteStartObject("strings");
                strings = true;
            }
            if (!context.IsUserStringRead(field.Field))
            {
                json.WriteNull(field.Field);
                continue;
            }
            KernelString value = context.UserString(field.Field);
            json.WriteString(field.Field, value.ToString());
            if (value.IsTruncated)
                json.WriteBoolean(field.Field + "_truncated", true);
        }
        if (strings)
            json.WriteEndObject();
        if (!context.HasPacket)
            return;
        PacketView packet = context.Packet;
        json.WriteStartObject("packet");
        if (packet.IpVersion != 0)
        {
            json.WriteString("saddr", packet.SourceAddress!.ToString());
            json.WriteString("daddr", packet.DestinationAddress!.ToString());
            if (packet.SourcePort >= 0)
            {
                json.WriteNumber("sport", packet.SourcePort);
                json.WriteNumber("dport", packet.DestinationPort);
            }
            if (packet.L4Protocol >= 0)
                json.WriteString("l4proto", IpProtocols.Name(packet.L4Protocol));
            json.WriteNumber("len", packet.NetworkLength);
        }
        json.WriteNumber("ethertype", packet.Protocol);
        string device = packet.Device.ToString();
        if (device.Length > 0)
            json.WriteString("dev", device);
        else
            json.WriteNull("dev");
        json.WriteNumber("ifindex", packet.InterfaceIndex);
        json.WriteNumber("netns", packet.NetworkNamespace);
        json.WriteEndObject();
    }

    // As C writes a string: quotes and backslashes escaped, control bytes as \xNN.
    private static string Quoted(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\')
                text.Append('\\').Append(c);
            else if (c < ' ' || c == 127)
                text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else
                text.Append(c);
        }
        return text.Append('"').ToString();
    }
}
