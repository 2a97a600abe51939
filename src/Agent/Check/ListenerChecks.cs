using OcciAgent.Config;
using OcciAgent.Tls;

namespace OcciAgent.Check;

/// <summary>The listeners and, with an https one, the certificate clients will see and its
/// fingerprint to pin. Read-only: a missing self-signed pair is reported, not made.</summary>
internal static class ListenerChecks
{
    public static IReadOnlyList<Finding> Run(AgentOptions o)
    {
        var urls = o.Listen.Select(ListenUrl.Parse).ToList();
        var found = new List<Finding>
        {
            Finding.Ok("listen", string.Join(", ", urls.Select(u => u.Url + (u.IsLocal ? " (this host only)" : u.Https ? " (network, TLS)" : " (network, plain http)")))),
        };
        if (!urls.Any(u => u.Https)) return found;
        var (cert, key) = o.TlsCertificate is not null
            ? (o.TlsCertificate, o.TlsKey!)
            : (Path.Combine(o.TlsDir, SelfSignedCertificate.CertFile), Path.Combine(o.TlsDir, SelfSignedCertificate.KeyFile));
        if (o.TlsCertificate is null && !File.Exists(cert) && !File.Exists(key))
        {
            found.Add(Finding.Ok("tls", $"no certificate configured; the agent makes a self-signed one at first start ({Path.GetFullPath(cert)})"));
            return found;
        }
        try
        {
            using var c = ServerCertificate.Load(cert, key);
            var left = c.Leaf.NotAfter.ToUniversalTime() - DateTime.UtcNow;
            var detail = $"{c.CertificatePath}: SHA-256 fingerprint {c.Fingerprint}, public key pin {c.Pin}, valid until {c.Leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}";
            found.Add(left < TimeSpan.Zero ? Finding.Fail("tls", detail + " (expired)")
                : left < TimeSpan.FromDays(14) ? Finding.Warn("tls", detail + " (expires soon)")
                : Finding.Ok("tls", detail));
        }
        catch (TlsCertificateException e)
        {
            found.Add(Finding.Fail("tls", e.Message));
        }
        return found;
    }
}
