using System.Text.RegularExpressions;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary>
/// Golden files for the CI/monitoring formats produced end to end by <c>cvmcheck check</c> on a real
/// capture (eight H100s, driver 580, CC mode not reported — see golden/inputs/PROVENANCE.md), with a
/// policy written here so the output does not move when built-in policies evolve. Run time and the
/// checkout's path are normalised. To accept an intended change:
/// <c>UPDATE_GOLDEN=1 dotnet test tests/CvmCheck.Cli.Tests --filter GateRealCapture</c>, then review the diff.
/// </summary>
public sealed partial class GateRealCaptureTests : IDisposable
{
    private const string PolicyYaml = """
        apiVersion: cvmcheck/v1
        kind: Policy
        metadata: { name: real-capture }
        rules:
          - id: gpu.count
            title: Eight GPUs are visible
            severity: critical
            fact: gpu.count
            equals: 8
            remediation: A GPU is missing; run 'cvmcheck diagnose'.
          - id: gpu.vbios
            title: GPUs run the qualified VBIOS
            severity: medium
            fact: gpu[*].vbios.version
            equals: "96.00.99.00.01"
          - id: gpu.persistence
            title: Persistence mode is enabled
            severity: medium
            fact: gpu[*].persistence_mode
            equals: enabled
          - id: nvidia.driver.branch
            title: The driver is on the R580 branch
            severity: high
            fact: nvidia.driver.version
            version: ">=580 <581"
          - id: gpu.cc.mode
            title: GPU confidential computing mode is on
            severity: critical
            fact: gpu[*].cc.mode
            equals: "on"
            remediation: Enable CC mode on the host and restart the CVM.
            references: [ "https://github.com/NVIDIA/gpu-admin-tools" ]
        waivers:
          - { rule: gpu.cc.mode, subject: "gpu[7]", reason: "GPU 7 serves non-CC jobs", approver: sre-lead, expires: 2099-12-31 }
        """;

    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static string Snapshot => Path.Combine(Repo.Root, "tests", "CvmCheck.Reporting.Tests", "golden", "inputs", "h100x8-passthrough-580");

    [Theory]
    [InlineData("junit", "h100x8.junit.xml")]
    [InlineData("sarif", "h100x8.sarif")]
    [InlineData("prometheus", "h100x8.prom")]
    [InlineData("nfd", "h100x8.nfd")]
    public void Check_on_the_real_capture_renders_as_the_golden_file(string format, string golden)
    {
        var policy = dir.Write("real-capture.yaml", PolicyYaml);
        var output = Path.Combine(dir.Path, golden);

        var (exit, _, stderr) = GateFixture.Run("check", "--root", Snapshot, "--policy", policy, "--format", $"{format}:{output}");

        Assert.True(exit == 1, stderr);
        AssertGolden(golden, Normalise(File.ReadAllText(output)));
    }

    /// <summary>Replaces what differs between runs and machines: the run time and the checkout path.</summary>
    private static string Normalise(string text)
    {
        text = text.Replace(Repo.Root, "<repo>", StringComparison.Ordinal);
        text = IsoTime().Replace(text, "<time>");
        return UnixTime().Replace(text, "cvmcheck_last_run_timestamp_seconds <time>");
    }

    private static void AssertGolden(string name, string actual)
    {
        var path = Path.Combine(Repo.Root, "tests", "CvmCheck.Reporting.Tests", "golden", "real", name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it and review it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"cvmcheck_last_run_timestamp_seconds \d+")]
    private static partial Regex UnixTime();
}
