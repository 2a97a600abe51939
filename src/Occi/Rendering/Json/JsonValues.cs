using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Rendering.Json;

/// <summary>Attribute values on the wire (GFD.226 §3.5): strings, numbers, booleans.
/// Everything here is Utf8JsonWriter / JsonElement based, because reflection-based
/// JsonSerializer is unavailable under native AOT.</summary>
internal static class JsonValues
{
    // Relaxed escaping keeps '+', '/', '<' readable (Base64 userdata, URLs). The body is served as
    // application/(occi+)json, never embedded in HTML, so HTML-safe escaping buys nothing.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Runs <paramref name="write"/> against a fresh writer and returns the UTF-8 text.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Integers without a fraction, floats always with one (GFD.226 §3.5: cores 2,
    /// memory 2.0), so a reader can tell the declared type from the token.</summary>
    public static void WriteValue(Utf8JsonWriter w, OcciValue v)
    {
        switch (v.Kind)
        {
            case ValueKind.String: w.WriteStringValue(v.AsString); break;
            case ValueKind.Integer: w.WriteNumberValue(v.AsInteger); break;
            case ValueKind.Boolean: w.WriteBooleanValue(v.AsBoolean); break;
            default:
                var f = v.AsDouble;
                // JSON has no NaN/Infinity; validation never stores them, so this is a server bug.
                if (!double.IsFinite(f)) throw new InvalidOperationException($"non-finite float {f} cannot be rendered as JSON");
                w.WriteRawValue(OcciValue.FormatFloat(f));
                break;
        }
    }

    public static void WriteValue(Utf8JsonWriter w, string name, OcciValue v)
    {
        w.WritePropertyName(name);
        WriteValue(w, v);
    }

    /// <summary>Writes a string array member, or nothing when empty: rOCCI-core 5's schema sets
    /// minItems 1 on entity arrays (docs/conformance.md), and GFD.226 makes them 0..1 anyway.</summary>
    public static void WriteNonEmptyArray(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        var started = false;
        foreach (var item in items)
        {
            if (!started) { w.WriteStartArray(name); started = true; }
            w.WriteStringValue(item);
        }
        if (started) w.WriteEndArray();
    }

    /// <summary>Reads one attribute value (GFD.226 §3.5). A number token without '.' or exponent
    /// is an Integer (if it fits in a long), any other number a Float; validation coerces later.
    /// Null, arrays and objects are not values of any attribute we publish.</summary>
    public static OcciValue ReadValue(string name, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String: return OcciValue.Str(e.GetString()!);
            case JsonValueKind.True: return OcciValue.Bool(true);
            case JsonValueKind.False: return OcciValue.Bool(false);
            case JsonValueKind.Number:
                var raw = e.GetRawText();
                if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && e.TryGetInt64(out var i)) return OcciValue.Int(i);
                if (e.TryGetDouble(out var d) && double.IsFinite(d)) return OcciValue.Float(d);
                throw new OcciParseException($"attribute '{name}': number {raw} is out of range");
            case JsonValueKind.Null:
                throw new OcciParseException($"attribute '{name}' is null; omit it instead");
            case JsonValueKind.Array:
                throw new OcciParseException($"attribute '{name}': array values are not supported");
            default:
                throw new OcciParseException($"attribute '{name}': {e.ValueKind} values are not supported");
        }
    }
}
