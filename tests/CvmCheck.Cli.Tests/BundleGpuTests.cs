using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CvmCheck.Attestation.Gpu.Nvml;
using CvmCheck.Cli.Bundles;
using CvmCheck.Cli.Tests.Fakes;
using CvmCheck.Core.Bundles;
using CvmCheck.Formats.Spdm;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary>
/// <c>collect --out --attest</c> storing GPU evidence from NVML and <c>verify</c> checking it (DESIGN.md §6),
/// against <see cref="FakeNvml"/> serving real captured reports. A real report carries the request nonce it
/// was captured with and cannot be re-signed, so a report from the fake never binds a new manifest: the
/// end-to-end tests show the report itself verifies (signature, chain, FWID) while <c>gpu[i].binding</c>
/// fails, and the passing binding is shown on the binding function with a synthetic nonce.
/// </summary>
public sealed class BundleGpuTests
{
    private const string H100A = "reports/h100_550.90.07_vbios_96.00.9F.00.01";
    private const string H100B = "reports/h100_570.124.03_vbios_96.00.5E.00.04";
    private const string At = "2024-06-01T00:00:00Z"; // inside the captured chains' validity

    internal static INvml NoNvml() => throw new NvmlUnavailableException(NvmlUnavailableReason.NotFound, "libnvidia-ml.so.1 not found (test)");

    [Fact]
    public void Attest_asks_every_gpu_with_sha256_of_nonce_and_manifest_digest_and_stores_report_and_chain()
    {
        using var dir = new TempDir();
        var nvml = new FakeNvml().WithGpu(H100A).WithGpu(H100B);
        var bundle = Collect(dir, () => nvml);

        var d = SHA384.HashData(BundleCliTests.ReadEntry(bundle, "manifest.json"));
        var expectedNonce = SHA256.HashData([0x00, 0xff, 0x00, 0xff, .. d]);
        Assert.Equal(2, nvml.NoncesSent.Count);
        Assert.All(nvml.NoncesSent, n => Assert.Equal(expectedNonce, n));
        Assert.True(nvml.Disposed, "NVML must be shut down after collecting");

        Assert.Equal(FixtureReport(H100A), BundleCliTests.ReadEntry(bundle, "attestation/gpu-0.bin"));
        Assert.Equal(FixtureReport(H100B), BundleCliTests.ReadEntry(bundle, "attestation/gpu-1.bin"));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", System.Text.Encoding.ASCII.GetString(BundleCliTests.ReadEntry(bundle, "attestation/gpu-0-certs.pem")), StringComparison.Ordinal);

        var binding = JsonNode.Parse(BundleCliTests.ReadEntry(bundle, "attestation/binding.json"))!;
        Assert.Equal(Convert.ToHexStringLower(expectedNonce), (string?)binding["gpu"]!["requestNonce"]);
        var reports = binding["gpu"]!["reports"]!.AsArray();
        Assert.Equal(["attestation/gpu-0.bin", "attestation/gpu-1.bin"], reports.Select(r => (string?)r!["report"]));
        Assert.Equal(["attestation/gpu-0-certs.pem", "attestation/gpu-1-certs.pem"], reports.Select(r => (string?)r!["certs"]));
        Assert.Null(binding["gpu"]!["note"]);
    }

    [Fact]
    public void Verify_passes_the_genuine_stored_report_but_fails_its_binding_because_it_answers_another_nonce()
    {
        // Expected failure, explained: the captured report's request nonce is the one it was captured with
        // (931d8dd0…), not SHA-256(nonce ‖ D) of this manifest, so it binds a different manifest — exactly
        // what a report replayed from another bundle looks like. Signature, chain and FWID still verify.
        using var dir = new TempDir();
        var bundle = Collect(dir, () => new FakeNvml().WithGpu(H100A));

        var verify = Cli.Run("verify", bundle, "--allow-unsigned", "--at", At, "--format", "json");

        Assert.Equal(1, verify.ExitCode);
        var checks = Checks(verify.Json);
        Assert.Equal("pass", Status(checks, "gpu[0].report"));
        Assert.Equal("fail", Status(checks, "gpu[0].binding"));
        Assert.Contains("binds a different manifest", Detail(checks, "gpu[0].binding"), StringComparison.Ordinal);
        Assert.Contains("931d8dd0add203ac", Detail(checks, "gpu[0].binding"), StringComparison.Ordinal);
        Assert.Equal("pass", Status(checks, "binding")); // the TDX side is intact
        Assert.DoesNotContain(checks, c => c.Name == "gpu-reports");
        Assert.Equal(["gpu[0].binding"], checks.Where(c => c.Status == "fail").Select(c => c.Name));
    }

    [Fact]
    public void Gpu_binding_holds_exactly_when_the_request_nonce_is_sha256_of_nonce_and_manifest_digest()
    {
        // Synthetic: no real report can carry this nonce, so the positive binding is checked on the function verify uses.
        byte[] nonce = [0x00, 0xff, 0x00, 0xff];
        var digest = SHA384.HashData("{\"schema\":\"cvmcheck/manifest/v1\"}"u8);
        var requestNonce = SHA256.HashData([.. nonce, .. digest]);

        Assert.Null(BundleVerifier.GpuBindingProblem(requestNonce, nonce, digest));
        Assert.NotNull(BundleVerifier.GpuBindingProblem(requestNonce, nonce, SHA384.HashData("another manifest"u8)));
        Assert.NotNull(BundleVerifier.GpuBindingProblem(requestNonce, [0x01], digest));
    }

    [Fact]
    public void Without_nvml_the_bundle_notes_gpu_evidence_not_collected_and_still_verifies()
    {
        using var dir = new TempDir();
        var bundle = Collect(dir, NoNvml, out var collect);

        Assert.Contains("NvmlNotFound", collect.Error, StringComparison.Ordinal);
        var binding = JsonNode.Parse(BundleCliTests.ReadEntry(bundle, "attestation/binding.json"))!;
        Assert.Empty(binding["gpu"]!["reports"]!.AsArray());
        Assert.Equal(BundleBinding.GpuNotCollected, (string?)binding["gpu"]!["note"]);

        var verify = Cli.Run("verify", bundle, "--allow-unsigned", "--format", "json");
        Assert.True(verify.ExitCode == 0, verify.Out);
        Assert.Equal("skip", Status(Checks(verify.Json), "gpu-reports"));
    }

    [Fact]
    public void A_tampered_stored_gpu_report_fails_verify_with_exit_1()
    {
        using var dir = new TempDir();
        var bundle = Collect(dir, () => new FakeNvml().WithGpu(H100A));
        BundleCliTests.Rewrite(bundle, (name, data) =>
        {
            if (name == "attestation/gpu-0.bin")
            {
                data[^1] ^= 0x01; // last signature byte
            }

            return data;
        });

        var verify = Cli.Run("verify", bundle, "--allow-unsigned", "--at", At, "--format", "json");

        Assert.Equal(1, verify.ExitCode);
        var report = Checks(verify.Json).Where(c => c.Name == "gpu[0].report").ToList();
        Assert.Contains(report, c => c.Status == "fail" && c.Detail.StartsWith("report.signature: SignatureInvalid", StringComparison.Ordinal));
    }

    [Fact]
    public void A_gpu_whose_nvml_call_fails_is_recorded_with_function_and_code_and_the_other_gpus_are_still_collected()
    {
        using var dir = new TempDir();
        var bundle = Collect(dir, () => new FakeNvml { FailingDevice = 0 }.WithGpu(H100A).WithGpu(H100B), out var collect);

        Assert.Contains("gpu[0]: no evidence", collect.Error, StringComparison.Ordinal);
        var reports = JsonNode.Parse(BundleCliTests.ReadEntry(bundle, "attestation/binding.json"))!["gpu"]!["reports"]!.AsArray();
        Assert.Equal("nvmlDeviceGetConfComputeGpuAttestationReport", (string?)reports[0]!["nvmlError"]!["function"]);
        Assert.Equal(3, (int?)reports[0]!["nvmlError"]!["code"]);
        Assert.Equal("attestation/gpu-1.bin", (string?)reports[1]!["report"]);

        var checks = Checks(Cli.Run("verify", bundle, "--allow-unsigned", "--at", At, "--format", "json").Json);
        Assert.Equal("warn", Status(checks, "gpu[0].report"));
        Assert.Equal("pass", Status(checks, "gpu[1].report"));
    }

    [Fact]
    public void A_gpu_entry_renamed_in_the_binding_is_rejected()
    {
        using var dir = new TempDir();
        var bundle = Collect(dir, () => new FakeNvml().WithGpu(H100A));
        BundleCliTests.Rewrite(bundle, (name, data) => name == "attestation/binding.json"
            ? System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(data).Replace("\"attestation/gpu-0.bin\"", "\"attestation/tdx-quote.bin\"", StringComparison.Ordinal))
            : data);

        var verify = Cli.Run("verify", bundle, "--allow-unsigned", "--at", At, "--format", "json");

        Assert.Equal(1, verify.ExitCode);
        Assert.Contains(Checks(verify.Json), c => c.Name == "binding" && c.Status == "fail" && c.Detail.Contains("must be attestation/gpu-0.bin", StringComparison.Ordinal));
    }

    private static string Collect(TempDir dir, Func<INvml> nvml) => Collect(dir, nvml, out _);

    private static string Collect(TempDir dir, Func<INvml> nvml, out Cli.Result collect)
    {
        var tsmRoot = Directory.CreateDirectory(Path.Combine(dir.Path, "tsm", "report")).FullName;
        var bundle = Path.Combine(dir.Path, "b.tar.gz");
        BundleCollector.TsmFileSystem.Value = new BundleCliTests.FakeTsmKernel();
        BundleCollector.OpenNvml.Value = nvml;
        try
        {
            collect = Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", bundle, "--attest", "--tsm-root", tsmRoot, "--nonce", "00ff00ff");
            Assert.True(collect.ExitCode == 0, collect.Error);
        }
        finally
        {
            BundleCollector.TsmFileSystem.Value = null;
            BundleCollector.OpenNvml.Value = null;
        }

        return bundle;
    }

    private static byte[] FixtureReport(string fixture) =>
        SpdmReportFile.Decode(File.ReadAllBytes(Path.Combine(Repo.Fixture("attestation", "gpu", fixture), "report.hex")));

    private static List<(string Name, string Status, string Detail)> Checks(JsonElement json) =>
        json.GetProperty("checks").EnumerateArray().Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("status").GetString()!, c.GetProperty("detail").GetString()!)).ToList();

    private static string Status(List<(string Name, string Status, string Detail)> checks, string name) => checks.Single(c => c.Name == name).Status;

    private static string Detail(List<(string Name, string Status, string Detail)> checks, string name) => checks.Single(c => c.Name == name).Detail;
}
