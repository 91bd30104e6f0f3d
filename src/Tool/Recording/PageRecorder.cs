using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace TpGen.Tool.Recording;

/// <summary>
/// Moves a tracefs instance's ring-buffer pages into one file per CPU, as trace-cmd does: splice
/// full pages from each CPU's <c>trace_pipe_raw</c> into a pipe (the kernel hands the pages over
/// without copying them), read them from the pipe, note lost events from each page's commit word,
/// and append them to the CPU's file. One thread serves every CPU: it sleeps in poll() until a CPU's
/// buffer is <c>buffer_percent</c> full (or a short timeout passes), so the traced workload pays no
/// wakeup per event. At the end, with the buffer stopped, the last partial pages are read too.
/// </summary>
internal sealed class PageRecorder : IDisposable
{
    /// <summary>The longest poll() waits; a CPU's pages are moved at least this often.</summary>
    public const int PollMilliseconds = 100;

    private const int PipeSize = 1 << 20;

    // The page header's commit word (kernel/trace/ring_buffer.c): events were lost before this
    // page, and their count is stored after the page's data.
    private const ulong MissedEvents = 1UL << 31;
    private const ulong MissedStored = 1UL << 30;
    private const ulong CommitMask = (1UL << 27) - 1;

    private readonly Cpu[] _cpus;
    private readonly int _pageSize;
    private readonly int _commitOffset;
    private readonly int _commitSize;
    private readonly byte[] _buffer;
    private readonly SafeFileHandle _wakeRead;
    private readonly SafeFileHandle _wakeWrite;

    public PageRecorder(TraceInstance instance, IReadOnlyList<int> cpus, int pageSize, int commitOffset, int commitSize, string temporaryPrefix)
    {
        _pageSize = pageSize;
        _commitOffset = commitOffset;
        _commitSize = commitSize;
        (_wakeRead, _wakeWrite) = Interop.Pipes.CreatePipe(Interop.Pipes.CloseOnExec | Interop.Pipes.NonBlocking);
        _cpus = new Cpu[cpus.Count];
        try
        {
            for (int i = 0; i < cpus.Count; i++)
                _cpus[i] = new Cpu(cpus[i], instance.PathOf(Path.Combine("per_cpu", "cpu" + cpus[i].ToString(CultureInfo.InvariantCulture), "trace_pipe_raw")), temporaryPrefix + cpus[i].ToString(CultureInfo.InvariantCulture));
        }
        catch
        {
            Dispose();
            throw;
        }
        int pipeSize = PipeSize;
        foreach (Cpu cpu in _cpus)
        {
            if (cpu.Raw is not null)
                pipeSize = Math.Min(pipeSize, cpu.PipeCapacity);
        }
        _buffer = new byte[Math.Max(pipeSize, pageSize)];
    }

    /// <summary>Pages written, over all CPUs.</summary>
    public long Pages { get; private set; }

    /// <summary>Events the kernel reported lost (overwritten before they were read), per CPU.</summary>
    public SortedDictionary<int, long> LostEvents { get; } = new();

    /// <summary>Pages that said events were lost without room to say how many.</summary>
    public int LossesOfUnknownCount { get; private set; }

    /// <summary>The CPUs and their files of pages.</summary>
    public IEnumerable<(int Cpu, string Path)> Files
    {
        get
        {
            foreach (Cpu cpu in _cpus)
                yield return (cpu.Number, cpu.TemporaryPath);
        }
    }

    /// <summary>Moves pages until <paramref name="stop"/>, then calls <paramref name="stopBuffer"/> and moves the rest.</summary>
    public void Run(Action stopBuffer, CancellationToken stop)
    {
        using CancellationTokenRegistration wake = stop.Register(Wake);
        while (!stop.IsCancellationRequested)
        {
            Wait();
            foreach (Cpu cpu in _cpus)
                MoveFullPages(cpu);
        }
        stopBuffer();
        foreach (Cpu cpu in _cpus)
        {
            MoveFullPages(cpu);
            MoveLastPages(cpu);
            cpu.Output.Flush();
        }
    }

    public void Dispose()
    {
        foreach (Cpu? cpu in _cpus)
            cpu?.Dispose();
        _wakeRead.Dispose();
        _wakeWrite.Dispose();
    }

    /// <summary>Closes the CPUs' files so they can be read and the instance removed; the files stay.</summary>
    public void Close()
    {
        foreach (Cpu cpu in _cpus)
            cpu.Dispose();
    }

    private unsafe void Wake()
    {
        byte one = 1;
        Interop.Pipes.Write(_wakeWrite, &one, 1);
    }

    private unsafe void Wait()
    {
        var descriptors = new Interop.Pipes.PollFd[_cpus.Length + 1];
        var held = new List<SafeHandle>();
        try
        {
            int count = 0;
            foreach (Cpu cpu in _cpus)
            {
                if (cpu.Raw is null)
                    continue;
                bool added = false;
                cpu.Raw.DangerousAddRef(ref added);
                held.Add(cpu.Raw);
                descriptors[count++] = new Interop.Pipes.PollFd { Fd = (int)cpu.Raw.DangerousGetHandle(), Events = Interop.Pipes.PollIn };
            }
            bool wakeAdded = false;
            _wakeRead.DangerousAddRef(ref wakeAdded);
            held.Add(_wakeRead);
            descriptors[count++] = new Interop.Pipes.PollFd { Fd = (int)_wakeRead.DangerousGetHandle(), Events = Interop.Pipes.PollIn };
            fixed (Interop.Pipes.PollFd* pointer = descriptors)
                Interop.Pipes.Poll(pointer, (nuint)count, PollMilliseconds);
        }
        finally
        {
            foreach (SafeHandle handle in held)
                handle.DangerousRelease();
        }
    }

    // Whole pages only (the kernel's splice of trace_pipe_raw never hands over a page being written).
    private unsafe void MoveFullPages(Cpu cpu)
    {
        if (cpu.Raw is null)
            return;
        while (true)
        {
            nint moved = Interop.Pipes.Splice(cpu.Raw, IntPtr.Zero, cpu.PipeWrite!, IntPtr.Zero, (nuint)_buffer.Length, Interop.Pipes.SpliceMove | Interop.Pipes.SpliceNonBlocking);
            if (moved < 0)
            {
                int error = Marshal.GetLastPInvokeError();
                if (error == Interop.Pipes.EINTR)
                    continue;
                if (error == Interop.Pipes.EAGAIN)
                    return;
                throw new RecordException(RecordProblem.ReadFailed, $"splice from {cpu.RawPath} failed: {Marshal.GetPInvokeErrorMessage(error)}");
            }
            if (moved == 0)
                return;
            int done = 0;
            fixed (byte* buffer = _buffer)
            {
                while (done < moved)
                {
                    nint read = Interop.Pipes.Read(cpu.PipeRead!, buffer + done, (nuint)(moved - done));
                    if (read <= 0)
                    {
                        int error = Marshal.GetLastPInvokeError();
                        if (read < 0 && error == Interop.Pipes.EINTR)
                            continue;
                        throw new RecordException(RecordProblem.ReadFailed, $"reading the pages of CPU {cpu.Number} from their pipe failed: {(read < 0 ? Marshal.GetPInvokeErrorMessage(error) : "end of pipe")}");
                    }
                    done += (int)read;
                }
            }
            Consume(cpu, _buffer.AsSpan(0, done));
        }
    }

    // With the buffer stopped: the page the kernel was writing, read (copied) page by page.
    private unsafe void MoveLastPages(Cpu cpu)
    {
        if (cpu.Raw is null)
            return;
        for (int pages = 0; pages < 1 << 20; pages++)
        {
            nint read;
            fixed (byte* buffer = _buffer)
                read = Interop.Pipes.Read(cpu.Raw, buffer, (nuint)_pageSize);
            if (read < 0)
            {
                int error = Marshal.GetLastPInvokeError();
                if (error == Interop.Pipes.EINTR)
                    continue;
                if (error == Interop.Pipes.EAGAIN)
                    return;
                throw new RecordException(RecordProblem.ReadFailed, $"reading {cpu.RawPath} failed: {Marshal.GetPInvokeErrorMessage(error)}");
            }
            if (read == 0)
                return;
            if (read != _pageSize)
                throw new RecordException(RecordProblem.ReadFailed, $"{cpu.RawPath} gave {read} bytes where a page is {_pageSize}");
            Consume(cpu, _buffer.AsSpan(0, _pageSize));
        }
    }

    private void Consume(Cpu cpu, ReadOnlySpan<byte> pages)
    {
        if (pages.Length % _pageSize != 0)
            throw new RecordException(RecordProblem.ReadFailed, $"{cpu.RawPath} gave {pages.Length} bytes, not a whole number of {_pageSize}-byte pages");
        for (int at = 0; at < pages.Length; at += _pageSize)
        {
            ReadOnlySpan<byte> page = pages.Slice(at, _pageSize);
            ulong commit = _commitSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(page.Slice(_commitOffset)) : BinaryPrimitives.ReadUInt32LittleEndian(page.Slice(_commitOffset));
            if (commit == 0)
                continue;
            if ((commit & MissedEvents) != 0)
            {
                int end = _commitOffset + _commitSize + (int)(commit & CommitMask);
                if ((commit & MissedStored) != 0 && end + _commitSize <= page.Length)
                {
                    long count = _commitSize == 8 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(page.Slice(end)) : BinaryPrimitives.ReadUInt32LittleEndian(page.Slice(end));
                    LostEvents[cpu.Number] = LostEvents.GetValueOrDefault(cpu.Number) + count;
                }
                else
                {
                    LossesOfUnknownCount++;
                }
            }
            cpu.Output.Write(page);
            Pages++;
        }
    }

    /// <summary>One CPU: its trace_pipe_raw, the pipe its pages pass through, and its file.</summary>
    private sealed class Cpu : IDisposable
    {
        public Cpu(int number, string rawPath, string temporaryPath)
        {
            Number = number;
            RawPath = rawPath;
            TemporaryPath = temporaryPath;
            SafeFileHandle raw = Interop.Pipes.Open(rawPath, Interop.Pipes.ReadOnly | Interop.Pipes.NonBlocking | Interop.Pipes.CloseOnExec);
            if (raw.IsInvalid)
            {
                // An offline CPU has no buffer to read; it records nothing.
                raw.Dispose();
            }
            else
            {
                Raw = raw;
                (PipeRead, PipeWrite) = Interop.Pipes.CreatePipe(Interop.Pipes.CloseOnExec);
                int capacity = Interop.Pipes.Control(PipeWrite, Interop.Pipes.SetPipeSize, PipeSize);
                PipeCapacity = capacity > 0 ? capacity : 64 * 1024;
            }
            try
            {
                Output = new FileStream(temporaryPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Dispose();
                throw new RecordException(RecordProblem.OutputFailed, $"cannot write {temporaryPath}: {e.Message}", e);
            }
        }

        public int Number { get; }

        public string RawPath { get; }

        public string TemporaryPath { get; }

        public SafeFileHandle? Raw { get; }

        public SafeFileHandle? PipeRead { get; }

        public SafeFileHandle? PipeWrite { get; }

        public int PipeCapacity { get; }

        public FileStream Output { get; private set; } = null!;

        public void Dispose()
        {
            Raw?.Dispose();
            PipeRead?.Dispose();
            PipeWrite?.Dispose();
            Output?.Dispose();
        }
    }
}
