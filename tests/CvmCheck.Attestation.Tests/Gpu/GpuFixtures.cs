using System.Text.Json;
using CvmCheck.Attestation.Gpu;
using CvmCheck.Formats.Spdm;
using CvmCheck.Testing;
using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Tests.Gpu;

/// <summary>Real NVIDIA reports, chains and RIMs under fixtures/attestation/gpu, with their expected values (expected.json).</summary>
internal static class GpuFixtures
{
    public static readonly DateTimeOffset RimsValid = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Later = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<JsonElement> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path("expected.json"))).RootElement);

    public static string Path(params string[] parts) => Repo.Fixture(["attestation", "gpu", .. parts]);

    public static IEnumerable<string> ReportNames =>
        Expected.Value.EnumerateObject().Where(p => p.Name.StartsWith("reports/", StringComparison.Ordinal)).Select(p => p.Name["reports/".Length..]);

    public static TheoryData<string> Reports => new(ReportNames);

    public static JsonElement ExpectedFor(string key) => Expected.Value.GetProperty(key);

    public static IEnumerable<JsonProperty> ExpectedEntries => Expected.Value.EnumerateObject();

    public static SpdmMeasurementReport Report(string dir) =>
        SpdmMeasurementReport.Parse(SpdmReportFile.Decode(File.ReadAllBytes(Path(dir, "report.hex"))));

    public static IReadOnlyList<X509Certificate> Chain(string file) => CertificateFiles.ReadFile(Path(file));

    public static byte[] Nonce(string key) => Convert.FromHexString(ExpectedFor(key).GetProperty("request_nonce").GetString()!);

    public static string? FindRim(string fileName) =>
        Directory.EnumerateFiles(Path(), fileName, SearchOption.AllDirectories).FirstOrDefault();
}
