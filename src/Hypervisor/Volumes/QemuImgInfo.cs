using System.Text.Json;

namespace OcciAgent.Hypervisor.Volumes;

/// <summary>The fields of <c>qemu-img info --output=json</c> that the agent uses
/// (QAPI type <c>ImageInfo</c>, qapi/block-core.json).</summary>
/// <param name="Format">Image format, e.g. <c>qcow2</c> or <c>raw</c>.</param>
/// <param name="VirtualSizeBytes">Size the guest sees (<c>virtual-size</c>).</param>
/// <param name="ActualSizeBytes">Bytes allocated on the host (<c>actual-size</c>); 0 when qemu-img omits it.</param>
/// <param name="BackingFilename">Backing file as recorded in the image header (<c>backing-filename</c>), may be relative.</param>
/// <param name="FullBackingFilename">Backing file resolved by qemu-img (<c>full-backing-filename</c>).</param>
/// <param name="BackingFormat">Recorded backing format (<c>backing-filename-format</c>).</param>
/// <param name="SnapshotNames">Names of internal snapshots, in the order qemu-img lists them.</param>
public sealed record QemuImgInfo(
    string Format,
    long VirtualSizeBytes,
    long ActualSizeBytes,
    string? BackingFilename,
    string? FullBackingFilename,
    string? BackingFormat,
    IReadOnlyList<string> SnapshotNames)
{
    /// <summary>The backing file to act on: the resolved name when qemu-img gives one, else the recorded one.</summary>
    public string? BackingFile => FullBackingFilename ?? BackingFilename;

    /// <summary>Parses the JSON object printed by <c>qemu-img info --output=json</c> for one image.
    /// Uses <see cref="JsonDocument"/> (no reflection), so it is safe under native AOT.</summary>
    /// <exception cref="FormatException">The text is not JSON or lacks <c>format</c> or <c>virtual-size</c>.</exception>
    public static QemuImgInfo Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException($"expected a JSON object, got {root.ValueKind}");

            var format = OptionalString(root, "format") ?? throw new FormatException("'format' is missing");
            if (!root.TryGetProperty("virtual-size", out var virtualSize) || virtualSize.ValueKind != JsonValueKind.Number)
                throw new FormatException("'virtual-size' is missing or not a number");

            var snapshots = new List<string>();
            if (root.TryGetProperty("snapshots", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var snapshot in list.EnumerateArray())
                {
                    if (OptionalString(snapshot, "name") is { } name)
                        snapshots.Add(name);
                }
            }

            return new QemuImgInfo(
                format,
                virtualSize.GetInt64(),
                root.TryGetProperty("actual-size", out var actual) && actual.ValueKind == JsonValueKind.Number ? actual.GetInt64() : 0,
                OptionalString(root, "backing-filename"),
                OptionalString(root, "full-backing-filename"),
                OptionalString(root, "backing-filename-format"),
                snapshots);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON: {e.Message}", e);
        }
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
