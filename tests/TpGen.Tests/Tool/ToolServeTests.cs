using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Tasks;
using TpGen.Tests.Support;
using Xunit;

namespace TpGen.Tests.Tool;

/// <summary>
/// <c>tpgen serve</c> scraped by a real Prometheus (Debian's package) on loopback: what Prometheus
/// stored is what the kernel counted, by the kernel's own NoPorts counter.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ToolServeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Prometheus_ScrapingTpgenServe_StoresTheNoSocketCountTheKernelsNoPortsCounterMoved()
    {
        KernelFacility.RequireBpf();
        string prometheus = KernelFacility.RequireProgram("prometheus", "prometheus");
        const int Sent = 20_000;
        int servePort = FreeTcpPort(), prometheusPort = FreeTcpPort();
        string directory = Directory.CreateTempSubdirectory("tpgen-prometheus-").FullName;
        try
        {
            // One job, scraping every second, as docs/aggregation.md configures it.
            string config = Path.Combine(directory, "prometheus.yml");
            File.WriteAllText(config, $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: tpgen
                    static_configs:
                      - targets: ['127.0.0.1:{servePort}']
                """);
            using RunningProgram serve = ToolRunner.StartServe("--listen", $"127.0.0.1:{servePort}", "skb:kfree_skb", "--count-by", "reason");
            await serve.StartedAsync();
            using PrometheusServer server = PrometheusServer.Start(prometheus, config, directory, prometheusPort);

            long before = UdpWorkload.NoPorts();
            UdpWorkload.Flood(Sent, UdpWorkload.ClosedPort());
            long delta = UdpWorkload.NoPorts() - before;

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string query = $"http://127.0.0.1:{prometheusPort}/api/v1/query?query=" +
                Uri.EscapeDataString("tpgen_events_total{job=\"tpgen\",event=\"skb:kfree_skb\",reason=\"NO_SOCKET\"}");
            long stored = -1;
            string answer = "";
            var clock = Stopwatch.StartNew();
            while (stored != delta && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(500, TestContext.Current.CancellationToken);
                try
                {
                    answer = await http.GetStringAsync(query, TestContext.Current.CancellationToken);
                }
                catch (HttpRequestException)
                {
                    continue; // Prometheus is not listening yet.
                }
                stored = StoredValue(answer);
            }
            serve.Signal("INT");
            ProgramResult result = serve.Finish(TimeSpan.FromSeconds(30));

            output.WriteLine($"NoPorts delta {delta}; Prometheus answered after {clock.Elapsed.TotalSeconds:0.0} s: {answer}\n{result.Error}");
            Assert.True(delta >= Sent, $"NoPorts moved by {delta} for {Sent} datagrams");
            Assert.Equal(delta, stored);
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("tpgen serve: stopped; detached.", result.Error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // The value of the one series in a /api/v1/query answer, or -1 while there is none.
    private static long StoredValue(string answer)
    {
        using JsonDocument document = JsonDocument.Parse(answer);
        JsonElement results = document.RootElement.GetProperty("data").GetProperty("result");
        if (results.GetArrayLength() != 1)
            return -1;
        string value = results[0].GetProperty("value")[1].GetString()!;
        return long.Parse(value, CultureInfo.InvariantCulture);
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Debian's prometheus on a loopback port, storing in a directory of the test's; killed when disposed.</summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;

    private PrometheusServer(Process process) => _process = process;

    public static PrometheusServer Start(string prometheus, string config, string directory, int port)
    {
        var start = new ProcessStartInfo(prometheus) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--config.file=" + config);
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        start.ArgumentList.Add("--storage.tsdb.path=" + Path.Combine(directory, "data"));
        var process = Process.Start(start)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PrometheusServer(process);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
