using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using TpGen.Decoding;
using TpGen.Probes;
using TpGen.Relocation;
using TpGen.Schema;

namespace TpGen.Files;

/// <summary>
/// A recording (trace.dat, <c>tpgen record</c>'s or trace-cmd's) read through a probe set's
/// generated types: each of the set's events is relocated by name onto the recording's own
/// description of it, as attaching relocates onto the running kernel's, so a file recorded on
/// another kernel reads with this build. Generated probe sets call this from <c>ReadFile</c>.
/// </summary>
public sealed class ProbeSetFile : IDisposable
{
    private readonly TraceDataFile _file;
    private readonly int?[] _byId;

    private ProbeSetFile(TraceDataFile file, ProbeSetDefinition definition, IReadOnlyList<EventLayout> layouts, ProbeSetRelocation relocation, int?[] byId)
    {
        _file = file;
        Definition = definition;
        Layouts = layouts;
        Relocation = relocation;
        _byId = byId;
    }

    /// <summary>The probe set read.</summary>
    public ProbeSetDefinition Definition { get; }

    /// <summary>The recording.</summary>
    public TraceDataFile File => _file;

    /// <summary>The layouts of the recording's records, one per event of the probe set in handler order.</summary>
    public IReadOnlyList<EventLayout> Layouts { get; }

    /// <summary>Per event: whether the recording has it, and what was relocated onto its description.</summary>
    public ProbeSetRelocation Relocation { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and relocates <paramref name="definition"/>'s events onto its
    /// descriptions. An event the recording lacks has no records (its <see cref="Relocation"/>
    /// entry says so); a field that cannot be relocated is an error naming it.
    /// </summary>
    /// <exception cref="TraceFileException">The file cannot be read.</exception>
    /// <exception cref="ProbeException">A field of the build cannot be read from the recording (<see cref="ProbeFailure.LayoutMismatch"/>).</exception>
    public static ProbeSetFile Open(string path, ProbeSetDefinition definition, bool allowLossyConversions = false)
    {
        TraceDataFile file = TraceDataFile.Open(path);
        try
        {
            var layouts = new EventLayout[definition.Probes.Count];
            var events = new List<EventAttachment>(layouts.Length);
            var byId = new List<int?>();
            for (int i = 0; i < layouts.Length; i++)
            {
                ProbeDefinition probe = definition.Probes[i];
                TracepointSchema built = probe.BuiltSchema;
                if (file.FindEvent(probe.System, probe.Name) is not { Schema: { } recorded } fileEvent)
                {
                    layouts[i] = EventLayout.Absent(built);
                    events.Add(new EventAttachment(probe, null, layouts[i], $"{path} has no {probe.FullName} records (it was not recorded)"));
                    continue;
                }
                EventRelocation relocation = Relocator.Relocate(built, recorded);
                IReadOnlyList<string> problems = relocation.Problems(allowLossyConversions);
                if (problems.Count > 0)
                {
                    throw new ProbeException(ProbeFailure.LayoutMismatch, $"{probe.FullName} in {path} cannot be read as built: {string.Join("; ", problems)}.")
                    {
                        Event = probe.FullName,
                        UnreadableFields = relocation.Unreadable(allowLossyConversions),
                    };
                }
                layouts[i] = EventLayout.Relocate(relocation);
                events.Add(new EventAttachment(probe, relocation, layouts[i], null));
                while (byId.Count <= fileEvent.Id)
                    byId.Add(null);
                byId[fileEvent.Id] = i;
            }
            return new ProbeSetFile(file, definition, layouts, new ProbeSetRelocation(definition.Name, events), byId.ToArray());
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Hands every record of the probe set's events to <paramref name="handler"/> in place, in time
    /// order, and the losses the recording holds to <see cref="IRecordHandler.OnLost"/> (a loss whose
    /// size the kernel did not record counts as one). Symbols print as on the recording machine.
    /// </summary>
    /// <exception cref="TraceFileException">The trace data is damaged; records before the damage have been delivered.</exception>
    public void Read(IRecordHandler handler, CancellationToken cancellationToken = default)
    {
        using IDisposable symbols = _file.UseForFormatting();
        _file.Read(
            (in TraceFileRecord record) =>
            {
                if (Header(record) is { } header)
                    handler.OnRecord(record.Data, header);
            },
            loss => handler.OnLost(loss.Count ?? 1),
            cancellationToken);
    }

    /// <summary>Owned records of the probe set's events in time order, with <see cref="LostRecords"/> where the recording lost some.</summary>
    public async IAsyncEnumerable<TraceRecord> ReadAllAsync(RecordDecoder decode, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using IDisposable symbols = _file.UseForFormatting();
        await foreach (TraceRecord record in _file.ReadAllAsync(
            (in TraceFileRecord r) => Header(r) is { } header ? decode(r.Data, header) : null,
            loss => new LostRecords(loss.Count ?? 1),
            cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();

    // A recorded event's header as a ring buffer would give it; null for events not in the probe set.
    private RecordHeader? Header(in TraceFileRecord record)
    {
        int id = record.EventId;
        if ((uint)id >= (uint)_byId.Length || _byId[id] is not { } index)
            return null;
        return new RecordHeader(record.Timestamp, (uint)record.Cpu, (ushort)index, RecordFlags.None, (uint)record.ProcessId, (uint)record.Data.Length);
    }
}
