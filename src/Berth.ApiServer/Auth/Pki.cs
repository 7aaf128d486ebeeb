using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.ApiServer.Auth;

/// <summary>
/// The cluster's certificates, created on first start under <c>{dataDir}/pki</c>: a CA, the API server's
/// serving certificate and the admin client certificate (CN berth-admin, O system:masters). ECDSA P-256
/// keys: generation takes milliseconds, so the first start stays fast.
/// </summary>
public sealed class Pki
{
    private Pki(string dir, X509Certificate2 ca, X509Certificate2 serving, string adminCertPem, string adminKeyPem, string caPem)
    {
        Directory = dir;
        Ca = ca;
        Serving = serving;
        AdminCertificatePem = adminCertPem;
        AdminKeyPem = adminKeyPem;
        CaPem = caPem;
    }

    public string Directory { get; }
    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Ca { get; }
    /// <summary>The serving certificate with its private key.</summary>
    public X509Certificate2 Serving { get; }
    public string CaPem { get; }
    public string AdminCertificatePem { get; }
    public string AdminKeyPem { get; }

    /// <summary>Loads the PKI from <paramref name="dataDir"/>, creating what is missing.</summary>
    /// <param name="extraSans">More DNS names or IP addresses for the serving certificate.</param>
    public static Pki LoadOrCreate(string dataDir, IEnumerable<string> extraSans)
    {
        var dir = Path.Combine(dataDir, "pki");
        System.IO.Directory.CreateDirectory(dir);
        var caCrt = Path.Combine(dir, "ca.crt");
        var caKey = Path.Combine(dir, "ca.key");
        if (!File.Exists(caCrt) || !File.Exists(caKey))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest("CN=berth-ca", key, HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
            var now = DateTimeOffset.UtcNow.AddMinutes(-5);
            using var ca = req.CreateSelfSigned(now, now.AddYears(10));
            WriteSecret(caKey, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(caCrt, ca.ExportCertificatePem());
        }
        using var caWithKey = X509Certificate2.CreateFromPemFile(caCrt, caKey);
        var caPublic = X509CertificateLoader.LoadCertificate(caWithKey.RawData);

        var sans = new SortedSet<string>(StringComparer.Ordinal)
        {
            "localhost", "127.0.0.1", "::1", Dns.GetHostName(),
            "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
        };
        foreach (var s in extraSans)
        {
            if (!string.IsNullOrWhiteSpace(s))
            {
                sans.Add(s.Trim());
            }
        }
        var serverCrt = Path.Combine(dir, "server.crt");
        var serverKey = Path.Combine(dir, "server.key");
        var sansFile = Path.Combine(dir, "server.sans");
        var sansText = string.Join("\n", sans);
        if (!File.Exists(serverCrt) || !File.Exists(serverKey) || !File.Exists(sansFile) || File.ReadAllText(sansFile) != sansText)
        {
            Issue(caWithKey, "CN=berth-apiserver", sans, serverAuth: true, serverCrt, serverKey);
            File.WriteAllText(sansFile, sansText);
        }
        var adminCrt = Path.Combine(dir, "admin.crt");
        var adminKey = Path.Combine(dir, "admin.key");
        if (!File.Exists(adminCrt) || !File.Exists(adminKey))
        {
            Issue(caWithKey, "CN=berth-admin, O=system:masters", [], serverAuth: false, adminCrt, adminKey);
        }
        var serving = LoadWithKey(serverCrt, serverKey);
        return new Pki(dir, caPublic, serving, File.ReadAllText(adminCrt), File.ReadAllText(adminKey), File.ReadAllText(caCrt));
    }

    /// <summary>Issues a certificate signed by the CA and writes it as PEM files.</summary>
    public static void Issue(X509Certificate2 caWithKey, string subject, IEnumerable<string> sans, bool serverAuth, string crtPath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var eku = new OidCollection { new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2") };
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(eku, false));
        var san = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var s in sans)
        {
            any = true;
            if (IPAddress.TryParse(s, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(s);
            }
        }
        if (any)
        {
            req.CertificateExtensions.Add(san.Build());
        }
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var cert = req.Create(caWithKey, now, now.AddYears(5), serial);
        WriteSecret(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(crtPath, cert.ExportCertificatePem());
    }

    private static X509Certificate2 LoadWithKey(string crt, string key)
    {
        using var pem = X509Certificate2.CreateFromPemFile(crt, key);
        // Ephemeral PEM keys work with SslStream on Linux; re-export keeps one instance with its key.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static void WriteSecret(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Whether <paramref name="cert"/> chains to this cluster's CA and is valid now.</summary>
    public bool IsIssuedByCa(X509Certificate2 cert)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        return chain.Build(cert);
    }

    /// <summary>The admin kubeconfig for a server at <paramref name="server"/>.</summary>
    public string AdminKubeconfig(string server, string clusterName = "berth") =>
        $"""
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            certificate-authority-data: {B64(CaPem)}
            server: {server}
          name: {clusterName}
        contexts:
        - context:
            cluster: {clusterName}
            user: {clusterName}-admin
          name: {clusterName}
        current-context: {clusterName}
        preferences: {"{}"}
        users:
        - name: {clusterName}-admin
          user:
            client-certificate-data: {B64(AdminCertificatePem)}
            client-key-data: {B64(AdminKeyPem)}

        """;

    private static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s));
}
