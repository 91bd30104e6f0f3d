using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__fd")]
        internal static partial int MapFileDescriptor(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__set_max_entries")]
        internal static partial int MapSetMaxEntries(nint map, uint maxEntries);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__set_initial_value")]
        internal static unsafe partial int MapSetInitialValue(nint map, byte* data, nuint size);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__max_entries")]
        internal static partial uint MapMaxEntries(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__value_size")]
        internal static partial uint MapValueSize(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map_lookup_elem", SetLastError = true)]
        internal static unsafe partial int MapLookupElement(int fd, void* key, void* value);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "libbpf_num_possible_cpus")]
        internal static partial int NumberOfPossibleCpus();
    }
}
