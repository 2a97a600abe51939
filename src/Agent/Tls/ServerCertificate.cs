using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OcciAgent.Tls;

/// <summary>The certificate https listeners present, loaded from PEM files once, with what a
/// client needs to pin it: the SHA-256 fingerprint of the certificate (as <c>openssl x509
/// -fingerprint -sha256</c> prints it) and curl's <c>--pinnedpubkey sha256//…</c> of its public key.</summary>
public sealed class ServerCertificate : IDisposable
{
    private ServerCertificate(X509Certificate2 leaf, X509Certificate2Collection chain, string certPath)
    {
        Leaf = leaf;
        Chain = chain;
        CertificatePath = certPath;
        // offline: the chain comes from the file; no fetching of intermediates while serving.
        Context = SslStreamCertificateContext.Create(leaf, chain, offline: true);
        Fingerprint = Convert.ToHexString(SHA256.HashData(leaf.RawData)).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b);
        Pin = "sha256//" + Convert.ToBase64String(SHA256.HashData(leaf.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    public X509Certificate2 Leaf { get; }
    private X509Certificate2Collection Chain { get; }
    public string CertificatePath { get; }
    public SslStreamCertificateContext Context { get; }
    /// <summary>SHA-256 of the certificate, colon-separated upper-case hex.</summary>
    public string Fingerprint { get; }
    /// <summary>SHA-256 of the SubjectPublicKeyInfo, for curl --pinnedpubkey.</summary>
    public string Pin { get; }

    /// <summary>Loads a certificate (first PEM block; the others are its chain) and its private key.</summary>
    /// <exception cref="TlsCertificateException">A file is missing, unreadable, or does not match.</exception>
    public static ServerCertificate Load(string certPath, string keyPath)
    {
        try
        {
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certPath);
            if (all.Count == 0) throw new TlsCertificateException($"{certPath} holds no PEM certificate");
            var leaf = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (!leaf.HasPrivateKey) throw new TlsCertificateException($"{keyPath} holds no private key for {certPath}");
            var chain = new X509Certificate2Collection();
            for (var i = 1; i < all.Count; i++) chain.Add(all[i]);
            all[0].Dispose();
            return new ServerCertificate(leaf, chain, Path.GetFullPath(certPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new TlsCertificateException($"cannot load the TLS certificate {certPath} with key {keyPath}: {e.Message}");
        }
    }

    public void Dispose()
    {
        Leaf.Dispose();
        foreach (var c in Chain) c.Dispose();
    }
}

/// <summary>The configured or generated certificate cannot be used.</summary>
public sealed class TlsCertificateException(string message) : Exception(message);
