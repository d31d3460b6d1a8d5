using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary><c>check --gpu-report --gpu-certs</c>: GPU attestation claims as gpu[i].attestation.* facts for check policies.</summary>
public sealed class CheckGpuAttestationTests
{
    private const string Genuine = "reports/h100_550.90.07_vbios_96.00.9F.00.01";
    private const string FlippedSignature = "negatives/derived_flipped_signature_byte";
    private const string Nonce = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
    private const string At = "2024-06-01T00:00:00Z";

    // The h100-tdx-cc-on snapshot has 8 GPUs; the rule wants evidence for each once any is given.
    private const int SnapshotGpus = 8;

    private static string F(string dir, string file) => Repo.Fixture("attestation", "gpu", dir, file);

    private static string[] Pair(string dir) => ["--gpu-report", F(dir, "report.hex"), "--gpu-certs", F(dir, "chain.pem")];

    private static Cli.Result Check(params string[] evidence) =>
        Cli.Run(["check", "--root", Repo.Snapshot("h100-tdx-cc-on"), "--policy", "h100-tdx-cc-production", "--at", At, "--format", "json", .. evidence]);

    private static Dictionary<string, string> StatusBySubject(Cli.Result r, string id) =>
        r.Json.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("id").GetString() == id)
            .ToDictionary(f => f.GetProperty("subject").GetString()!, f => f.GetProperty("status").GetString()!);

    [Fact]
    public void A_genuine_report_for_every_gpu_adds_attestation_facts_and_passes()
    {
        var evidence = Enumerable.Repeat(Pair(Genuine), SnapshotGpus).SelectMany(p => p).Append("--gpu-nonce").Append(Nonce).ToArray();

        var r = Check(evidence);

        Assert.Equal(0, r.ExitCode);
        var genuine = StatusBySubject(r, "gpu.attestation.genuine");
        Assert.Equal(SnapshotGpus, genuine.Count);
        Assert.All(genuine.Values, s => Assert.Equal("pass", s));
        var facts = r.Json.GetProperty("facts");
        Assert.True(facts.GetProperty("gpu[0].attestation.verified").GetProperty("value").GetBoolean());
        Assert.True(facts.GetProperty("gpu[7].attestation.nonce_matches").GetProperty("value").GetBoolean());
        Assert.Equal("550.90.07", facts.GetProperty("gpu[0].attestation.driver_version").GetProperty("value").GetString());
        Assert.EndsWith("report.hex", facts.GetProperty("gpu[0].attestation.verified").GetProperty("artifact").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_with_a_flipped_signature_byte_fails_the_rule_for_that_gpu()
    {
        var evidence = Pair(FlippedSignature).Concat(Enumerable.Repeat(Pair(Genuine), SnapshotGpus - 1).SelectMany(p => p)).ToArray();

        var r = Check(evidence);

        Assert.Equal(1, r.ExitCode);
        var genuine = StatusBySubject(r, "gpu.attestation.genuine");
        Assert.Equal("fail", genuine["gpu[0]"]);
        Assert.Equal("pass", genuine["gpu[1]"]);
        Assert.False(r.Json.GetProperty("facts").GetProperty("gpu[0].attestation.signature_valid").GetProperty("value").GetBoolean());
    }

    [Fact]
    public void Gpus_left_without_a_report_fail_closed_once_any_report_is_given()
    {
        var r = Check(Pair(Genuine));

        Assert.Equal(1, r.ExitCode);
        var genuine = StatusBySubject(r, "gpu.attestation.genuine");
        Assert.Equal("pass", genuine["gpu[0]"]);
        Assert.Equal("fail", genuine["gpu[1]"]);
    }

    [Fact]
    public void Without_gpu_reports_the_gpu_attestation_rule_skips()
    {
        var r = Check();

        Assert.Equal(0, r.ExitCode);
        Assert.All(StatusBySubject(r, "gpu.attestation.genuine").Values, s => Assert.Equal("skip", s));
    }

    [Fact]
    public void A_truncated_report_is_bad_input_naming_the_file_and_offset()
    {
        var r = Check(Pair("negatives/derived_truncated_tail"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("derived_truncated_tail", r.Error, StringComparison.Ordinal);
        Assert.Contains("offset", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpaired_reports_and_chains_are_bad_usage()
    {
        var r = Check([.. Pair(Genuine), "--gpu-report", F(Genuine, "report.hex")]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("one chain per report", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpu_certs_without_a_report_are_bad_usage()
    {
        var r = Check("--gpu-certs", F(Genuine, "chain.pem"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--gpu-report", r.Error, StringComparison.Ordinal);
    }
}
