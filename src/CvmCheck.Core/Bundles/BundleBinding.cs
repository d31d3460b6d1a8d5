using System.Text.Json;

namespace CvmCheck.Core.Bundles;

/// <summary>
/// <c>attestation/binding.json</c>: how the hardware evidence is tied to this manifest (DESIGN.md §6).
/// D = SHA-384(manifest.json bytes); the TDX quote's REPORTDATA = SHA-512(nonce ‖ D); each GPU's SPDM
/// request nonce = SHA-256(nonce ‖ D). The file is written in one canonical form and
/// <c>verify</c> requires the stored bytes to be exactly that form, so no byte of it can change unnoticed.
/// </summary>
public sealed record BundleBinding
{
    public required byte[] Nonce { get; init; }

    public required byte[] ManifestSha384 { get; init; }

    /// <summary>Path of the TDX quote entry, or null when none was obtained.</summary>
    public string? TdxQuote { get; init; }

    public IReadOnlyList<string> GpuReports { get; init; } = [];

    /// <summary>Why there are no GPU reports: one of <see cref="GpuNotes"/> (a fixed vocabulary, so the
    /// unsigned binding file holds nothing free-form that could change unnoticed), or null.</summary>
    public string? GpuNote { get; init; }

    /// <summary>collect does not call NVML (not available to it yet), so no GPU SPDM report was requested.</summary>
    public const string GpuNotCollected = "not-collected: NVML evidence retrieval is not available to collect";

    public static readonly IReadOnlyList<string> GpuNotes = [GpuNotCollected];

    public byte[] TdxReportData => BundleLayout.TdxReportData(Nonce, ManifestSha384);

    public byte[] GpuRequestNonce => BundleLayout.GpuRequestNonce(Nonce, ManifestSha384);

    /// <summary>Every attestation entry this binding names (itself included).</summary>
    public IEnumerable<string> Files => new[] { BundleLayout.Binding }.Concat(TdxQuote is null ? [] : [TdxQuote]).Concat(GpuReports);

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", BundleLayout.BindingSchema);
            w.WriteString("nonce", Convert.ToHexStringLower(Nonce));
            w.WriteString("manifestSha384", Convert.ToHexStringLower(ManifestSha384));
            w.WriteStartObject("tdx");
            w.WriteString("reportData", Convert.ToHexStringLower(TdxReportData));
            if (TdxQuote is null)
            {
                w.WriteNull("quote");
            }
            else
            {
                w.WriteString("quote", TdxQuote);
            }

            w.WriteEndObject();
            w.WriteStartObject("gpu");
            w.WriteString("requestNonce", Convert.ToHexStringLower(GpuRequestNonce));
            w.WriteStartArray("reports");
            foreach (var report in GpuReports)
            {
                w.WriteStringValue(report);
            }

            w.WriteEndArray();
            if (GpuNote is not null)
            {
                w.WriteString("note", GpuNote);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Parses binding.json; null with a reason when it is not one.</summary>
    public static BundleBinding? TryParse(ReadOnlyMemory<byte> bytes, out string? error)
    {
        error = null;
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "schema") != BundleLayout.BindingSchema)
            {
                error = $"schema is not {BundleLayout.BindingSchema}";
                return null;
            }

            var tdx = root.GetProperty("tdx");
            var gpu = root.GetProperty("gpu");
            return new BundleBinding
            {
                Nonce = Convert.FromHexString(Text(root, "nonce") ?? throw new FormatException("nonce missing")),
                ManifestSha384 = Convert.FromHexString(Text(root, "manifestSha384") ?? throw new FormatException("manifestSha384 missing")),
                TdxQuote = Text(tdx, "quote"),
                GpuReports = gpu.GetProperty("reports").EnumerateArray().Select(r => r.GetString() ?? throw new FormatException("report path not a string")).ToArray(),
                GpuNote = Text(gpu, "note") is { } note && !GpuNotes.Contains(note) ? throw new FormatException($"gpu.note '{note}' is not one cvmcheck writes") : Text(gpu, "note"),
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            error = e.Message;
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
