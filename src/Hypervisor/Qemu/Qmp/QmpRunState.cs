using System.Text.Json;
using System.Text.Json.Serialization;

namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>QEMU's <c>RunState</c> as <c>query-status</c> reports it (QEMU 7.2's list). On the wire each is
/// the kebab-case of its name (<see cref="GuestPanicked"/> is "guest-panicked"); a state this list does not
/// know (a newer QEMU) reads as <see cref="Unknown"/> instead of failing the reply.</summary>
[JsonConverter(typeof(QmpRunStateConverter))]
public enum QmpRunState
{
    Unknown,
    Debug,
    Inmigrate,
    InternalError,
    IoError,
    Paused,
    Postmigrate,
    Prelaunch,
    FinishMigrate,
    RestoreVm,
    Running,
    SaveVm,
    Shutdown,
    Suspended,
    Watchdog,
    GuestPanicked,
    Colo,
}

/// <summary>The wire names of <see cref="QmpRunState"/>.</summary>
public static class QmpRunStates
{
    private static readonly Dictionary<string, QmpRunState> ByName =
        Enum.GetValues<QmpRunState>().ToDictionary(ToQmpName, StringComparer.Ordinal);

    /// <summary>The name QEMU uses ("running", "guest-panicked", ...).</summary>
    public static string ToQmpName(this QmpRunState state) => JsonNamingPolicy.KebabCaseLower.ConvertName(state.ToString());

    /// <summary>The state QEMU calls <paramref name="name"/>; <see cref="QmpRunState.Unknown"/> for a name this list lacks.</summary>
    public static QmpRunState Parse(string name) => ByName.GetValueOrDefault(name, QmpRunState.Unknown);
}

/// <summary>Reads and writes <see cref="QmpRunState"/> by its wire name (no reflection: AOT-safe).</summary>
public sealed class QmpRunStateConverter : JsonConverter<QmpRunState>
{
    public override QmpRunState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? QmpRunStates.Parse(reader.GetString()!)
            : throw new JsonException($"a run state is a string, not {reader.TokenType}");

    public override void Write(Utf8JsonWriter writer, QmpRunState value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToQmpName());
}

/// <summary>The reply of <c>query-status</c>: the run state and whether the vCPUs run.</summary>
public sealed record QmpStatus(QmpRunState Status, bool Running);
