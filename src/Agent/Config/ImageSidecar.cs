using System.Text.Json;
using System.Text.Json.Serialization;

namespace OcciAgent.Config;

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
[JsonSerializable(typeof(ImageSidecar))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
