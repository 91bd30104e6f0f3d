using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace TpGen.Tool.Recording;

/// <summary>
/// Moves a tracefs instance's ring-buffer pages into one file per CPU, as trace-cmd does: splice
/// full pages from each CPU's <c>trace_pipe_raw</c> into a pipe and from the pipe into the CPU's
/// file, so no page is copied through user space. One thread serves every CPU: it sleeps in poll()
/// until a CPU's buffer is <c>buffer_percent</c> full (or a short timeout passes), so the traced
/// workload pays no wakeup per event. At the end, with the buffer stopped, the pages the kernel
/// was still filling are read too. Lost events stay marked in the pages' commit words; the
/// recording's summary reads them back from the finished file.
/// </summary>
internal sealed class PageRecorder : IDisposable
{
    /// <summary>The longest poll() waits; a CPU's pages are moved at least this often.</summary>
    public const int PollMilliseconds = 100;

    private const int PipeSize = 1 << 20;

    private readonly Cpu[] _cpus;
    private readonly int _pageSize;
    private readonly byte[] _page;
    private readonly Interop.Pipes.PollFd[] _poll;
    private readonly SafeFileHandle _wakeRead;
    private readonly SafeFileHandle _wakeWrite;

    public PageRecorder(TraceInstance instance, IReadOnlyList<int> cpus, int pageSize, string temporaryPrefix)
    {
        _pageSize = pageSize;
        _page = new byte[pageSize];
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
        // poll() watches every CPU that has a buffer, and the pipe that Run's cancellation writes to.
        var watched = new List<Interop.Pipes.PollFd>();
        foreach (Cpu cpu in _cpus)
        {
            if (cpu.Raw is not null)
                watched.Add(new Interop.Pipes.PollFd { Fd = (int)cpu.Raw.DangerousGetHandle(), Events = Interop.Pipes.PollIn });
        }
        watched.Add(new Interop.Pipes.PollFd { Fd = (int)_wakeRead.DangerousGetHandle(), Events = Interop.Pipes.PollIn });
        _poll = watched.ToArray();
    }

    /// <summary>Pages written, over all CPUs.</summary>
    public long Pages
    {
        get
        {
            long bytes = 0;
            foreach (Cpu cpu in _cpus)
                bytes += cpu.Written;
            return bytes / _pageSize;
        }
    }

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

    // The handles polled stay open until Dispose, which follows Run.
    private unsafe void Wait()
    {
        fixed (Interop.Pipes.PollFd* pointer = _poll)
            Interop.Pipes.Poll(pointer, (nuint)_poll.Length, PollMilliseconds);
    }

    // Whole pages only (the kernel's splice of trace_pipe_raw never hands over a page being written).
    private void MoveFullPages(Cpu cpu)
    {
        if (cpu.Raw is null)
            return;
        while (true)
        {
            nint moved = Interop.Pipes.Splice(cpu.Raw, IntPtr.Zero, cpu.PipeWrite!, IntPtr.Zero, (nuint)cpu.PipeCapacity, Interop.Pipes.SpliceMove | Interop.Pipes.SpliceNonBlocking);
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
            if (moved % _pageSize != 0)
                throw new RecordException(RecordProblem.ReadFailed, $"{cpu.RawPath} gave {moved} bytes, not a whole number of {_pageSize}-byte pages");
            Drain(cpu, moved);
        }
    }

    // From the pipe into the CPU's file, at the file's end.
    private static unsafe void Drain(Cpu cpu, nint length)
    {
        while (length > 0)
        {
            long offset = cpu.Written;
            nint moved = Interop.Pipes.Splice(cpu.PipeRead!, IntPtr.Zero, cpu.File, (IntPtr)(&offset), (nuint)length, Interop.Pipes.SpliceMove);
            if (moved <= 0)
            {
                int error = Marshal.GetLastPInvokeError();
                if (moved < 0 && error == Interop.Pipes.EINTR)
                    continue;
                throw new RecordException(RecordProblem.OutputFailed, $"writing CPU {cpu.Number}'s pages to {cpu.TemporaryPath} failed: {(moved < 0 ? Marshal.GetPInvokeErrorMessage(error) : "nothing written")}");
            }
            cpu.Written += moved;
            length -= moved;
        }
    }

    // With the buffer stopped: the pages the kernel was still writing, read (copied) one by one.
    private unsafe void MoveLastPages(Cpu cpu)
    {
        if (cpu.Raw is null)
            return;
        for (int pages = 0; pages < 1 << 20; pages++)
        {
            nint read;
            fixed (byte* page = _page)
                read = Interop.Pipes.Read(cpu.Raw, page, (nuint)_pageSize);
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
            try
            {
                RandomAccess.Write(cpu.File, _page, cpu.Written);
            }
            catch (IOException e)
            {
                throw new RecordException(RecordProblem.OutputFailed, $"writing CPU {cpu.Number}'s pages to {cpu.TemporaryPath} failed: {e.Message}", e);
            }
            cpu.Written += _pageSize;
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
                File = System.IO.File.OpenHandle(temporaryPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
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

        public SafeFileHandle File { get; } = null!;

        /// <summary>Bytes in the file so far.</summary>
        public long Written { get; set; }

        public void Dispose()
        {
            Raw?.Dispose();
            PipeRead?.Dispose();
            PipeWrite?.Dispose();
            File?.Dispose();
        }
    }
}
