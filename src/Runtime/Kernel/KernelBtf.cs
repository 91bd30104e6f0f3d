using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using TpGen.Frontends;
using TpGen.Frontends.Btf;

namespace TpGen.Kernel;

/// <summary>
/// Reads a kernel's BTF: the running kernel's <c>/sys/kernel/btf/vmlinux</c> (world-readable,
/// so no root is needed) or a saved copy, optionally gzip-compressed, and hands the bytes to
/// <see cref="BtfData.Parse"/>.
/// </summary>
public static class KernelBtf
{
    /// <summary>Where the running kernel exposes its own BTF.</summary>
    public const string VmlinuxPath = "/sys/kernel/btf/vmlinux";

    // vmlinux BTF is a few MB; a limit keeps a wrong path (or a gzip bomb) from filling memory.
    private const long MaxSize = 512L * 1024 * 1024;

    private static readonly Lazy<IReadOnlyDictionary<string, long>?> s_runningKernelConstants = new(ReadRunningKernelConstants);

    /// <summary>
    /// The running kernel's enum constants by name (<see cref="BtfSchemaReader.EnumConstants"/>),
    /// read once: what <see cref="KernelConstants.Resolve"/> needs to give this kernel's formats the
    /// values their print fmts name without defining. Null when the kernel exposes no BTF that can be read.
    /// </summary>
    public static IReadOnlyDictionary<string, long>? RunningKernelConstants => s_runningKernelConstants.Value;

    /// <summary>Reads and parses the running kernel's BTF.</summary>
    /// <exception cref="KernelBtfException">the kernel exposes no BTF, or it cannot be read.</exception>
    /// <exception cref="FormatParseException">the data is not valid BTF.</exception>
    public static BtfData ReadVmlinux() => Read(VmlinuxPath);

    /// <summary>Reads and parses BTF from <paramref name="path"/>; a name ending in <c>.gz</c> is decompressed first.</summary>
    /// <exception cref="KernelBtfException">the file is missing, unreadable or too large.</exception>
    /// <exception cref="FormatParseException">the data is not valid BTF.</exception>
    public static BtfData Read(string path) => BtfData.Parse(ReadBytes(path), path);

    /// <summary>The raw bytes of the BTF at <paramref name="path"/>, decompressed if the name ends in <c>.gz</c>.</summary>
    /// <exception cref="KernelBtfException">the file is missing, unreadable, corrupt gzip or too large.</exception>
    public static byte[] ReadBytes(string path)
    {
        if (path is null)
            throw new ArgumentNullException(nameof(path));
        try
        {
            using FileStream file = File.OpenRead(path);
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                return ReadAll(gzip, path);
            }
            return ReadAll(file, path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KernelBtfException(path == VmlinuxPath
                ? $"{path} does not exist: this kernel was built without CONFIG_DEBUG_INFO_BTF, or sysfs is not mounted. Build against a committed snapshot or tracefs instead."
                : $"{path} does not exist.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new KernelBtfException($"Cannot read {path}: permission denied.", e);
        }
        catch (InvalidDataException e)
        {
            throw new KernelBtfException($"{path} is not valid gzip data: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new KernelBtfException($"Cannot read {path}: {e.Message}", e);
        }
    }

    private static IReadOnlyDictionary<string, long>? ReadRunningKernelConstants()
    {
        try
        {
            return BtfSchemaReader.EnumConstants(ReadVmlinux());
        }
        catch (Exception e) when (e is KernelBtfException or FormatParseException)
        {
            // Without BTF the print fmts keep the names they have, and print the numbers as the format alone allows.
            return null;
        }
    }

    // sysfs files report no useful length, so the stream is read to its end.
    private static byte[] ReadAll(Stream stream, string path)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxSize)
                throw new KernelBtfException($"{path} holds more than {MaxSize / (1024 * 1024)} MB, far more than any kernel's BTF; is it the right file?");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

/// <summary>A kernel's BTF is missing or unreadable. The message says which file and, where it helps, what to do.</summary>
public sealed class KernelBtfException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KernelBtfException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
