using System.Text.Json;
using CvmCheck.Formats.Spdm;
using CvmCheck.Testing;

namespace CvmCheck.Formats.Tests.Spdm;

/// <summary>The real NVIDIA reports under fixtures/attestation/gpu and their expected values (expected.json).</summary>
internal static class SpdmFixtures
{
    private static readonly Lazy<JsonElement> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Repo.Fixture("attestation", "gpu", "expected.json"))).RootElement);

    public static IEnumerable<string> ReportNames =>
        Expected.Value.EnumerateObject().Where(p => p.Name.StartsWith("reports/", StringComparison.Ordinal)).Select(p => p.Name["reports/".Length..]);

    public static TheoryData<string> Reports => new(ReportNames);

    public static JsonElement ExpectedFor(string key) => Expected.Value.GetProperty(key);

    public static byte[] Bytes(string relativeDir) =>
        SpdmReportFile.Decode(File.ReadAllBytes(Repo.Fixture("attestation", "gpu", relativeDir, "report.hex")));

    public static byte[] Report(string name) => Bytes(Path.Combine("reports", name));
}
