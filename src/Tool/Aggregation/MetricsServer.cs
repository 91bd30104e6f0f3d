using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using TpGen.Probes;
using TpGen.Schema;
using TpGen.Tool.Events;

namespace TpGen.Tool.Aggregation;

/// <summary>Where <c>tpgen serve</c> listens: a host (name or address) and a port.</summary>
internal sealed record ListenAddress(string Host, int Port)
{
    /// <summary>Parses <c>127.0.0.1:9464</c>, <c>[::1]:9464</c>, <c>localhost:9464</c>, <c>0.0.0.0:9464</c>.</summary>
    /// <exception cref="UsageException">It is none of those.</exception>
    public static ListenAddress Parse(string text)
    {
        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text.Substring(0, colon) : "";
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host.Substring(1, host.Length - 2);
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535
            || !(IPAddress.TryParse(host, out _) || Uri.CheckHostName(host) == UriHostNameType.Dns))
            throw new UsageException($"--listen takes ADDRESS:PORT, e.g. 127.0.0.1:9464 or [::1]:9464, not '{TraceNames.Printable(text)}'");
        return new ListenAddress(host, port);
    }

    /// <summary>Whether it means every interface.</summary>
    public bool IsAny => Host is "0.0.0.0" or "::";

    /// <summary>The host as it goes in a URL.</summary>
    public string UrlHost => Host.Contains(':') ? "[" + Host + "]" : Host;

    public override string ToString() => UrlHost + ":" + Port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// <c>tpgen serve</c>: the probe set's aggregations on their meter, exported by OpenTelemetry's
/// Prometheus exporter from an HTTP listener of its own; detaches when stopped.
/// </summary>
internal static class MetricsServer
{
    public static int Run(IReadOnlyList<EventSpec> events, string? filter, AggregationRequest request, ListenAddress address, int ringBufferSize,
        TextWriter error, IProgress<string> progress, CancellationToken cancellation)
    {
        using ProbeSet probes = AggregationSession.Attach("tpgen.serve", events, filter, request, ringBufferSize, progress);
        MeterProvider provider;
        try
        {
            provider = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(resource => resource.AddService("tpgen"))
                .AddMeter(probes.Aggregations.Meter!.Name)
                .AddPrometheusHttpListener(options =>
                {
                    options.Host = address.UrlHost;
                    options.Port = address.Port;
                    // Each metric is what its key says, no more: tpgen_events_total{event="skb:kfree_skb",reason="NO_SOCKET"}.
                    options.ScopeInfoEnabled = false;
                    if (address.IsAny)
                    {
                        options.ConfigureHttpListener = static (o, listener) =>
                        {
                            listener.Prefixes.Clear();
                            listener.Prefixes.Add($"http://+:{o.Port.ToString(CultureInfo.InvariantCulture)}/metrics/");
                        };
                    }
                })
                .Build();
        }
        catch (Exception e) when (e is HttpListenerException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The exporter wraps the listener's own error ("Address already in use"): that one names the cause.
            Exception cause = e;
            while (cause.InnerException is not null)
                cause = cause.InnerException;
            // Not every cause is a port in use (a permission, an address this machine lacks): the advice says when it applies.
            error.WriteLine($"tpgen serve: cannot listen on {address}: {cause.Message}. If another program listens there, choose another address or port with --listen.");
            return ExitCodes.Failure;
        }
        using (provider)
        {
            error.WriteLine($"tpgen serve: serving http://{address}/metrics: {string.Join(", ", probes.Aggregations.Select(a => a.Name))} of " +
                $"{string.Join(", ", probes.Definition.Probes.Select(p => p.FullName).Take(8))}{(filter is null ? "" : " where " + filter)}, aggregated in the kernel; Ctrl-C to stop.");
            cancellation.WaitHandle.WaitOne();
            foreach (TpGen.Aggregations.Aggregation aggregation in probes.Aggregations)
            {
                if (aggregation.Read().LossReport() is { } lost)
                    error.WriteLine("tpgen serve: lost: " + lost);
            }
        }
        error.WriteLine("tpgen serve: stopped; detached.");
        return ExitCodes.Success;
    }
}
