using System;
using System.IO;
using TpGen.Kernel;
using Xunit;

namespace TpGen.Tests.Support;

/// <summary>
/// Tests that need the kernel call these first. Where the facility is missing the test is
/// skipped with the reason; with TPGEN_REQUIRE_KERNEL=1 (as CI sets it) it fails instead.
/// </summary>
internal static class KernelFacility
{
    public static bool Required => Environment.GetEnvironmentVariable("TPGEN_REQUIRE_KERNEL") == "1";

    /// <summary>Readable tracefs event formats.</summary>
    public static string RequireTracefs()
    {
        if (!Tracefs.IsMounted)
            Missing($"tracefs is not mounted ({Tracefs.MountCommand})");
        string header = Path.Combine(Tracefs.EventsDirectory, "header_page");
        try
        {
            File.ReadAllText(header);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Missing($"tracefs formats are not readable ({e.Message}); run the tests as root");
        }
        return Tracefs.EventsDirectory;
    }

    /// <summary>A file or directory the test reads, such as the 6.1 reference formats.</summary>
    public static string RequirePath(string path, string what)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            Missing($"{what} is not at {path}");
        return path;
    }

    private static void Missing(string reason)
    {
        if (Required)
            Assert.Fail("TPGEN_REQUIRE_KERNEL=1 but " + reason);
        Assert.Skip(reason);
    }
}
