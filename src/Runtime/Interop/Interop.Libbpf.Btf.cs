using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        /// <summary>The object's own BTF (its types, <c>tpgen_config</c>'s among them); owned by the object.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__btf")]
        internal static partial nint ObjectBtf(SafeBpfObjectHandle bpfObject);

        /// <summary>The raw bytes of a <c>struct btf</c>; owned by it.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "btf__raw_data")]
        internal static unsafe partial byte* BtfRawData(nint btf, out uint size);

        /// <summary>Names the kernel function or tracepoint a BTF-typed program attaches to (here, <c>btf_trace_&lt;name&gt;</c>'s), before the object loads.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__set_attach_target", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int ProgramSetAttachTarget(nint program, int attachProgramFd, string name);

        /// <summary>Attaches a tp_btf (or fentry/fexit) program to the target it was loaded for.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_trace", SetLastError = true)]
        internal static partial SafeBpfLinkHandle ProgramAttachTrace(nint program);
    }
}
