using System.Text;
using System.Text.Json;
using CvmCheck.Cli;
using CvmCheck.Cli.Commands;
using CvmCheck.Core.Rules;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

public sealed class DiagnoseCommandTests
{
    private static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliApp.Run(args, stdout, stderr, isTerminal: false);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void Incident_log_exits_1_with_schema_verdict_and_diagnoses_with_evidence()
    {
        var (exit, output, _) = Cli("diagnose", "--log", Repo.Fixture("logs", "tdx-h100-rminit-badf4100-fsp.log"), "--format", "json");
        Assert.Equal(ExitCodes.Failed, exit);
        var json = Json(output);
        Assert.Equal("cvmcheck/diagnose/v1", json.GetProperty("schema").GetString());
        Assert.Equal("fail", json.GetProperty("verdict").GetString());
        var rm = json.GetProperty("diagnoses").EnumerateArray().Single(d => d.GetProperty("id").GetString() == "gpu.rm-init-failed");
        Assert.Equal("critical", rm.GetProperty("severity").GetString());
        Assert.Equal("high", rm.GetProperty("confidence").GetString());
        var evidence = rm.GetProperty("evidence").EnumerateArray().Single(e => e.GetProperty("line").GetInt32() == 3);
        Assert.Contains("RmInitAdapter failed!", evidence.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("tdx-h100-rminit-badf4100-fsp.log", evidence.GetProperty("artifact").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(rm.GetProperty("remediation").GetString()));
        Assert.Equal(JsonValueKind.Array, rm.GetProperty("references").ValueKind);
        Assert.Equal("0x62:0x65:1792", rm.GetProperty("captures").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("tdx-guest-detected-dmesg-grep.log")]
    [InlineData("cc-mode-on-host-query.log")]
    public void Healthy_logs_with_only_informational_diagnoses_pass_with_exit_0(string file)
    {
        var (exit, output, _) = Cli("diagnose", "--log", Repo.Fixture("logs", file), "--format", "json", "--fail-on", "info");
        Assert.Equal(ExitCodes.Ok, exit);
        var json = Json(output);
        Assert.Equal("pass", json.GetProperty("verdict").GetString());
        Assert.All(json.GetProperty("diagnoses").EnumerateArray(), d => Assert.Equal("info", d.GetProperty("severity").GetString()));
        Assert.NotEmpty(json.GetProperty("diagnoses").EnumerateArray());
    }

    [Fact]
    public void Fail_on_raises_the_threshold_so_a_low_diagnosis_only_warns()
    {
        var log = Repo.Fixture("logs", "follow-pte-rwsem-warning-resume-6.11.log");
        Assert.Equal(ExitCodes.Ok, Cli("diagnose", "--log", log).Exit);
        Assert.Equal(ExitCodes.Failed, Cli("diagnose", "--log", log, "--fail-on", "low").Exit);
        var (exit, output, _) = Cli("diagnose", "--log", Repo.Fixture("logs", "cpu-thermal-throttle-mce.log"), "--fail-on", "critical", "--format", "json");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("warn", Json(output).GetProperty("verdict").GetString());
    }

    [Fact]
    public void Text_output_names_each_diagnosis_with_its_evidence_line_and_fix()
    {
        var (exit, output, _) = Cli("diagnose", "--log", Repo.Fixture("logs", "bar1-invalid-vm-gpu-operator.log"));
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("verdict: fail", output, StringComparison.Ordinal);
        Assert.Contains("[critical] gpu.bar-unassigned", output, StringComparison.Ordinal);
        Assert.Contains("bar1-invalid-vm-gpu-operator.log:1: [83260.063553] NVRM: This PCI I/O region", output, StringComparison.Ordinal);
        Assert.Contains("fix: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Terminal_escape_sequences_in_a_log_are_not_written_raw()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "evil.log");
        File.WriteAllText(path, "[   1.0] NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x62:0x65:1792) \u001b]0;owned\u0007\u001b[2J\n");
        var (_, output, _) = Cli("diagnose", "--log", path);
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("\\x1b", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Standard_input_is_read_with_dash()
    {
        var stdout = new StringWriter();
        var context = new CliContext(stdout, new StringWriter(), new GlobalOptions());
        var bytes = Encoding.UTF8.GetBytes(File.ReadAllText(Repo.Fixture("logs", "cvm-swiotlb-full-virtio.log")));
        var exit = DiagnoseCommand.RunLog(context, "-", "json", Severity.Medium, () => new MemoryStream(bytes));
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("tdx.swiotlb-full", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("<stdin>", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--log", "/nonexistent/kernel.log")]
    [InlineData("--root", "/nonexistent/snapshot")]
    public void Missing_input_is_bad_input_exit_2_with_one_message(string option, string path)
    {
        var (exit, output, error) = Cli("diagnose", option, path);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Empty(output);
        Assert.Contains(path, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_with_root_or_from_is_bad_usage()
    {
        Assert.Equal(ExitCodes.BadInput, Cli("diagnose", "--log", "a", "--root", "b").Exit);
        Assert.Equal(ExitCodes.BadInput, Cli("diagnose", "--log", "a", "--from", "b.tar.gz").Exit);
        Assert.Equal(ExitCodes.BadInput, Cli("diagnose", "--root", "/nonexistent/snapshot").Exit);
        Assert.Equal(ExitCodes.BadInput, Cli("diagnose", "--log", "a", "--fail-on", "severe").Exit);
    }

    [Fact]
    public void Empty_log_passes()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "empty.log");
        File.WriteAllBytes(path, []);
        var (exit, output, _) = Cli("diagnose", "--log", path, "--format", "json");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(0, Json(output).GetProperty("diagnoses").GetArrayLength());
    }
}
