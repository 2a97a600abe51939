namespace OcciAgent.Config.Settings;

/// <summary>TLS, authentication and request limits: the settings of the HTTP side (README
/// "Listeners and TLS", "Authentication", "Limits"); the listeners themselves are
/// <see cref="AgentOptions.Listen"/>. Property names are the config keys.</summary>
public sealed class HttpSettings
{
    public TlsSettings Tls { get; set; } = new();
    /// <summary>Plain http on an address other hosts can reach is refused unless this is set.</summary>
    public bool AllowInsecureRemote { get; set; }
    /// <summary>Provider scheme prefix for templates (GFD.224 §3.5): provider-owned, never under
    /// http://schemas.ogf.org/occi/ (GFD.221 §5.3.1, §5.5.1).</summary>
    public string SchemeBase { get; set; } = $"http://{SafeHost()}/occi/";
    /// <summary>Largest <c>number</c> accepted for pagination (GFD.223 §6: larger → 413).</summary>
    public int MaxPageSize { get; set; } = 1000;
    /// <summary>Largest request body in bytes (larger → 413); bounds the memory of one request.</summary>
    public int MaxRequestBytes { get; set; } = RequestLimits.DefaultMaxRequestBytes;
    /// <summary>Most user mixins the server keeps (GFD.223 §9.3); more → 409.</summary>
    public int MaxUserMixins { get; set; } = RequestLimits.DefaultMaxUserMixins;
    /// <summary><c>tokens</c> (every request authenticated: a token, or a trusted unix socket
    /// peer) or <c>none</c> (anonymous full access, warned about at every start).</summary>
    public AuthMode Auth { get; set; } = AuthMode.Tokens;
    /// <summary>Group that may connect to the agent's unix sockets (mode 0660; when no such group
    /// exists the sockets stay owner-only). Its members and root are admin there without a token.</summary>
    public string SocketGroup { get; set; } = "occi-agent";
    /// <summary>Host header values accepted besides loopback names and the listen address
    /// (<c>name</c> for any port, or <c>name:port</c>).</summary>
    public List<string> AllowedHosts { get; set; } = [];
    /// <summary>Web origins (<c>https://console.example.org</c>) whose pages may call the API (CORS).</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    internal static readonly SettingKey[] Keys =
    [
        new("tls", SettingShape.Object), new("allowInsecureRemote", SettingShape.Bool),
        new("schemeBase", SettingShape.String), new("maxPageSize", SettingShape.Number), new("maxRequestBytes", SettingShape.Number),
        new("maxUserMixins", SettingShape.Number), new("auth", SettingShape.String), new("socketGroup", SettingShape.String),
        new("allowedHosts", SettingShape.StringList), new("allowedOrigins", SettingShape.StringList),
    ];

    private static string SafeHost()
    {
        var h = Environment.MachineName.ToLowerInvariant();
        return h.Length > 0 && h.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') ? h : "localhost";
    }
}

/// <summary>The <c>tls</c> object: the server certificate for https listeners; both null: a
/// self-signed one in the state dir's tls/, generated at first start.</summary>
public sealed class TlsSettings
{
    /// <summary>PEM certificate (with its chain).</summary>
    public string? Certificate { get; set; }
    /// <summary>PEM private key of <see cref="Certificate"/>.</summary>
    public string? Key { get; set; }

    internal static readonly SettingKey[] Keys = [new("certificate", SettingShape.String), new("key", SettingShape.String)];
}
