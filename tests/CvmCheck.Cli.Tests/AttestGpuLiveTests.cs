using System.Runtime.InteropServices;
using System.Text.Json;
using CvmCheck.Attestation.Gpu.Nvml;
using CvmCheck.Cli.Attest.Gpu;
using CvmCheck.Cli.Tests.Fakes;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary><c>attest gpu --live</c> against <see cref="FakeNvml"/> serving real captured reports.</summary>
public sealed class AttestGpuLiveTests
{
    // h100_550.90.07, h100_570.124.03 and the flipped-signature negative (derived from 550.90.07) were all
    // captured with this request nonce.
    private const string CapturedNonce = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
    private const string OtherNonce = "4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e";
    private const string H100A = "reports/h100_550.90.07_vbios_96.00.9F.00.01";
    private const string H100B = "reports/h100_570.124.03_vbios_96.00.5E.00.04";
    private const string FlippedSignature = "negatives/derived_flipped_signature_byte";
    private static readonly DateTimeOffset At = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static (int Exit, JsonElement Json, string Text) Live(FakeNvml nvml, string? nonce = CapturedNonce, bool setReady = false, string format = "json", Func<byte[]>? random = null, string? policy = null)
    {
        var runner = new GpuLiveRunner(() => nvml, new FixedClock(At), random ?? (() => Convert.FromHexString(OtherNonce)));
        var stdout = new StringWriter();
        var exit = runner.Run(new GpuLiveRequest(nonce, setReady, Rims: null, Ocsp: null, At: null, format, policy), stdout);
        var text = stdout.ToString();
        return (exit, format == "json" ? JsonDocument.Parse(text).RootElement : default, text);
    }

    private static string[] Verdicts(JsonElement json) =>
        json.GetProperty("gpus").EnumerateArray().Select(g => g.GetProperty("verdict").GetString()!).ToArray();

    [Fact]
    public void Two_genuine_gpus_with_set_ready_pass_and_set_the_ready_state_exactly_once()
    {
        var nvml = new FakeNvml().WithGpu(H100A).WithGpu(H100B);

        var (exit, json, _) = Live(nvml, setReady: true);

        Assert.Equal(0, exit);
        Assert.Equal("pass", json.GetProperty("verdict").GetString());
        Assert.Equal(["pass", "pass"], Verdicts(json));
        Assert.Equal([true], nvml.ReadyStateSets);
        var setReady = json.GetProperty("setReady");
        Assert.True(setReady.GetProperty("requested").GetBoolean());
        Assert.True(setReady.GetProperty("done").GetBoolean());
        Assert.True(nvml.Disposed, "NVML must be shut down after the run");
    }

    [Fact]
    public void One_gpu_with_a_flipped_signature_byte_fails_and_nothing_is_set()
    {
        var nvml = new FakeNvml().WithGpu(H100A).WithGpu(FlippedSignature);

        var (exit, json, _) = Live(nvml, setReady: true);

        Assert.Equal(1, exit);
        Assert.Equal("fail", json.GetProperty("verdict").GetString());
        Assert.Equal(["pass", "fail"], Verdicts(json));
        Assert.Empty(nvml.ReadyStateSets);
        Assert.False(json.GetProperty("setReady").GetProperty("done").GetBoolean());
        var reason = json.GetProperty("setReady").GetProperty("reason").GetString()!;
        Assert.Contains("gpu[1]", reason, StringComparison.Ordinal);
        Assert.Contains("SignatureInvalid", reason, StringComparison.Ordinal);
        var signature = json.GetProperty("gpus")[1].GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "report.signature");
        Assert.Equal("SignatureInvalid", signature.GetProperty("code").GetString());
    }

    [Fact]
    public void The_given_nonce_is_sent_to_every_gpu_and_checked_against_each_report()
    {
        var nvml = new FakeNvml().WithGpu(H100A).WithGpu(H100B);

        var (exit, json, _) = Live(nvml, nonce: CapturedNonce);

        Assert.Equal(0, exit);
        Assert.Equal(2, nvml.NoncesSent.Count);
        Assert.All(nvml.NoncesSent, n => Assert.Equal(CapturedNonce, Convert.ToHexStringLower(n)));
        Assert.Equal(CapturedNonce, json.GetProperty("nonce").GetString());
        Assert.All(json.GetProperty("gpus").EnumerateArray(), g => Assert.True(g.GetProperty("claims").GetProperty("nonceMatches").GetBoolean()));
    }

    [Fact]
    public void Without_nonce_a_random_one_is_sent_and_a_report_answering_another_nonce_fails_with_NonceMismatch()
    {
        var nvml = new FakeNvml().WithGpu(H100A);

        var (exit, json, _) = Live(nvml, nonce: null, setReady: true, random: () => Convert.FromHexString(OtherNonce));

        Assert.Equal(1, exit);
        Assert.Equal(OtherNonce, Convert.ToHexStringLower(Assert.Single(nvml.NoncesSent)));
        var nonceStep = json.GetProperty("gpus")[0].GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "report.nonce");
        Assert.Equal("NonceMismatch", nonceStep.GetProperty("code").GetString());
        Assert.Empty(nvml.ReadyStateSets);
    }

    [Fact]
    public void Without_set_ready_the_ready_state_is_never_touched()
    {
        var nvml = new FakeNvml().WithGpu(H100A);

        var (exit, json, _) = Live(nvml);

        Assert.Equal(0, exit);
        Assert.Empty(nvml.ReadyStateSets);
        Assert.False(json.GetProperty("setReady").GetProperty("requested").GetBoolean());
    }

    [Fact]
    public void A_gpu_whose_report_nvml_cannot_produce_fails_that_gpu_and_blocks_set_ready()
    {
        var nvml = new FakeNvml { FailingDevice = 1 }.WithGpu(H100A).WithGpu(H100B);

        var (exit, json, _) = Live(nvml, setReady: true);

        Assert.Equal(1, exit);
        var gpu1 = json.GetProperty("gpus")[1];
        Assert.Equal("NvmlCallFailed", gpu1.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("Not Supported", gpu1.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(nvml.ReadyStateSets);
    }

    [Fact]
    public void Cc_mode_off_fails_before_asking_any_gpu()
    {
        var nvml = new FakeNvml { State = new NvmlConfComputeState(Environment: 0, CcFeature: 0, DevToolsMode: 0) }.WithGpu(H100A);

        var (exit, json, _) = Live(nvml, setReady: true);

        Assert.Equal(1, exit);
        Assert.Equal("CcModeOff", json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("off", json.GetProperty("cc").GetProperty("mode").GetString());
        Assert.Empty(nvml.NoncesSent);
        Assert.Empty(nvml.ReadyStateSets);
    }

    [Fact]
    public void A_failing_set_ready_call_exits_1_with_nvmls_reason()
    {
        var nvml = new FakeNvml { FailSetReady = true }.WithGpu(H100A);

        var (exit, json, _) = Live(nvml, setReady: true);

        Assert.Equal(1, exit);
        Assert.Equal("pass", json.GetProperty("verdict").GetString());
        Assert.Contains("Insufficient Permissions", json.GetProperty("setReady").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_output_names_each_gpu_and_the_ready_state_decision()
    {
        var nvml = new FakeNvml().WithGpu(H100A).WithGpu(FlippedSignature);

        var (_, _, text) = Live(nvml, setReady: true, format: "text");

        Assert.Contains("NVML: CC mode on, environment production", text, StringComparison.Ordinal);
        Assert.Contains("gpu[0]: pass", text, StringComparison.Ordinal);
        Assert.Contains("gpu[1]: fail", text, StringComparison.Ordinal);
        Assert.Contains("ready state: not set: gpu[1] fail (report.signature: SignatureInvalid", text, StringComparison.Ordinal);
        Assert.EndsWith("verdict: fail" + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_judges_each_gpu_with_its_cc_facts_and_a_policy_failure_blocks_set_ready()
    {
        using var dir = new TempDir();
        var policy = Path.Combine(dir.Path, "gpu.yaml");
        File.WriteAllText(policy, """
            apiVersion: cvmcheck/v1
            kind: Policy
            metadata: { name: needs-rims }
            rules:
              - id: gpu.attestation.fully-verified
                title: Every GPU is fully verified (RIMs and OCSP)
                severity: high
                fact: gpu[*].attestation.set_ready
                equals: true
              - id: gpu.cc.mode
                title: CC mode on
                severity: critical
                fact: gpu[*].cc.mode
                equals: "on"
            """);
        var nvml = new FakeNvml().WithGpu(H100A);

        var (exit, json, _) = Live(nvml, setReady: true, policy: policy);

        Assert.Equal(1, exit);
        var findings = json.GetProperty("gpus")[0].GetProperty("appraisal").GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("status").GetString());
        Assert.Equal("fail", findings["gpu.attestation.fully-verified"]);
        Assert.Equal("pass", findings["gpu.cc.mode"]);
        Assert.Empty(nvml.ReadyStateSets);
    }

    [Fact]
    public void Set_ready_without_live_is_bad_usage()
    {
        var r = Cli.Run("attest", "gpu", "--set-ready", "--report", Repo.Fixture("attestation", "gpu", H100A, "report.hex"), "--certs", Repo.Fixture("attestation", "gpu", H100A, "chain.pem"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--set-ready needs --live", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_with_a_report_file_is_bad_usage()
    {
        var r = Cli.Run("attest", "gpu", "--live", "--report", Repo.Fixture("attestation", "gpu", H100A, "report.hex"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--live", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_report_nor_live_is_bad_usage()
    {
        var r = Cli.Run("attest", "gpu");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--report FILE", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_nonce_is_bad_usage_before_nvml_is_opened()
    {
        var opened = false;
        var runner = new GpuLiveRunner(() => { opened = true; return new FakeNvml(); }, new FixedClock(At), () => new byte[32]);

        var e = Assert.Throws<UserInputException>(() => runner.Run(new GpuLiveRequest("abcd", true, null, null, null, "json", null), new StringWriter()));

        Assert.Contains("--nonce", e.Message, StringComparison.Ordinal);
        Assert.False(opened);
    }

    [NoNvmlFact]
    public void On_a_host_without_nvml_live_exits_1_with_an_NvmlNotFound_error()
    {
        var r = Cli.Run("attest", "gpu", "--live", "--set-ready", "--format", "json");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("fail", r.Json.GetProperty("verdict").GetString());
        Assert.Equal("NvmlNotFound", r.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.False(r.Json.GetProperty("setReady").GetProperty("done").GetBoolean());
    }

    [RequiresNvmlFact]
    public void On_a_cc_host_live_attestation_of_the_real_gpus_gives_a_verdict_for_each()
    {
        // Never --set-ready here: a test must not open a production CVM's GPUs to work.
        var r = Cli.Run("attest", "gpu", "--live", "--format", "json");

        Assert.InRange(r.ExitCode, 0, 1);
        Assert.Equal("cvmcheck/attest/v1", r.Json.GetProperty("schema").GetString());
        Assert.True(r.Json.TryGetProperty("error", out _) || r.Json.GetProperty("gpus").GetArrayLength() > 0);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>Runs only where libnvidia-ml.so.1 cannot be loaded (development and CI machines).</summary>
public sealed class NoNvmlFactAttribute : FactAttribute
{
    public NoNvmlFactAttribute()
    {
        if (NvmlProbe.Installed)
        {
            Skip = "libnvidia-ml.so.1 is installed on this host; the no-NVML path cannot be exercised here";
        }
    }
}

/// <summary>Runs only on a host with the NVIDIA driver (NVML); skipped elsewhere with the reason.</summary>
public sealed class RequiresNvmlFactAttribute : FactAttribute
{
    public RequiresNvmlFactAttribute()
    {
        if (!NvmlProbe.Installed)
        {
            Skip = "needs NVIDIA GPUs and libnvidia-ml.so.1 (a CC-mode H100/H200/Blackwell guest); none on this host";
        }
    }
}

internal static class NvmlProbe
{
    public static bool Installed { get; } = NativeLibrary.TryLoad("libnvidia-ml.so.1", out _);
}
