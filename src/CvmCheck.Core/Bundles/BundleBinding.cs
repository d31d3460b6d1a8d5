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

    /// <summary>One entry per GPU NVML enumerated, in NVML index order: its stored evidence, or the NVML
    /// call that failed for it.</summary>
    public IReadOnlyList<BundleGpuEvidence> GpuReports { get; init; } = [];

    /// <summary>Why there are no GPU reports: one of <see cref="GpuNotes"/> (a fixed vocabulary, so the
    /// unsigned binding file holds nothing free-form that could change unnoticed), or null.</summary>
    public string? GpuNote { get; init; }

    /// <summary>NVML could not be used on the collecting host (no NVIDIA driver user space, nvmlInit failed,
    /// or a driver without the CC entry points), so no GPU SPDM report was requested. Also what bundles
    /// written before collect called NVML say. A TDX guest without GPUs is a valid bundle.</summary>
    public const string GpuNotCollected = "not-collected: NVML evidence retrieval is not available to collect";

    /// <summary>NVML works but enumerates no GPU.</summary>
    public const string GpuNone = "none: NVML reports no GPU";

    /// <summary>NVML loaded but nvmlDeviceGetCount_v2 failed, so no GPU could be asked.</summary>
    public const string GpuCountFailed = "not-collected: nvmlDeviceGetCount_v2 failed";

    public static readonly IReadOnlyList<string> GpuNotes = [GpuNotCollected, GpuNone, GpuCountFailed];

    public byte[] TdxReportData => BundleLayout.TdxReportData(Nonce, ManifestSha384);

    public byte[] GpuRequestNonce => BundleLayout.GpuRequestNonce(Nonce, ManifestSha384);

    /// <summary>Every attestation entry this binding names (itself included).</summary>
    public IEnumerable<string> Files => new[] { BundleLayout.Binding }.Concat(TdxQuote is null ? [] : [TdxQuote])
        .Concat(GpuReports.SelectMany(g => g.Report is null ? [] : new[] { g.Report, g.Certs! }));

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
            foreach (var gpu in GpuReports)
            {
                w.WriteStartObject();
                w.WriteNumber("index", gpu.Index);
                if (gpu.Report is not null)
                {
                    w.WriteString("report", gpu.Report);
                    w.WriteString("certs", gpu.Certs);
                }
                else
                {
                    w.WriteStartObject("nvmlError");
                    w.WriteString("function", gpu.NvmlFunction);
                    w.WriteNumber("code", gpu.NvmlCode ?? 0);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
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
                GpuReports = gpu.GetProperty("reports").EnumerateArray().Select(BundleGpuEvidence.Parse).ToArray(),
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

/// <summary>
/// One element of binding.json <c>gpu.reports</c>: either the paths of the GPU's stored evidence
/// (<c>attestation/gpu-&lt;i&gt;.bin</c>, the SPDM request ‖ response as NVML returned it, and
/// <c>attestation/gpu-&lt;i&gt;-certs.pem</c>, its attestation certificate chain), or — when an NVML call
/// failed for that GPU — the function and its nvmlReturn_t code. Only those two function names are
/// accepted, so nothing free-form is stored.
/// </summary>
public sealed record BundleGpuEvidence
{
    public const string ReportFunction = "nvmlDeviceGetConfComputeGpuAttestationReport";
    public const string CertificateFunction = "nvmlDeviceGetConfComputeGpuCertificate";

    public required int Index { get; init; }

    public string? Report { get; init; }

    public string? Certs { get; init; }

    public string? NvmlFunction { get; init; }

    public int? NvmlCode { get; init; }

    public static BundleGpuEvidence Stored(int index) =>
        new() { Index = index, Report = BundleLayout.GpuReport(index), Certs = BundleLayout.GpuCerts(index) };

    public static BundleGpuEvidence Failed(int index, string function, int code) =>
        new() { Index = index, NvmlFunction = function, NvmlCode = code };

    internal static BundleGpuEvidence Parse(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("index", out var i) || !i.TryGetInt32(out var index) || index < 0)
        {
            throw new FormatException("gpu.reports[]: not an object with a non-negative index");
        }

        if (e.TryGetProperty("nvmlError", out var error))
        {
            var function = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (function is not (ReportFunction or CertificateFunction) || !error.TryGetProperty("code", out var c) || !c.TryGetInt32(out var code))
            {
                throw new FormatException($"gpu.reports[{index}].nvmlError: not a function cvmcheck calls with an integer code");
            }

            return Failed(index, function, code);
        }

        // The paths are fixed by the index, so a binding cannot point a GPU at another entry.
        var stored = Stored(index);
        var report = e.TryGetProperty("report", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        var certs = e.TryGetProperty("certs", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return report == stored.Report && certs == stored.Certs
            ? stored
            : throw new FormatException($"gpu.reports[{index}]: report and certs must be {stored.Report} and {stored.Certs}");
    }
}
