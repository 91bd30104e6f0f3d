using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__set_key_size")]
        internal static partial int MapSetKeySize(nint map, uint size);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__set_value_size")]
        internal static partial int MapSetValueSize(nint map, uint size);

        /// <summary>The key after <paramref name="key"/> (the first when null or not in the map); -1 with ENOENT after the last.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map_get_next_key", SetLastError = true)]
        internal static unsafe partial int MapGetNextKey(int fd, void* key, void* nextKey);

        /// <summary>Reads and removes one entry in one step, so no update between the two is lost.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map_lookup_and_delete_elem", SetLastError = true)]
        internal static unsafe partial int MapLookupAndDeleteElement(int fd, void* key, void* value);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map_delete_elem", SetLastError = true)]
        internal static unsafe partial int MapDeleteElement(int fd, void* key);
    }
}
