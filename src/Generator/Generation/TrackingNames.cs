namespace TpGen.Generation;

/// <summary>The names of the generator's incremental steps; tests read them to check caching.</summary>
public static class TrackingNames
{
    /// <summary>Attributed classes read into requests, or null for the classes the analyzer reports.</summary>
    public const string InitialExtraction = nameof(InitialExtraction);

    /// <summary>The requests of the classes that can be generated.</summary>
    public const string Requests = nameof(Requests);

    /// <summary>The distinct events all requests ask for.</summary>
    public const string WantedEvents = nameof(WantedEvents);

    /// <summary>AdditionalFiles recognised as format files (path and source only).</summary>
    public const string FormatFiles = nameof(FormatFiles);

    /// <summary>Format files parsed, for the wanted events only.</summary>
    public const string ParsedFormats = nameof(ParsedFormats);

    /// <summary>The build's notes of events it could not describe.</summary>
    public const string UnavailableEvents = nameof(UnavailableEvents);

    /// <summary>All parsed formats and the names of every available event.</summary>
    public const string Catalog = nameof(Catalog);

    /// <summary>Requests resolved against the catalog into emitter input or diagnostics.</summary>
    public const string ProbeSets = nameof(ProbeSets);

    /// <summary>The emitter's input of each probe set (null when it cannot be generated): no locations, so unchanged when code only moves.</summary>
    public const string Specs = nameof(Specs);

    /// <summary>The emitted C# of each probe set.</summary>
    public const string Sources = nameof(Sources);
}
