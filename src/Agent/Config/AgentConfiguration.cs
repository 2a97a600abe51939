using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OcciAgent.Config.Settings;
using OcciAgent.Occi.Catalog;

namespace OcciAgent.Config;

/// <summary>The settings a command line asked for: the JSON config file, then the environment
/// (OCCI_AGENT_*), then flags, each over the one before, over the defaults of the settings types;
/// bound by the configuration binder's source generator (no reflection under native AOT) and
/// checked by <see cref="OptionsValidation"/> before anything runs.</summary>
public static class AgentConfiguration
{
    /// <summary>The environment variables that set a key (README "Settings"); lists are comma-separated.</summary>
    private static readonly (string Variable, string Key)[] Environment =
    [
        ("OCCI_AGENT_STATE_DIR", "stateDir"), ("OCCI_AGENT_ACCELERATOR", "accelerator"), ("OCCI_AGENT_UPLINK", "uplink"),
        ("OCCI_AGENT_VM_LAUNCHER", "vmLauncher"), ("OCCI_AGENT_SYSTEMD_BUS", "systemdBus"),
    ];

    /// <summary>Keys whose empty variable means "not set" rather than an empty value.</summary>
    private static readonly HashSet<string> EmptyIsUnset = ["uplink"];

    /// <param name="flags">Keys set on the command line (only <c>stateDir</c> today).</param>
    /// <param name="listenFlags">Every <c>--listen</c>, in order; empty: not given.</param>
    public static AgentOptions Load(string? configPath, IReadOnlyDictionary<string, string> flags, IReadOnlyList<string> listenFlags,
        Func<string, string?> env)
    {
        var builder = new ConfigurationBuilder();
        JsonElement? file = null;
        if (configPath is not null)
        {
            var bytes = Read(configPath);
            file = CheckShape(configPath, bytes);
            builder.AddJsonStream(new MemoryStream(bytes));
        }
        var fromEnv = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in Environment)
            if (env(variable) is { } v && !(v.Length == 0 && EmptyIsUnset.Contains(key))) fromEnv[key] = v;
        builder.AddInMemoryCollection(fromEnv);
        builder.AddInMemoryCollection(flags.Select(f => KeyValuePair.Create(f.Key, (string?)f.Value)));
        var config = builder.Build();

        var o = new AgentOptions { ConfigPath = configPath };
        CheckEnum<AcceleratorMode>(config, "accelerator");
        CheckEnum<LauncherMode>(config, "vmLauncher");
        CheckEnum<AuthMode>(config, "auth");
        try
        {
            config.Bind(o.Http);
            config.Bind(o.Storage);
            config.Bind(o.Vms);
            config.Bind(o.Network);
            config.Bind(o.Dhcp);
            config.Bind(o.Systemd);
        }
        catch (InvalidOperationException e)
        {
            // Only the file has values that are not strings (environment and flags set strings).
            throw new ConfigException($"config file {configPath} is not valid: {e.Message}");
        }
        if (listenFlags.Count > 0) o.Listen = [.. listenFlags];
        else if (env("OCCI_AGENT_LISTEN") is { Length: > 0 } listenEnv)
            o.Listen = [.. listenEnv.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        else if (file?.TryGetProperty("listen", out var l) == true)
            o.Listen = l.ValueKind == JsonValueKind.String ? [l.GetString()!] : [.. l.EnumerateArray().Select(x => x.GetString()!)];
        if (file?.TryGetProperty("flavours", out _) == true)
            o.Flavours = (config.GetSection("flavours").Get<List<FlavourConfig>>() ?? []).Select((x, i) => new FlavourInfo(
                x.Name ?? throw new ConfigException($"config file {configPath}: flavours[{i}] has no name"), x.Title, x.Cores, x.Memory)).ToList();
        OptionsValidation.Validate(o);
        return o;
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read config file {path}: {e.Message}");
        }
    }

    /// <summary>The file is a JSON object of known keys, each of the JSON kind its setting takes.</summary>
    private static JsonElement CheckShape(string path, byte[] bytes)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ConfigException($"config file {path} is not valid: {e.Message}");
        }
        string? problem = root.ValueKind != JsonValueKind.Object ? "it must be a JSON object" : Problem(root, TopLevelKeys, "");
        if (problem is null && root.TryGetProperty("tls", out var tls)) problem = Problem(tls, TlsSettings.Keys, "tls.");
        if (problem is null && root.TryGetProperty("flavours", out var flavours))
            foreach (var (f, i) in flavours.EnumerateArray().Select((f, i) => (f, i)))
                problem ??= Problem(f, FlavourConfig.Keys, $"flavours[{i}].");
        return problem is null ? root : throw new ConfigException($"config file {path} is not valid: {problem}");
    }

    internal static readonly SettingKey[] TopLevelKeys =
    [
        .. AgentOptions.Keys, .. HttpSettings.Keys, .. StorageSettings.Keys, .. VmSettings.Keys,
        .. NetworkSettings.Keys, .. DhcpSettings.Keys, .. SystemdSettings.Keys,
    ];

    private static string? Problem(JsonElement obj, SettingKey[] keys, string prefix)
    {
        foreach (var p in obj.EnumerateObject())
        {
            // Keys match as JSON names do here: exactly (the configuration binder alone would also take "StateDir").
            var key = Array.Find(keys, k => k.Name == p.Name);
            if (key is null) return $"unknown setting '{prefix}{p.Name}'";
            var v = p.Value.ValueKind;
            bool IsString(JsonElement e) => e.ValueKind == JsonValueKind.String;
            var fits = key.Shape switch
            {
                SettingShape.Number => v is JsonValueKind.Number,
                SettingShape.Bool => v is JsonValueKind.True or JsonValueKind.False,
                SettingShape.String => v is JsonValueKind.String or JsonValueKind.Null,
                SettingShape.StringList => v == JsonValueKind.Array && p.Value.EnumerateArray().All(IsString),
                SettingShape.StringOrList => v == JsonValueKind.String || (v == JsonValueKind.Array && p.Value.EnumerateArray().All(IsString)),
                SettingShape.Object => v == JsonValueKind.Object,
                _ => v == JsonValueKind.Array && p.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object),
            };
            if (!fits)
                return $"'{prefix}{p.Name}' must be " + key.Shape switch
                {
                    SettingShape.Number => "a number",
                    SettingShape.Bool => "true or false",
                    SettingShape.String => "a string",
                    SettingShape.StringList => "a list of strings",
                    SettingShape.StringOrList => "a string or a list of strings",
                    SettingShape.Object => "an object",
                    _ => "a list of objects",
                };
        }
        return null;
    }

    private static void CheckEnum<T>(IConfiguration config, string key) where T : struct, Enum
    {
        if (config[key] is { } v && !SettingEnum.TryParse<T>(v, out _)) throw new ConfigException(SettingEnum.Problem<T>(key, v));
    }
}
