using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace TpGen.Probes;

/// <summary>
/// Compiles BPF C with clang (<c>-target bpf -O2 -g</c>): at build time from the MSBuild task,
/// and at run time when no object was built. Finds <c>clang</c> or the newest <c>clang-NN</c>
/// on PATH unless told which to use (TPGEN_CLANG or an explicit path).
/// </summary>
public static class BpfCompiler
{
    /// <summary>The environment variable that names the clang to use.</summary>
    public const string ClangVariable = "TPGEN_CLANG";

    /// <summary>The clang to use, or null when none is installed.</summary>
    public static string? FindClang(string? explicitPath = null)
    {
        string? configured = string.IsNullOrWhiteSpace(explicitPath) ? Environment.GetEnvironmentVariable(ClangVariable) : explicitPath;
        if (!string.IsNullOrWhiteSpace(configured))
            return File.Exists(configured) ? Path.GetFullPath(configured) : FindOnPath(configured!).FirstOrDefault();

        string? plain = FindOnPath("clang").FirstOrDefault();
        if (plain is not null)
            return plain;
        // Debian installs versioned names (clang-14); take the newest.
        return FindOnPath(name => name.StartsWith("clang-", StringComparison.Ordinal) && int.TryParse(name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderByDescending(path => int.Parse(Path.GetFileName(path).AsSpan(6), CultureInfo.InvariantCulture))
            .FirstOrDefault();
    }

    /// <summary>Compiles <paramref name="source"/> into <paramref name="objectPath"/>.</summary>
    /// <exception cref="ProbeException">No clang, or clang failed (the message has its errors).</exception>
    public static void Compile(string source, string objectPath, string? clang = null)
    {
        string compiler = FindClang(clang) ?? throw new ProbeException(ProbeFailure.CompilerMissing,
            "clang is needed to compile the BPF program and none was found on PATH (looked for clang and clang-NN). Install it (apt-get install clang-14) or set TPGEN_CLANG to its path.");

        string directory = Path.GetDirectoryName(Path.GetFullPath(objectPath))!;
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, "." + Path.GetFileName(objectPath) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        string sourcePath = stem + ".c";
        string temporaryObject = stem + ".o";
        File.WriteAllText(sourcePath, source);
        try
        {
            var start = new ProcessStartInfo(compiler)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { "-target", "bpf", "-O2", "-g", "-Wall", "-Wno-unused-function", "-c", sourcePath, "-o", temporaryObject })
                start.ArgumentList.Add(argument);

            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (Win32Exception e)
            {
                throw new ProbeException(ProbeFailure.CompilerMissing, $"Could not run {compiler}: {e.Message}", e);
            }
            using (process)
            {
                var errors = new StringBuilder();
                process.ErrorDataReceived += (_, line) => { if (line.Data is not null) lock (errors) errors.AppendLine(line.Data); };
                process.BeginErrorReadLine();
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new ProbeException(ProbeFailure.CompileFailed, $"{compiler} could not compile the BPF program (exit code {process.ExitCode}):\n{Tail(errors.ToString(), 40)}");
            }
            File.Move(temporaryObject, objectPath, overwrite: true);
        }
        finally
        {
            File.Delete(sourcePath);
            File.Delete(temporaryObject);
        }
    }

    /// <summary>Where run-time compiles are kept: $XDG_CACHE_HOME/tpgen, ~/.cache/tpgen, or the temp directory.</summary>
    public static string CacheDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string root = !string.IsNullOrEmpty(xdg) ? xdg : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache") : Path.GetTempPath();
            return Path.Combine(root, "tpgen", "bpf");
        }
    }

    private static IEnumerable<string> FindOnPath(string name) => FindOnPath(candidate => candidate == name);

    private static IEnumerable<string> FindOnPath(Func<string, bool> match)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Directory.Exists(directory))
                continue;
            IEnumerable<string> files;
            try
            {
                files = Directory.EnumerateFiles(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (string file in files)
            {
                if (match(Path.GetFileName(file)))
                    yield return file;
            }
        }
    }

    private static string Tail(string text, int lines)
    {
        string[] all = text.Split('\n');
        return string.Join("\n", all.Skip(Math.Max(0, all.Length - lines)));
    }
}
