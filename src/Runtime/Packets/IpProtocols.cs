using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace TpGen.Packets;

/// <summary>
/// Names of IP protocol numbers (17 is <c>udp</c>), as the system's <c>/etc/protocols</c> gives
/// them (netbase on Debian); a number the file does not name, or every number where there is no
/// such file, is written as the number.
/// </summary>
public static class IpProtocols
{
    /// <summary>Where the names are read from.</summary>
    public const string Path = "/etc/protocols";

    private static readonly Lazy<Dictionary<int, string>> s_names = new(() => Read(Path));

    /// <summary>The name of protocol <paramref name="number"/>, e.g. <c>udp</c>, or the number as text.</summary>
    public static string Name(int number) =>
        s_names.Value.TryGetValue(number, out string? name) ? name : number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a file in /etc/protocols' format: <c>name number aliases... # comment</c>.</summary>
    public static Dictionary<int, string> Read(string path)
    {
        var names = new Dictionary<int, string>();
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                string text = line;
                int hash = text.IndexOf('#');
                if (hash >= 0)
                    text = text.Substring(0, hash);
                string[] words = text.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length >= 2 && int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is >= 0 and <= 255 && !names.ContainsKey(number))
                    names[number] = words[0];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return names;
    }
}
