using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CvmCheck.Cli.Bundles;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary>Every JSON document cvmcheck writes matches the JSON Schema published for it in
/// <c>docs/schemas/</c> — on every fixture, so a CI system that validates our output never rejects a real run.</summary>
public sealed class OutputSchemaTests
{
    public static TheoryData<string> Snapshots()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Repo.Fixture("snapshots")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    public static TheoryData<string> TdxSets()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Repo.Fixture("attestation", "tdx")).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, "quote.bin")))
            {
                data.Add(Path.GetFileName(dir));
            }
        }

        return data;
    }

    public static TheoryData<string> GpuReports()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Repo.Fixture("attestation", "gpu", "reports")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snapshots))]
    public void Check_facts_and_diagnose_json_match_their_schemas_on_every_snapshot(string snapshot)
    {
        var root = Repo.Snapshot(snapshot);
        foreach (var policy in new[] { "baseline", "h100-tdx-cc-production" })
        {
            var check = Cli.Run("check", "--root", root, "--policy", policy, "--format", "json");
            Assert.InRange(check.ExitCode, 0, 1);
            JsonSchemas.AssertValid("report.schema.json", check.Out);
        }

        var facts = Cli.Run("facts", "--root", root, "--format", "json");
        Assert.Equal(0, facts.ExitCode);
        JsonSchemas.AssertValid("facts.schema.json", facts.Out);

        var diagnose = Cli.Run("diagnose", "--root", root, "--format", "json");
        Assert.InRange(diagnose.ExitCode, 0, 1);
        JsonSchemas.AssertValid("diagnose.schema.json", diagnose.Out);
    }

    [Theory]
    [MemberData(nameof(TdxSets))]
    public void Attest_tdx_json_matches_its_schema_for_every_real_quote(string set)
    {
        var dir = Repo.Fixture("attestation", "tdx", set);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        var at = expected.RootElement.TryGetProperty("valid_from", out var from) && from.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(from.GetString()!, System.Globalization.CultureInfo.InvariantCulture).AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)
            : "2025-06-20T00:00:00Z";
        var r = Cli.Run("attest", "tdx", "--quote", Path.Combine(dir, "quote.bin"), "--collateral", dir, "--at", at, "--format", "json");
        if (r.ExitCode == 2)
        {
            return; // a deliberately malformed quote: refused before any JSON is written (tested elsewhere)
        }

        JsonSchemas.AssertValid("attest.schema.json", r.Out);
    }

    [Theory]
    [MemberData(nameof(GpuReports))]
    public void Attest_gpu_json_matches_its_schema_for_every_real_report(string report)
    {
        var dir = Repo.Fixture("attestation", "gpu", "reports", report);
        var r = Cli.Run("attest", "gpu", "--report", Path.Combine(dir, "report.hex"), "--certs", Path.Combine(dir, "chain.pem"), "--format", "json");
        Assert.InRange(r.ExitCode, 0, 1);
        JsonSchemas.AssertValid("attest.schema.json", r.Out);
    }

    [Fact]
    public void Verify_json_manifest_and_binding_of_an_attested_bundle_match_their_schemas()
    {
        using var dir = new TempDir();
        var tsmRoot = Directory.CreateDirectory(Path.Combine(dir.Path, "tsm", "report")).FullName;
        var bundle = Path.Combine(dir.Path, "b.tar.gz");
        BundleCollector.TsmFileSystem.Value = new BundleCliTests.FakeTsmKernel();
        BundleCollector.OpenNvml.Value = BundleGpuTests.NoNvml;
        try
        {
            var collect = Cli.Run("collect", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--out", bundle, "--attest", "--tsm-root", tsmRoot, "--nonce", "00ff00ff");
            Assert.True(collect.ExitCode == 0, collect.Error);
        }
        finally
        {
            BundleCollector.TsmFileSystem.Value = null;
            BundleCollector.OpenNvml.Value = null;
        }

        JsonSchemas.AssertValid("manifest.schema.json", Encoding.UTF8.GetString(Entry(bundle, "manifest.json")));
        JsonSchemas.AssertValid("binding.schema.json", Encoding.UTF8.GetString(Entry(bundle, "attestation/binding.json")));
        var verify = Cli.Run("verify", bundle, "--allow-unsigned", "--format", "json");
        JsonSchemas.AssertValid("verify.schema.json", verify.Out);
    }

    [Fact]
    public void The_schemas_reject_what_the_contract_forbids()
    {
        // Synthetic documents: each breaks one contract rule that no real run produces.
        var check = Cli.Run("check", "--root", Repo.Snapshot("h100-cc-off"), "--policy", "h100-tdx-cc-production", "--format", "json").Out;
        Assert.Empty(JsonSchemas.Errors("report.schema.json", check));
        Assert.NotEmpty(JsonSchemas.Errors("report.schema.json", check.Replace("\"verdict\": \"fail\"", "\"verdict\": \"failed\"", StringComparison.Ordinal)));
        Assert.NotEmpty(JsonSchemas.Errors("report.schema.json", check.Replace("\"schema\": \"cvmcheck/report/v1\"", "\"schema\": \"cvmcheck/report/v2\"", StringComparison.Ordinal)));
        Assert.NotEmpty(JsonSchemas.Errors("facts.schema.json", """{"schema":"cvmcheck/facts/v1","facts":{"gpu.count":{"value":null}}}"""));
        Assert.Empty(JsonSchemas.Errors("facts.schema.json", """{"schema":"cvmcheck/facts/v1","facts":{"gpu.count":{"value":null,"reason":"absent"}}}"""));
        Assert.NotEmpty(JsonSchemas.Errors("diagnose.schema.json", """{"schema":"cvmcheck/diagnose/v1","verdict":"fail","diagnoses":[{"id":"gpu.rm-init-failed","severity":"critical","confidence":"sure","evidence":[],"explanation":"","remediation":"","references":[]}]}"""));
        Assert.NotEmpty(JsonSchemas.Errors("manifest.schema.json", """{"schema":"cvmcheck/manifest/v1","tool":{"name":"cvmcheck","version":"1"},"created":"2026-01-01T00:00:00Z","host":"h","nonce":"00","artifacts":[{"path":"artifacts/../etc/passwd","kind":"file","size":1,"sha384":"00"}]}"""));
    }

    [Fact]
    public void Every_schema_is_a_draft_2020_12_schema_with_an_id_and_a_description()
    {
        Assert.Contains("common.schema.json", JsonSchemas.Files);
        foreach (var file in new[] { "report", "facts", "diagnose", "attest", "verify", "manifest", "binding", "policy" })
        {
            Assert.Contains(file + ".schema.json", JsonSchemas.Files);
        }

        foreach (var file in JsonSchemas.Files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(JsonSchemas.Directory, file)));
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", doc.RootElement.GetProperty("$schema").GetString());
            Assert.EndsWith("/" + file, doc.RootElement.GetProperty("$id").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("description").GetString()), file);
        }
    }

    private static byte[] Entry(string bundle, string name)
    {
        using var file = File.OpenRead(bundle);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } e)
        {
            if (e.Name == name && e.DataStream is { } data)
            {
                using var ms = new MemoryStream();
                data.CopyTo(ms);
                return ms.ToArray();
            }
        }

        throw new InvalidOperationException(name + " not in bundle");
    }
}
