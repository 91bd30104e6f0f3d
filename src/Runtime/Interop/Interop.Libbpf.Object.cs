using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__open_mem", SetLastError = true)]
        internal static unsafe partial SafeBpfObjectHandle ObjectOpenMemory(byte* buffer, nuint size, nint options);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__load", SetLastError = true)]
        internal static partial int ObjectLoad(SafeBpfObjectHandle bpfObject);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__close")]
        internal static partial void ObjectClose(nint bpfObject);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial nint ObjectFindProgram(SafeBpfObjectHandle bpfObject, string name);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__set_autoload")]
        internal static partial int ProgramSetAutoload(nint program, [MarshalAs(UnmanagedType.U1)] bool autoload);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial nint ObjectFindMap(SafeBpfObjectHandle bpfObject, string name);
    }
}
