using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_tracepoint", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial SafeBpfLinkHandle ProgramAttachTracepoint(nint program, string category, string name);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_link__destroy")]
        internal static partial int LinkDestroy(nint link);
    }
}
