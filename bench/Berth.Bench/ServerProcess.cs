using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Berth.Bench;

/// <summary>A real <c>berth server</c> started by the benchmark and stopped by its PID.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string dataDir, int port)
    {
        _process = process;
        DataDir = dataDir;
        Port = port;
    }

    public string DataDir { get; }
    public int Port { get; }
    public string Url => $"https://127.0.0.1:{Port}";
    public TimeSpan ReadyAfter { get; private set; }

    public static string Binary => typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "BerthBinary").Value!;

    public static async Task<ServerProcess> StartAsync(string work)
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        var dataDir = Path.Combine(work, "server");
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "server", "--data-dir", dataDir, "--secure-port", port.ToString(CultureInfo.InvariantCulture), "--bind-address", "127.0.0.1" })
        {
            psi.ArgumentList.Add(a);
        }
        var clock = Stopwatch.StartNew();
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var server = new ServerProcess(p, dataDir, port);
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                using var probeClient = server.CreateClient(false);
                var r = await probeClient.GetAsync(server.Url + "/readyz");
                if (r.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or HttpRequestException or CryptographicException or UnauthorizedAccessException)
            {
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("server did not become ready");
            }
            await Task.Delay(10);
        }
        server.ReadyAfter = clock.Elapsed;
        return server;
    }

    /// <summary>An HTTPS client authenticated with the admin certificate.</summary>
    public HttpClient CreateClient(bool http2)
    {
        var pki = Path.Combine(DataDir, "pki");
        var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(pki, "ca.crt"));
        var cert = X509Certificate2.CreateFromPemFile(Path.Combine(pki, "admin.crt"), Path.Combine(pki, "admin.key"));
        cert = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [cert],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && IssuedBy(c, ca),
            },
        };
        return new HttpClient(handler)
        {
            Timeout = TimeSpan.FromMinutes(5),
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    private static bool IssuedBy(X509Certificate2 cert, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }

    /// <summary>The current resourceVersion (from a cheap list).</summary>
    public string Revision
    {
        get
        {
            using var c = CreateClient(false);
            var json = c.GetStringAsync(Url + "/api/v1/namespaces?limit=1").GetAwaiter().GetResult();
            return JsonNode.Parse(json)!["metadata"]!["resourceVersion"]!.GetValue<string>();
        }
    }

    public double RssMb()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return status is null ? 0 : double.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }
}
