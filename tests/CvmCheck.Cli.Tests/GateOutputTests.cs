using System.Text.Json;
using System.Xml.Linq;

namespace CvmCheck.Cli.Tests;

/// <summary><c>check</c> feeding CI and monitoring: several outputs per run, stdout only the report,
/// waivers visible in every format.</summary>
public sealed class GateOutputTests : IDisposable
{
    private readonly GateFixture fx = new();

    public void Dispose() => fx.Dispose();

    [Fact]
    public void Several_formats_in_one_run_write_text_to_stdout_and_each_file_and_nothing_else_to_stdout()
    {
        Directory.CreateDirectory(fx.PathOf("out"));
        var json = fx.PathOf("out/report.json");
        var sarif = fx.PathOf("out/report.sarif");
        var junit = fx.PathOf("out/report.xml");
        var prom = fx.PathOf("out/cvmcheck.prom");

        var (exit, stdout, _) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.WaiverPolicy,
            "--format", "text", "--format", $"json:{json}", "--format", $"sarif:{sarif}", "--format", $"junit:{junit}", "--format", $"prometheus:{prom}");

        Assert.Equal(1, exit);
        Assert.StartsWith("cvmcheck: snapshot ", stdout);
        Assert.Contains("verdict: fail", stdout);
        Assert.DoesNotContain("{", stdout);
        Assert.Equal("fail", JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("verdict").GetString());
        Assert.Equal("2.1.0", JsonDocument.Parse(File.ReadAllText(sarif)).RootElement.GetProperty("version").GetString());
        Assert.Equal("testsuites", XDocument.Load(junit).Root!.Name.LocalName);
        Assert.Contains("cvmcheck_verdict 2\n", File.ReadAllText(prom));
        Assert.Empty(Directory.GetFiles(fx.PathOf("out"), ".*.tmp"));
    }

    [Fact]
    public void Machine_format_on_stdout_is_the_whole_stdout()
    {
        var (exit, stdout, _) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.PassingPolicy, "--format", "sarif");
        Assert.Equal(0, exit);
        Assert.Equal("2.1.0", JsonDocument.Parse(stdout).RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public void Unknown_format_is_bad_usage_naming_the_known_ones()
    {
        var (exit, _, stderr) = GateFixture.Run("check", "--root", fx.Snapshot, "--format", "yaml");
        Assert.Equal(2, exit);
        Assert.Contains("junit, sarif, prometheus, nfd", stderr);
    }

    [Fact]
    public void Fail_on_critical_turns_a_failing_high_rule_into_a_warning_and_exit_0()
    {
        Assert.Equal(1, GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.FailingPolicy, "--format", "json").Exit);
        var (exit, stdout, _) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.FailingPolicy, "--format", "json", "--fail-on", "critical");
        Assert.Equal(0, exit);
        Assert.Equal("warn", JsonDocument.Parse(stdout).RootElement.GetProperty("verdict").GetString());
        Assert.Equal(1, GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.FailingPolicy, "--fail-on", "critical", "--strict").Exit);
    }

    [Fact]
    public void Active_waiver_makes_the_run_pass_and_is_shown_in_every_format()
    {
        Directory.CreateDirectory(fx.PathOf("w"));
        var (exit, text, _) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.ActiveWaiverOnlyPolicy,
            "--format", "text", "--format", $"json:{fx.PathOf("w/r.json")}", "--format", $"junit:{fx.PathOf("w/r.xml")}",
            "--format", $"sarif:{fx.PathOf("w/r.sarif")}", "--format", $"prometheus:{fx.PathOf("w/r.prom")}");

        Assert.Equal(0, exit);
        Assert.Contains("WAIVED (1)", text);
        Assert.Contains("OVMF rollout pending", text);

        var finding = JsonDocument.Parse(File.ReadAllText(fx.PathOf("w/r.json"))).RootElement.GetProperty("findings")[0];
        Assert.Equal("waived", finding.GetProperty("status").GetString());

        var skipped = XDocument.Load(fx.PathOf("w/r.xml")).Descendants("skipped").Single();
        Assert.Contains("OVMF rollout pending", (string?)skipped.Attribute("message"));

        var result = JsonDocument.Parse(File.ReadAllText(fx.PathOf("w/r.sarif"))).RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal("accepted", result.GetProperty("suppressions")[0].GetProperty("status").GetString());

        Assert.Contains("cvmcheck_check_status{rule=\"platform.uefi\",subject=\"system\",severity=\"high\",waived=\"true\",policy=\"gate-waived-pass\"} 0", File.ReadAllText(fx.PathOf("w/r.prom")));
    }

    [Fact]
    public void Expired_waiver_fails_the_run_in_every_format()
    {
        Directory.CreateDirectory(fx.PathOf("x"));
        var (exit, _, _) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.WaiverPolicy,
            "--format", $"json:{fx.PathOf("x/r.json")}", "--format", $"junit:{fx.PathOf("x/r.xml")}", "--format", $"prometheus:{fx.PathOf("x/r.prom")}");

        Assert.Equal(1, exit);
        var cpu = JsonDocument.Parse(File.ReadAllText(fx.PathOf("x/r.json"))).RootElement.GetProperty("findings").EnumerateArray()
            .Single(f => f.GetProperty("id").GetString() == "cpu.online");
        Assert.Equal("fail", cpu.GetProperty("status").GetString());
        var failure = XDocument.Load(fx.PathOf("x/r.xml")).Descendants("testcase").Single(t => (string?)t.Attribute("name") == "cpu.online").Element("failure");
        Assert.Contains("waiver expired on 2020-01-01", (string?)failure!.Attribute("message"));
        Assert.Contains("cvmcheck_check_status{rule=\"cpu.online\",subject=\"system\",severity=\"medium\",waived=\"false\",policy=\"gate-waivers\"} 2", File.ReadAllText(fx.PathOf("x/r.prom")));
    }

    [Fact]
    public void Nfd_feature_file_is_written_from_the_live_result()
    {
        var file = fx.PathOf("cvmcheck");
        var (exit, _, _) = GateFixture.Run("check", "--root", fx.Snapshot, "--policy", fx.PassingPolicy, "--format", $"nfd:{file}");
        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(file);
        Assert.Contains("cvmcheck.io/tdx=true", lines);
        Assert.Contains("cvmcheck.io/gpu-cc-ready=false", lines);
        Assert.Contains("cvmcheck.io/verdict=pass", lines);
    }
}
