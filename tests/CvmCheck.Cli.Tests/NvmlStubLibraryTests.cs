using System.Diagnostics;
using System.Text.Json;
using CvmCheck.Formats.Spdm;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary>
/// The real NVML P/Invoke path end to end: <c>cvmcheck attest gpu --live</c> runs in a child process with
/// <c>LD_LIBRARY_PATH</c> pointing at <c>Fakes/nvml_stub.c</c> compiled as <c>libnvidia-ml.so.1</c>, which
/// C-compiles the structs from nvml.h's declarations and serves a captured real report. A layout mismatch
/// between our C# structs and the C ones would lose the nonce or the report here.
/// </summary>
public sealed class NvmlStubLibraryTests
{
    private const string Report = "reports/h100_550.90.07_vbios_96.00.9F.00.01";
    private const string CapturedNonce = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";

    [StubNvmlFact]
    public void Real_pinvoke_against_a_stub_library_sends_the_nonce_verifies_two_gpus_and_sets_ready_once()
    {
        using var dir = new TempDir();
        var (exit, json, log) = RunLive(dir.Path, gpus: 2, "--nonce", CapturedNonce, "--set-ready", "--at", "2024-06-01T00:00:00Z", "--format", "json");

        Assert.Equal(0, exit);
        Assert.Equal("pass", json.GetProperty("verdict").GetString());
        Assert.Equal(2, json.GetProperty("gpus").GetArrayLength());
        Assert.Equal("on", json.GetProperty("cc").GetProperty("mode").GetString());
        Assert.Equal("production", json.GetProperty("cc").GetProperty("environment").GetString());
        Assert.Equal(["nonce " + CapturedNonce, "nonce " + CapturedNonce], log.Where(l => l.StartsWith("nonce ", StringComparison.Ordinal)));
        Assert.Equal(["set-ready 1"], log.Where(l => l.StartsWith("set-ready", StringComparison.Ordinal)));
        Assert.Equal("shutdown", log[^1]);
    }

    [StubNvmlFact]
    public void Real_pinvoke_with_a_random_nonce_fails_the_captured_report_and_sets_nothing()
    {
        using var dir = new TempDir();
        var (exit, json, log) = RunLive(dir.Path, gpus: 1, "--set-ready", "--at", "2024-06-01T00:00:00Z", "--format", "json");

        Assert.Equal(1, exit);
        var sent = Assert.Single(log, l => l.StartsWith("nonce ", StringComparison.Ordinal))["nonce ".Length..];
        Assert.Equal(json.GetProperty("nonce").GetString(), sent);
        Assert.DoesNotContain(log, l => l.StartsWith("set-ready", StringComparison.Ordinal));
    }

    private static (int Exit, JsonElement Json, string[] Log) RunLive(string dir, int gpus, params string[] args)
    {
        var library = Path.Combine(dir, "libnvidia-ml.so.1");
        Compile(Path.Combine(AppContext.BaseDirectory, "Fakes", "nvml_stub.c"), library);
        var report = Path.Combine(dir, "report.bin");
        File.WriteAllBytes(report, SpdmReportFile.Decode(File.ReadAllBytes(Repo.Fixture("attestation", "gpu", Report, "report.hex"))));
        var log = Path.Combine(dir, "calls.log");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cvmcheck.dll"));
        foreach (var a in (string[])["attest", "gpu", "--live", .. args])
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LD_LIBRARY_PATH"] = dir;
        start.Environment["FAKE_NVML_REPORT"] = report;
        start.Environment["FAKE_NVML_CHAIN"] = Repo.Fixture("attestation", "gpu", Report, "chain.pem");
        start.Environment["FAKE_NVML_GPUS"] = gpus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FAKE_NVML_LOG"] = log;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "cvmcheck did not finish in 60 s");
        Assert.True(stderr.Result.Length == 0, stderr.Result);
        return (process.ExitCode, JsonDocument.Parse(stdout.Result).RootElement, File.ReadAllLines(log));
    }

    private static void Compile(string source, string output)
    {
        using var cc = Process.Start(new ProcessStartInfo("cc", ["-shared", "-fPIC", "-O1", "-o", output, source]) { RedirectStandardError = true })!;
        var errors = cc.StandardError.ReadToEnd();
        cc.WaitForExit();
        Assert.True(cc.ExitCode == 0, "cc failed: " + errors);
    }
}

/// <summary>Needs a C compiler to build the stub NVML; skipped with the reason where there is none.</summary>
public sealed class StubNvmlFactAttribute : FactAttribute
{
    public StubNvmlFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "the stub libnvidia-ml.so.1 is a Linux shared object";
        }
        else if (!(Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, "cc"))))
        {
            Skip = "no C compiler (cc) on PATH to build the stub libnvidia-ml.so.1";
        }
    }
}
