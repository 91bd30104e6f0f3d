using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TpGen.Aggregations;
using TpGen.Emitters.Bpf;
using TpGen.Frontends;
using TpGen.Frontends.Tracefs;
using TpGen.Kernel;
using TpGen.Schema;

namespace TpGen.Probes;

/// <summary>
/// A probe set's BPF object through libbpf: opened (the shared object of probe sets without
/// filters, else the probe set's own), configured for the running kernel (ring size, each event's
/// layout and id, filter fields and names, the wakeup threshold), loaded, attached, and its ring
/// buffer opened. Owns every native resource; disposing releases them in reverse order.
/// </summary>
internal sealed unsafe class BpfObject : IDisposable
{
    private readonly SafeBpfObjectHandle _object;
    private readonly List<SafeBpfLinkHandle> _links = new();
    private readonly SafeMemoryMappingHandle _counters;
    private RingBufferReader? _ringBuffer;

    private BpfObject(SafeBpfObjectHandle bpfObject, SafeMemoryMappingHandle counters)
    {
        _object = bpfObject;
        _counters = counters;
    }

    /// <summary>The maps of the probe set's aggregations, once loaded.</summary>
    public AggregationMaps? Aggregations { get; private set; }

    public static BpfObject Load(AttachPlan plan, ProbeOptions options)
    {
        ProbeSetDefinition definition = plan.Definition;
        (byte[] objectBytes, int handlers) = ObjectBytes(plan, options);

        SafeBpfObjectHandle handle;
        fixed (byte* bytes = objectBytes)
            handle = Interop.Libbpf.ObjectOpenMemory(bytes, (nuint)objectBytes.Length, 0);
        if (handle.IsInvalid)
            throw new ProbeException(ProbeFailure.LoadFailed, $"libbpf could not open the BPF object of {definition.Name}: {Error(Marshal.GetLastPInvokeError())}");

        SafeMemoryMappingHandle counters;
        try
        {
            nint ring = FindMap(handle, BpfEmitter.RingBufferMap, definition.Name);
            if (Interop.Libbpf.MapSetMaxEntries(ring, (uint)options.RingBufferSize) != 0)
                throw new ProbeException(ProbeFailure.LoadFailed, $"libbpf refused ring buffer size {options.RingBufferSize}.");
            Configure(handle, plan, handlers, options);
            AggregationMaps.Configure(handle, plan.Aggregations, definition.Name);
            // Only the handlers of attached events load (a tp_btf program for tp_btf events): the rest of a shared object, and optional events this kernel lacks, stay out.
            Context.ContextPrograms.Prepare(handle, plan, handlers);

            using (LibbpfLog.Capture())
            {
                if (Interop.Libbpf.ObjectLoad(handle) != 0)
                {
                    int error = Marshal.GetLastPInvokeError();
                    throw new ProbeException(ProbeFailure.LoadFailed,
                        $"The kernel rejected the BPF programs of {definition.Name} ({Error(error)}). The last lines of the verifier's log:\n{LibbpfLog.Tail(40)}");
                }
            }
            counters = MapCounters(handle, definition);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        // From here the BpfObject owns the handle and releases it with everything else.
        var loaded = new BpfObject(handle, counters);
        try
        {
            loaded.Aggregations = AggregationMaps.Open(handle, plan.Aggregations, definition.Name);
            loaded.AttachAll(plan);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
        return loaded;
    }

    /// <summary>Maps the ring buffer into this process for reading (<see cref="Poll"/>, <see cref="Consume"/>).</summary>
    /// <exception cref="ProbeException">It could not be mapped or watched.</exception>
    public void OpenRingBuffer()
    {
        nint map = FindMap(_object, BpfEmitter.RingBufferMap, null);
        _ringBuffer = RingBufferReader.Open(Interop.Libbpf.MapFileDescriptor(map), Interop.Libbpf.MapMaxEntries(map));
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> for a wakeup, then hands everything
    /// waiting to <paramref name="sink"/>; returns how many records. An exception from the sink
    /// propagates, with its record consumed.
    /// </summary>
    /// <exception cref="ProbeException">Waiting failed for another reason than a signal.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // on the reading loop: see RingBufferReader.ConsumeRecords
    public long Poll<TSink>(int timeoutMilliseconds, ref TSink sink) where TSink : struct, IRingBufferSink
    {
        _ringBuffer!.Wait(timeoutMilliseconds);
        // With batched wakeups a wait can time out with records waiting: they are read all the same.
        return _ringBuffer.Consume(ref sink);
    }

    /// <summary>Hands everything waiting to <paramref name="sink"/>, without a system call; returns how many records.</summary>
    public long Consume<TSink>(ref TSink sink) where TSink : struct, IRingBufferSink => _ringBuffer!.Consume(ref sink);

    /// <summary>The kernel's count of records it could not reserve; read from shared memory, no system call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per poll: see RingBufferReader.ConsumeRecords
    public long ReadDropped()
    {
        if (_counters.IsClosed)
            return 0;
        bool added = false;
        try
        {
            _counters.DangerousAddRef(ref added);
            return System.Threading.Volatile.Read(ref *(long*)_counters.DangerousGetHandle());
        }
        finally
        {
            if (added)
                _counters.DangerousRelease();
        }
    }

    public void Dispose()
    {
        _ringBuffer?.Dispose();
        DetachAll(_links);
        _links.Clear();
        _counters.Dispose();
        Aggregations?.Dispose();
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

    private void AttachAll(AttachPlan plan)
    {
        ProbeSetDefinition definition = plan.Definition;
        for (int i = 0; i < definition.Probes.Count; i++)
        {
            if (!plan.IsAttached(i))
                continue;
            ProbeDefinition probe = definition.Probes[i];
            SafeBpfLinkHandle link = Context.ContextPrograms.TryAttach(_object, probe, i)
                ?? Interop.Libbpf.ProgramAttachTracepoint(FindProgram(_object, i, definition), probe.System, probe.Name);
            if (link.IsInvalid)
            {
                int error = Marshal.GetLastPInvokeError();
                link.Dispose();
                throw new ProbeException(ProbeFailure.AttachFailed, $"Could not attach to tracepoint {probe.FullName}: {Error(error)}.");
            }
            _links.Add(link);
        }
    }

    private static nint FindProgram(SafeBpfObjectHandle handle, int index, ProbeSetDefinition definition)
    {
        nint program = Interop.Libbpf.ObjectFindProgram(handle, BpfEmitter.ProgramName(index));
        if (program == 0)
            throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object of {definition.Name} has no program {BpfEmitter.ProgramName(index)}; it does not match this definition.");
        return program;
    }

    // The counters map, mapped into this process so reading it costs no system call.
    private static SafeMemoryMappingHandle MapCounters(SafeBpfObjectHandle handle, ProbeSetDefinition definition)
    {
        int fd = Interop.Libbpf.MapFileDescriptor(FindMap(handle, BpfEmitter.CountersMap, definition.Name));
        SafeMemoryMappingHandle mapping = SafeMemoryMappingHandle.MapReadOnly(fd, (nuint)Environment.SystemPageSize);
        if (mapping.IsInvalid)
        {
            int error = Marshal.GetLastPInvokeError();
            mapping.Dispose();
            throw new ProbeException(ProbeFailure.LoadFailed, $"Could not map the counters of {definition.Name}: {Error(error)}.");
        }
        return mapping;
    }

    // The shared object when the probe set has no filters and fits it; else the object the build compiled, or one compiled now.
    private static (byte[] Bytes, int Handlers) ObjectBytes(AttachPlan plan, ProbeOptions options)
    {
        ProbeSetDefinition definition = plan.Definition;
        if (!plan.HasFilters && definition.Probes.Count <= SharedObject.Handlers)
            return (SharedObject.Bytes, SharedObject.Handlers);

        string built = Path.Combine(options.ObjectDirectory ?? ProbeSetDefinition.DefaultObjectDirectory, definition.ObjectFileName);
        if (File.Exists(built))
            return (File.ReadAllBytes(built), definition.Probes.Count);

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
        return (File.ReadAllBytes(cached), definition.Probes.Count);
    }

    // .rodata holds tpgen_config: each event as the running kernel lays it out, and the filters' fields and names.
    private static void Configure(SafeBpfObjectHandle handle, AttachPlan plan, int handlers, ProbeOptions options)
    {
        nint rodata = FindMap(handle, ".rodata", plan.Definition.Name);
        int size = (int)Interop.Libbpf.MapValueSize(rodata);
        byte[] config = plan.Configuration(handlers, size, options, new BpfOptions(options.PayloadBytesPerField));
        plan.Context.Write(config, Context.ContextPlan.ConfigOffset(Context.ContextPrograms.ObjectBtf(handle, plan.Definition.Name), plan.Definition.Name), handlers, plan.Definition.Name);
        fixed (byte* data = config)
        {
            if (Interop.Libbpf.MapSetInitialValue(rodata, data, (nuint)size) != 0)
                throw new ProbeException(ProbeFailure.LoadFailed, $"libbpf refused the configuration of {plan.Definition.Name}.");
        }
    }

    /// <summary>The map <paramref name="name"/> of an opened object; a missing one means the object is not this TpGen's.</summary>
    /// <exception cref="ProbeException">The object has no such map.</exception>
    internal static nint FindMap(SafeBpfObjectHandle handle, string name, string? probeSet)
    {
        nint map = Interop.Libbpf.ObjectFindMap(handle, name);
        if (map == 0)
            throw new ProbeException(ProbeFailure.LoadFailed, $"The BPF object{(probeSet is null ? "" : " of " + probeSet)} has no map '{name}'; it was not generated by this version of TpGen.");
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
