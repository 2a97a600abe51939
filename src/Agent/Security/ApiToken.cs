using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OcciAgent.Security;

/// <summary>The token format <c>occi_ID_SECRET</c>: ID (16 hex digits) names the stored record,
/// so checking a token costs one hash, not one per stored token; SECRET is 32 random bytes
/// (base64url). Only a salted hash of SECRET is stored.</summary>
public static class ApiToken
{
    private const string Prefix = "occi_";
    private const int IdChars = 16;
    private const int SecretBytes = 32;

    /// <summary>A new token and what to store for it.</summary>
    public static (string Token, string Id, byte[] Salt, byte[] Hash) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdChars / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var salt = RandomNumberGenerator.GetBytes(16);
        return ($"{Prefix}{id}_{secret}", id, salt, Hash(salt, secret));
    }

    /// <summary>Splits a presented token into its record id and secret; false when it does not
    /// have the token shape at all.</summary>
    public static bool TryParse(string token, out string id, out string secret)
    {
        id = secret = "";
        if (token.Length != Prefix.Length + IdChars + 1 + 43 || !token.StartsWith(Prefix, StringComparison.Ordinal)
            || token[Prefix.Length + IdChars] != '_')
            return false;
        id = token.Substring(Prefix.Length, IdChars);
        secret = token[(Prefix.Length + IdChars + 1)..];
        return true;
    }

    /// <summary>HMAC-SHA256 keyed by a per-token salt. A fast hash is enough here: the secret is
    /// 256 random bits, so guessing it from a leaked hash is infeasible whatever the hash costs.
    /// Slow KDFs (PBKDF2, scrypt, Argon2) exist for low-entropy passwords, and would cost
    /// milliseconds on every request.</summary>
    public static byte[] Hash(byte[] salt, string secret) => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret));

    /// <summary>Constant-time comparison, so response timing does not leak how much of a hash matched.</summary>
    public static bool Matches(byte[] salt, byte[] storedHash, string secret) =>
        CryptographicOperations.FixedTimeEquals(Hash(salt, secret), storedHash);
}
