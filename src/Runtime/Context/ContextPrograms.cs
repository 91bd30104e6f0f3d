using System.Runtime.InteropServices;
using TpGen.Emitters.Bpf;
using TpGen.Frontends;
using TpGen.Frontends.Btf;
using TpGen.Probes;

namespace TpGen.Context;

/// <summary>
/// Chooses, per event, the program that reads it: a tracepoint program for tracefs events, a
/// BTF-typed (tp_btf) one for tp_btf events, which libbpf attaches by the BTF id of
/// <c>btf_trace_&lt;name&gt;</c>, named here before the object loads. An object may hold both
/// for every index (the shared one does); only the chosen one loads.
/// </summary>
internal static class ContextPrograms
{
    /// <summary>Sets which programs load, and the target of each tp_btf one.</summary>
    /// <exception cref="ProbeException">An event's program is not in the object, or libbpf refuses its target.</exception>
    public static void Prepare(SafeBpfObjectHandle handle, AttachPlan plan, int handlers)
    {
        ProbeSetDefinition definition = plan.Definition;
        for (int i = 0; i < handlers; i++)
        {
            bool wanted = i < definition.Probes.Count && plan.IsAttached(i);
            bool btf = wanted && BtfTracepoints.IsBtf(definition.Probes[i].System);
            nint tracepoint = Interop.Libbpf.ObjectFindProgram(handle, BpfEmitter.ProgramName(i));
            nint typed = Interop.Libbpf.ObjectFindProgram(handle, ContextEmitter.BtfProgramName(i));
            if (wanted && (btf ? typed : tracepoint) == 0)
                throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object of {definition.Name} has no program {(btf ? ContextEmitter.BtfProgramName(i) : BpfEmitter.ProgramName(i))}; it does not match this definition.");
            if (tracepoint != 0)
                Interop.Libbpf.ProgramSetAutoload(tracepoint, wanted && !btf);
            if (typed != 0)
                Interop.Libbpf.ProgramSetAutoload(typed, btf);
            if (btf && Interop.Libbpf.ProgramSetAttachTarget(typed, 0, definition.Probes[i].Name) != 0)
            {
                int error = Marshal.GetLastPInvokeError();
                throw new ProbeException(ProbeFailure.AttachFailed, $"libbpf cannot aim a tp_btf program at tracepoint {definition.Probes[i].Name}: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
            }
        }
    }

    /// <summary>Attaches event <paramref name="index"/>'s tp_btf program; null when the event is a tracefs one (the caller attaches it).</summary>
    public static SafeBpfLinkHandle? TryAttach(SafeBpfObjectHandle handle, ProbeDefinition probe, int index) =>
        BtfTracepoints.IsBtf(probe.System) ? Interop.Libbpf.ProgramAttachTrace(Interop.Libbpf.ObjectFindProgram(handle, ContextEmitter.BtfProgramName(index))) : null;

    /// <summary>The object's own BTF, where <c>tpgen_config</c>'s layout is.</summary>
    /// <exception cref="ProbeException">The object has no BTF.</exception>
    public static unsafe BtfData ObjectBtf(SafeBpfObjectHandle handle, string probeSet)
    {
        nint btf = Interop.Libbpf.ObjectBtf(handle);
        uint size = 0;
        byte* raw = btf == 0 ? null : Interop.Libbpf.BtfRawData(btf, out size);
        if (raw is null)
            throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object of {probeSet} carries no BTF; it was not compiled as TpGen compiles objects (clang -g).");
        try
        {
            return BtfData.Parse(new System.ReadOnlySpan<byte>(raw, (int)size).ToArray(), probeSet + ".bpf.o");
        }
        catch (FormatParseException e)
        {
            throw new ProbeException(ProbeFailure.LoadFailed, $"The BTF of {probeSet}'s BPF object cannot be read: {e.Message}", e);
        }
    }
}
