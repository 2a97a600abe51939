using System.Text.Json;
using System.Text.Json.Serialization;

namespace OcciAgent.Config;

/// <summary>The JSON config file (<c>--config FILE</c>); every member is optional.</summary>
public sealed class ConfigFile
{
    /// <summary>One URL or a list of them.</summary>
    [JsonConverter(typeof(StringOrListConverter))]
    public List<string>? Listen { get; set; }
    public TlsConfig? Tls { get; set; }
    public bool? AllowInsecureRemote { get; set; }
    public string? StateDir { get; set; }
    public string? SchemeBase { get; set; }
    public int? MaxPageSize { get; set; }
    public int? MaxRequestBytes { get; set; }
    public int? MaxUserMixins { get; set; }
    public double? MaxStorageGiB { get; set; }
    public string? QemuImg { get; set; }
    public string? Qemu { get; set; }
    public string? Accelerator { get; set; }
    public double? StopTimeoutSeconds { get; set; }
    public long? ConsoleLogBytes { get; set; }
    public string? Uplink { get; set; }
    public string? Ip { get; set; }
    public string? Nft { get; set; }
    public string? Dnsmasq { get; set; }
    public string? DhcpBus { get; set; }
    public string? DhcpRunDir { get; set; }
    public bool? DhcpPingCheck { get; set; }
    public List<FlavourConfig>? Flavours { get; set; }
    public string? VmLauncher { get; set; }
    public string? SystemdBus { get; set; }
    public string? VmSlice { get; set; }
    public string? Auth { get; set; }
    public string? SocketGroup { get; set; }
    public List<string>? AllowedHosts { get; set; }
    public List<string>? AllowedOrigins { get; set; }
}

/// <summary>The <c>tls</c> object: the server certificate for https listeners.</summary>
public sealed class TlsConfig
{
    public string? Certificate { get; set; }
    public string? Key { get; set; }
}

/// <summary>A JSON string or an array of strings (source-generated contexts call it without reflection).</summary>
public sealed class StringOrListConverter : JsonConverter<List<string>>
{
    public override List<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return [reader.GetString()!];
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected a string or an array of strings");
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            list.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("expected a string in the array"));
        return list;
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var v in value) writer.WriteStringValue(v);
        writer.WriteEndArray();
    }
}

/// <summary>One resource_tpl flavour: memory in GiB as OCCI counts it (GFD.224 §3.1).</summary>
public sealed class FlavourConfig
{
    public string? Name { get; set; }
    public string? Title { get; set; }
    public int Cores { get; set; }
    public double Memory { get; set; }
}

/// <summary>Sidecar <c>images/NAME.json</c> of an os_tpl image.</summary>
public sealed class ImageSidecar
{
    public string? Title { get; set; }
    public string? Kernel { get; set; }
    public string? Initrd { get; set; }
    public string? Cmdline { get; set; }
}

/// <summary>Source-generated (native AOT: no reflection serializer).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ConfigFile))]
[JsonSerializable(typeof(ImageSidecar))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
