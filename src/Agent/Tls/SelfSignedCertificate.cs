using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OcciAgent.Config;

namespace OcciAgent.Tls;

/// <summary>The certificate an https listener uses when the config names none: ECDSA P-256,
/// self-signed, made once into the state dir (key 0600) and kept, so its fingerprint stays
/// what clients pinned. Valid for this host's names and addresses at the time it was made;
/// delete both files to make a new one.</summary>
public static class SelfSignedCertificate
{
    public const string CertFile = "server.crt";
    public const string KeyFile = "server.key";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(3650);

    /// <summary>Makes the pair unless both files exist; true when it made them.</summary>
    public static bool EnsureExists(string dir, IEnumerable<ListenUrl> listeners)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("occi-agent runs on Linux");
        var cert = Path.Combine(dir, CertFile);
        var key = Path.Combine(dir, KeyFile);
        if (File.Exists(cert) && File.Exists(key)) return false;
        if (File.Exists(cert) || File.Exists(key))
            throw new TlsCertificateException($"{dir} holds only one of {CertFile} and {KeyFile}: remove it to have a new pair made");
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var made = Create(ecdsa, listeners);
        // The key first: a certificate without its key would be an unusable pair after a crash.
        WritePrivate(key, ecdsa.ExportPkcs8PrivateKeyPem());
        WritePrivate(cert, made.ExportCertificatePem());
        return true;
    }

    private static X509Certificate2 Create(ECDsa key, IEnumerable<ListenUrl> listeners)
    {
        var host = Dns.GetHostName();
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Sanitise(host)}, O=occi-agent"), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in new[] { host, "localhost" }.Distinct(StringComparer.OrdinalIgnoreCase)) san.AddDnsName(name);
        foreach (var ip in Addresses(listeners)) san.AddIpAddress(ip);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.Add(Lifetime));
    }

    /// <summary>Loopback, the listen addresses, and every unicast address of the host's interfaces
    /// (IPv6 link-local ones need a zone, which a certificate cannot name).</summary>
    private static IEnumerable<IPAddress> Addresses(IEnumerable<ListenUrl> listeners)
    {
        var all = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        all.AddRange(listeners.Where(l => l.Address is not null && !l.AnyAddress).Select(l => l.Address!));
        try
        {
            all.AddRange(NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
                .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal));
        }
        catch (NetworkInformationException) { }
        // A fresh address drops any zone (scope id).
        return all.Select(a => new IPAddress((a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).GetAddressBytes())).Distinct();
    }

    private static string Sanitise(string host) =>
        host.Length > 0 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') ? host : "localhost";

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void WritePrivate(string path, string pem)
    {
        var tmp = path + ".tmp";
        using (var f = new FileStream(tmp, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var w = new StreamWriter(f))
        {
            w.Write(pem);
            w.Write('\n');
            w.Flush();
            f.Flush(flushToDisk: true);
        }
        File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
    }
}
