using System;
using System.Runtime.InteropServices;
using System.Text;

namespace TpGen.Tests.Support;

/// <summary>
/// libtraceevent (the reader of format files that trace-cmd and perf use), loaded at run time
/// for the differential tests only: TpGen itself never links it. One handle holds parsed events
/// and prints records with <c>tep_print_event(tep, s, record, "%s", TEP_PRINT_INFO)</c>, which
/// is the event text after the <c>name: </c> prefix, as the kernel's trace file shows it.
/// </summary>
internal sealed unsafe class LibTraceEvent : IDisposable
{
    public const string LibraryName = "libtraceevent.so.1";

    // struct tep_record and struct trace_seq (event-parse.h, trace-seq.h) on LP64.
    private const int RecordSize = 128;
    private const int RecordSizeOffset = 24;
    private const int RecordDataSizeOffset = 28;
    private const int RecordDataOffset = 32;
    private const int RecordCpuOffset = 40;
    private const int SeqSize = 64;
    private const int SeqLengthOffset = 12;

    private static readonly Lazy<Api?> s_api = new(Api.TryLoad);

    private readonly Api _api;
    private nint _tep;
    private readonly nint _record;
    private readonly nint _seq;
    private readonly nint _format = Utf8("%s");
    private readonly nint _info = Utf8("INFO");

    private LibTraceEvent(Api api)
    {
        _api = api;
        _tep = api.Alloc();
        if (_tep == 0)
            throw new InvalidOperationException("tep_alloc failed");
        api.SetLongSize(_tep, 8);
        api.SetPageSize(_tep, Environment.SystemPageSize);
        api.SetFileBigEndian(_tep, BitConverter.IsLittleEndian ? 0 : 1);
        api.SetLocalBigEndian(_tep, BitConverter.IsLittleEndian ? 0 : 1);
        _record = (nint)NativeMemory.AllocZeroed(RecordSize);
        _seq = (nint)NativeMemory.AllocZeroed(SeqSize);
        api.SeqInit(_seq);
    }

    /// <summary>Whether the library can be loaded on this machine.</summary>
    public static bool IsAvailable => s_api.Value is not null;

    /// <summary>A new, empty handle; null when the library is not installed.</summary>
    public static LibTraceEvent? TryCreate() => s_api.Value is { } api ? new LibTraceEvent(api) : null;

    /// <summary>Parses one event's format file (tracefs text) under <paramref name="system"/>; 0 on success, else libtraceevent's error number.</summary>
    public int ParseEvent(string format, string system)
    {
        byte[] text = Encoding.UTF8.GetBytes(format);
        byte[] sys = Encoding.UTF8.GetBytes(system + "\0");
        fixed (byte* t = text)
        fixed (byte* s = sys)
            return _api.ParseEvent(_tep, t, (nuint)text.Length, s);
    }

    /// <summary>Loads <c>/proc/kallsyms</c> text, so that <c>%pS</c> resolves symbols.</summary>
    public int ParseKallsyms(string text) => WithText(text, (tep, p) => _api.ParseKallsyms(tep, p));

    /// <summary>Loads tracefs' <c>printk_formats</c>, so that <c>%s</c> of a kernel string pointer prints the string.</summary>
    public int ParsePrintkFormats(string text) => WithText(text, (tep, p) => _api.ParsePrintkFormats(tep, p));

    /// <summary>The event text (TEP_PRINT_INFO) of <paramref name="record"/>, as the raw bytes libtraceevent wrote.</summary>
    public byte[] Print(ReadOnlySpan<byte> record, int cpu = 0)
    {
        _api.SeqReset(_seq);
        // libtraceevent may read a little past a short field; give it a padded private copy.
        byte* data = (byte*)NativeMemory.AllocZeroed((nuint)record.Length + 64);
        try
        {
            record.CopyTo(new Span<byte>(data, record.Length));
            *(int*)(_record + RecordSizeOffset) = record.Length;
            *(int*)(_record + RecordDataSizeOffset) = record.Length;
            *(nint*)(_record + RecordDataOffset) = (nint)data;
            *(int*)(_record + RecordCpuOffset) = cpu;
            _api.PrintEvent(_tep, _seq, _record, _format, _info);
            uint length = *(uint*)(_seq + SeqLengthOffset);
            byte* buffer = *(byte**)_seq;
            return new ReadOnlySpan<byte>(buffer, (int)length).ToArray();
        }
        finally
        {
            NativeMemory.Free(data);
        }
    }

    public void Dispose()
    {
        if (_tep == 0)
            return;
        _api.SeqDestroy(_seq);
        _api.Free(_tep);
        _tep = 0;
        NativeMemory.Free((void*)_record);
        NativeMemory.Free((void*)_seq);
        Marshal.FreeHGlobal(_format);
        Marshal.FreeHGlobal(_info);
    }

    private int WithText(string text, Func<nint, nint, int> call)
    {
        nint p = Utf8(text);
        try
        {
            return call(_tep, p);
        }
        finally
        {
            Marshal.FreeHGlobal(p);
        }
    }

    private static nint Utf8(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text + "\0");
        nint p = Marshal.AllocHGlobal(bytes.Length);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        return p;
    }

    /// <summary>The functions used, resolved once from the shared library.</summary>
    private sealed class Api
    {
        public delegate* unmanaged<nint> Alloc;
        public delegate* unmanaged<nint, void> Free;
        public delegate* unmanaged<nint, int, void> SetLongSize;
        public delegate* unmanaged<nint, int, void> SetPageSize;
        public delegate* unmanaged<nint, int, void> SetFileBigEndian;
        public delegate* unmanaged<nint, int, void> SetLocalBigEndian;
        public delegate* unmanaged<nint, byte*, nuint, byte*, int> ParseEvent;
        public delegate* unmanaged<nint, nint, int> ParseKallsyms;
        public delegate* unmanaged<nint, nint, int> ParsePrintkFormats;
        public delegate* unmanaged<nint, void> SeqInit;
        public delegate* unmanaged<nint, void> SeqReset;
        public delegate* unmanaged<nint, void> SeqDestroy;

        // tep_print_event is variadic; on x86-64 System V, passing the two char* as ordinary
        // integer arguments is the same call (the callee only uses %al to decide whether to
        // spill vector registers, which is harmless either way).
        public delegate* unmanaged<nint, nint, nint, nint, nint, void> PrintEvent;

        public static Api? TryLoad()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.ProcessArchitecture != Architecture.X64)
                return null;
            if (!NativeLibrary.TryLoad(LibraryName, out nint library))
                return null;
            nint Get(string name) => NativeLibrary.GetExport(library, name);
            return new Api
            {
                Alloc = (delegate* unmanaged<nint>)Get("tep_alloc"),
                Free = (delegate* unmanaged<nint, void>)Get("tep_free"),
                SetLongSize = (delegate* unmanaged<nint, int, void>)Get("tep_set_long_size"),
                SetPageSize = (delegate* unmanaged<nint, int, void>)Get("tep_set_page_size"),
                SetFileBigEndian = (delegate* unmanaged<nint, int, void>)Get("tep_set_file_bigendian"),
                SetLocalBigEndian = (delegate* unmanaged<nint, int, void>)Get("tep_set_local_bigendian"),
                ParseEvent = (delegate* unmanaged<nint, byte*, nuint, byte*, int>)Get("tep_parse_event"),
                ParseKallsyms = (delegate* unmanaged<nint, nint, int>)Get("tep_parse_kallsyms"),
                ParsePrintkFormats = (delegate* unmanaged<nint, nint, int>)Get("tep_parse_printk_formats"),
                SeqInit = (delegate* unmanaged<nint, void>)Get("trace_seq_init"),
                SeqReset = (delegate* unmanaged<nint, void>)Get("trace_seq_reset"),
                SeqDestroy = (delegate* unmanaged<nint, void>)Get("trace_seq_destroy"),
                PrintEvent = (delegate* unmanaged<nint, nint, nint, nint, nint, void>)Get("tep_print_event"),
            };
        }
    }
}
