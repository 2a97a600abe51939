using System.Text.Json.Serialization;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>The serialisers of every QMP argument and reply record, generated at build time (no reflection,
/// native AOT). QAPI names are kebab-case, so is the naming policy; the few exceptions say so on the property.
/// Nulls are left out: an absent optional argument is how QMP means "default".</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(QmpStatus))]
[JsonSerializable(typeof(BlockdevOptions))]
[JsonSerializable(typeof(BlockdevDel))]
[JsonSerializable(typeof(BlockResize))]
[JsonSerializable(typeof(BlockdevSnapshotInternal))]
[JsonSerializable(typeof(DeviceOptions))]
[JsonSerializable(typeof(NetdevTap))]
[JsonSerializable(typeof(QmpId))]
[JsonSerializable(typeof(PciBus[]))]
[JsonSerializable(typeof(DriveBackup))]
[JsonSerializable(typeof(SnapshotJob))]
[JsonSerializable(typeof(QmpJob[]))]
internal sealed partial class QmpJson : JsonSerializerContext;
