using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using TpGen.Emitters.Bpf;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Probes;

/// <summary>
/// A probe set's BPF object through libbpf: opened from the compiled object, configured
/// (ring size, event ids, wakeup threshold), loaded, attached, and its ring buffer opened.
/// Owns every native resource; disposing releases them in reverse order.
/// </summary>
internal sealed unsafe class BpfObject : IDisposable
{
    private readonly SafeBpfObjectHandle _object;
    private readonly List<SafeBpfLinkHandle> _links = new();
    private readonly int _countersFd;
    private readonly int _cpus;
    private SafeRingBufferHandle? _ringBuffer;

    private BpfObject(SafeBpfObjectHandle bpfObject, int countersFd, int cpus)
    {
        _object = bpfObject;
        _countersFd = countersFd;
        _cpus = cpus;
    }

    public static BpfObject Load(ProbeSetDefinition definition, ProbeOptions options)
    {
        Privileges.Require();
        RequireLibbpf();
        ushort[] eventIds = CheckEvents(definition, options);
        byte[] objectBytes = ObjectBytes(definition, options);

        SafeBpfObjectHandle handle;
        fixed (byte* bytes = objectBytes)
            handle = Interop.Libbpf.ObjectOpenMemory(bytes, (nuint)objectBytes.Length, 0);
        if (handle.IsInvalid)
            throw new ProbeException(ProbeFailure.LoadFailed, $"libbpf could not open the BPF object of {definition.Name}: {Error(Marshal.GetLastPInvokeError())}");

        int countersFd;
        try
        {
            nint ring = FindMap(handle, BpfEmitter.RingBufferMap, definition);
            if (Interop.Libbpf.MapSetMaxEntries(ring, (uint)options.RingBufferSize) != 0)
                throw new ProbeException(ProbeFailure.LoadFailed, $"libbpf refused ring buffer size {options.RingBufferSize}.");
            Configure(handle, definition, eventIds, options);

            using (LibbpfLog.Capture())
            {
                if (Interop.Libbpf.ObjectLoad(handle) != 0)
                {
                    int error = Marshal.GetLastPInvokeError();
                    throw new ProbeException(ProbeFailure.LoadFailed,
                        $"The kernel rejected the BPF programs of {definition.Name} ({Error(error)}). The last lines of the verifier's log:\n{LibbpfLog.Tail(40)}");
                }
            }
            countersFd = Interop.Libbpf.MapFileDescriptor(FindMap(handle, BpfEmitter.CountersMap, definition));
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        // From here the BpfObject owns the handle and releases it with everything else.
        var loaded = new BpfObject(handle, countersFd, Math.Max(1, Interop.Libbpf.NumberOfPossibleCpus()));
        try
        {
            loaded.AttachAll(definition);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
        return loaded;
    }

    public void OpenRingBuffer(delegate* unmanaged<nint, nint, nuint, int> sample, nint context)
    {
        int fd = Interop.Libbpf.MapFileDescriptor(FindMap(_object, BpfEmitter.RingBufferMap, null));
        _ringBuffer = Interop.Libbpf.RingBufferNew(fd, sample, context, 0);
        if (_ringBuffer.IsInvalid)
            throw new ProbeException(ProbeFailure.LoadFailed, $"libbpf could not open the ring buffer: {Error(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for a wakeup, then reads everything waiting.</summary>
    public void Poll(int timeoutMilliseconds)
    {
        Interop.Libbpf.RingBufferPoll(_ringBuffer!, timeoutMilliseconds);
        // With batched wakeups a poll can time out with records waiting; consume reads them without a wakeup.
        Interop.Libbpf.RingBufferConsume(_ringBuffer!);
    }

    public void Consume() => Interop.Libbpf.RingBufferConsume(_ringBuffer!);

    /// <summary>The kernel's count of records it could not reserve, summed over CPUs.</summary>
    public long ReadDropped()
    {
        if (_object.IsClosed)
            return 0;
        uint key = 0;
        ulong* values = stackalloc ulong[_cpus];
        if (Interop.Libbpf.MapLookupElement(_countersFd, &key, values) != 0)
            return 0;
        ulong total = 0;
        for (int cpu = 0; cpu < _cpus; cpu++)
            total += values[cpu];
        return (long)total;
    }

    public void Dispose()
    {
        _ringBuffer?.Dispose();
        DetachAll(_links);
        _links.Clear();
        _object.Dispose();
    }

    // Detaching a tracepoint waits for RCU grace periods in the kernel (tens of milliseconds
    // each, partly under a kernel mutex); detaching on several threads overlaps what can overlap
    // (about twice as fast). A handful of threads gets all of that gain.
    private static void DetachAll(List<SafeBpfLinkHandle> links)
    {
        const int MaxThreads = 8;
        if (links.Count <= 1)
        {
            foreach (SafeBpfLinkHandle link in links)
                link.Dispose();
            return;
        }
        int next = -1;
        var threads = new List<System.Threading.Thread>();
        for (int t = 0; t < Math.Min(MaxThreads, links.Count); t++)
        {
            var thread = new System.Threading.Thread(() =>
            {
                for (int i = System.Threading.Interlocked.Increment(ref next); i < links.Count; i = System.Threading.Interlocked.Increment(ref next))
                    links[i].Dispose();
            }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "tpgen detach" };
            thread.Start();
            threads.Add(thread);
        }
        foreach (System.Threading.Thread thread in threads)
            thread.Join();
    }

    private void AttachAll(ProbeSetDefinition definition)
    {
        for (int i = 0; i < definition.Probes.Count; i++)
        {
            ProbeDefinition probe = definition.Probes[i];
            nint program = Interop.Libbpf.ObjectFindProgram(_object, BpfEmitter.ProgramName(i));
            if (program == 0)
                throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object of {definition.Name} has no program {BpfEmitter.ProgramName(i)} for {probe.FullName}; it does not match this definition.");
            SafeBpfLinkHandle link = Interop.Libbpf.ProgramAttachTracepoint(program, probe.System, probe.Name);
            if (link.IsInvalid)
            {
                int error = Marshal.GetLastPInvokeError();
                link.Dispose();
                throw new ProbeException(ProbeFailure.AttachFailed, $"Could not attach to tracepoint {probe.FullName}: {Error(error)}.");
            }
            _links.Add(link);
        }
    }

    private static void RequireLibbpf()
    {
        if (!NativeDependencies.IsLibbpfInstalled())
            throw new ProbeException(ProbeFailure.LibbpfMissing, $"libbpf 1.x ({NativeDependencies.Libbpf}) is not installed. Install it: {NativeDependencies.LibbpfAdvice}.");
    }

    // Reads each event's live format: it must exist, and (unless told otherwise) match the build's layout.
    private static ushort[] CheckEvents(ProbeSetDefinition definition, ProbeOptions options)
    {
        if (!Tracefs.IsMounted)
            throw new ProbeException(ProbeFailure.TracefsUnavailable, $"tracefs is not mounted; attaching to tracepoints needs it. Mount it with: {Tracefs.MountCommand}");
        var ids = new ushort[definition.Probes.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ProbeDefinition probe = definition.Probes[i];
            TracepointSchema live;
            try
            {
                live = Tracefs.ReadEvent(probe.System, probe.Name);
            }
            catch (TracefsException e)
            {
                ProbeFailure failure = e.Problem == TracefsProblem.EventMissing ? ProbeFailure.TracepointMissing : ProbeFailure.TracefsUnavailable;
                throw new ProbeException(failure, e.Message, e);
            }
            catch (FormatParseException e)
            {
                throw new ProbeException(ProbeFailure.LayoutMismatch, $"The running kernel's format of {probe.FullName} could not be read: {e.Message}", e);
            }
            ids[i] = (ushort)live.Id;

            if (!options.CheckLayout)
                continue;
            TracepointSchema built = FormatFileReader.ReadOrThrow(probe.FormatText, probe.System, probe.FullName + " (as built)", probe.Name);
            IReadOnlyList<string> differences = LayoutCheck.Differences(built, live);
            if (differences.Count > 0)
                throw new ProbeException(ProbeFailure.LayoutMismatch,
                    $"{probe.FullName} is laid out differently on this kernel than in the build: {string.Join("; ", differences)}. " +
                    $"Rebuild against this kernel's description (build here, or refresh the snapshot with 'tpgen pull {probe.FullName}').");
        }
        return ids;
    }

    // The object the build compiled, beside the application; else one compiled now (and cached by hash).
    private static byte[] ObjectBytes(ProbeSetDefinition definition, ProbeOptions options)
    {
        string built = Path.Combine(options.ObjectDirectory ?? ProbeSetDefinition.DefaultObjectDirectory, definition.ObjectFileName);
        if (File.Exists(built))
            return File.ReadAllBytes(built);

        string cached = Path.Combine(BpfCompiler.CacheDirectory, definition.ObjectFileName);
        if (!File.Exists(cached))
        {
            try
            {
                BpfCompiler.Compile(definition.BpfSource, cached, options.ClangPath);
            }
            catch (ProbeException e) when (e.Failure == ProbeFailure.CompilerMissing)
            {
                throw new ProbeException(ProbeFailure.CompilerMissing,
                    $"The BPF object of {definition.Name} was not built with the application (no {built}), and it cannot be compiled now: {e.Message}", e);
            }
        }
        return File.ReadAllBytes(cached);
    }

    // .rodata holds one struct: the wakeup threshold, then the running kernel's event ids.
    private static void Configure(SafeBpfObjectHandle handle, ProbeSetDefinition definition, ushort[] eventIds, ProbeOptions options)
    {
        nint rodata = FindMap(handle, ".rodata", definition);
        int size = (int)Interop.Libbpf.MapValueSize(rodata);
        if (size < 8 + 2 * eventIds.Length)
            throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object of {definition.Name} has a {size}-byte configuration; {definition.Probes.Count} events need {8 + 2 * eventIds.Length}.");
        byte[] config = new byte[size];
        BitConverter.TryWriteBytes(config.AsSpan(0, 8), (ulong)options.EffectiveWakeupThreshold);
        for (int i = 0; i < eventIds.Length; i++)
            BitConverter.TryWriteBytes(config.AsSpan(8 + 2 * i, 2), eventIds[i]);
        fixed (byte* data = config)
        {
            if (Interop.Libbpf.MapSetInitialValue(rodata, data, (nuint)size) != 0)
                throw new ProbeException(ProbeFailure.LoadFailed, $"libbpf refused the configuration of {definition.Name}.");
        }
    }

    private static nint FindMap(SafeBpfObjectHandle handle, string name, ProbeSetDefinition? definition)
    {
        nint map = Interop.Libbpf.ObjectFindMap(handle, name);
        if (map == 0)
            throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object{(definition is null ? "" : " of " + definition.Name)} has no map '{name}'; it was not generated by this version of TpGen.");
        return map;
    }

    private static string Error(int errno) => errno switch
    {
        0 => "unknown error",
        1 or 13 => $"permission denied (errno {errno})",
        2 => "no such tracepoint (ENOENT)",
        _ => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})",
    };
}
