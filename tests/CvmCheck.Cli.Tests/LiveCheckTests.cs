using System.Diagnostics;
using System.Text.Json;

namespace CvmCheck.Cli.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LiveCheckTests
{
    private const string Production = "h100-tdx-cc-production";

    // The first lines of a real `nvidia-smi -q -x` (NVIDIA/k8s-test-infra qx-h100.xml, Apache-2.0,
    // vectors/host/nvidia-smi-xml/k8stestinfra_h100-8x-580.xml), cut mid-document as a crashing
    // nvidia-smi leaves it.
    private const string TruncatedXml = """
        <?xml version="1.0" ?>
        <!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_v13.dtd">
        <nvidia_smi_log>
        	<timestamp>Fri Aug 21 08:54:01 2026</timestamp>
        	<driver_version>580.105.08</driver_version>
        	<cuda_version>13.0</cuda_version>
        	<attached_gpus>8</attached_gpus>
        	<gpu id="00000000:53:00.0">
        		<product_name>NVIDIA H100 80GB HBM3</product_name>
        		<product_brand>NVI
        """;

    [DevelopmentHostFact]
    public void Live_check_on_this_non_TDX_GPU_less_host_exits_1_quickly_with_tdx_and_gpu_findings()
    {
        using var fakes = new LiveFakes();
        var result = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(3), $"live check took {result.Elapsed}");
        Assert.Equal("fail", result.Status("tdx.guest.detected"));
        Assert.Contains(result.Status("gpu.visible"), new[] { "fail", "error" });
        Assert.Equal("live host", result.Json.GetProperty("source").GetString());
    }

    [Fact]
    public void Nvidia_smi_that_hangs_is_killed_and_reported_as_timeout()
    {
        using var fakes = new LiveFakes();
        fakes.Executable("nvidia-smi", "sleep 1000");

        var result = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(3.5), $"a hung nvidia-smi cost {result.Elapsed} with a 1 s timeout");
        Assert.Equal(JsonValueKind.Null, result.Fact("gpu.count").GetProperty("value").ValueKind);
        Assert.Equal("timeout", result.Fact("gpu.count").GetProperty("reason").GetString());
        Assert.Equal("error", result.Status("gpu.visible"));
    }

    [Fact]
    public void Nvidia_smi_that_exits_9_is_reported_as_exit_9()
    {
        using var fakes = new LiveFakes();
        fakes.Executable("nvidia-smi", "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'\nexit 9");

        var result = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("exit 9", result.Fact("gpu.count").GetProperty("reason").GetString());
        Assert.Equal("NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.", result.Fact("nvidia.smi.status").GetProperty("value").GetString());
        Assert.Equal("error", result.Status("gpu.visible"));
        Assert.Equal("exit 9", result.Fact("cc.mode").GetProperty("reason").GetString());
    }

    [Fact]
    public void Nvidia_smi_that_prints_truncated_xml_is_reported_as_unparseable()
    {
        using var fakes = new LiveFakes();
        fakes.Executable("nvidia-smi", $"cat <<'EOF'\n{TruncatedXml}\nEOF");

        var result = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("unparseable: ", result.Fact("gpu.count").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("error", result.Status("gpu.visible"));
    }

    [Fact]
    public void Snapshot_holding_a_truncated_nvidia_smi_xml_gives_unparseable_and_an_error_finding()
    {
        using var fakes = new LiveFakes();
        var snapshot = Path.Combine(fakes.Temp, "snap");
        Directory.CreateDirectory(Path.Combine(snapshot, "commands"));
        File.WriteAllText(Path.Combine(snapshot, "commands", "nvidia-smi_-q_-x.out"), TruncatedXml);
        File.WriteAllText(Path.Combine(snapshot, "commands", "nvidia-smi_-q_-x.exit"), "0\n");

        var result = fakes.Run("check", "--root", snapshot, "--policy", Production, "--format", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("unparseable: ", result.Fact("gpu.count").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("error", result.Status("gpu.visible"));
    }

    [Fact]
    public void Host_without_nvidia_smi_reports_not_found_and_fails_closed()
    {
        using var fakes = new LiveFakes { RealPathToo = false };

        var result = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("not-found", result.Fact("gpu.count").GetProperty("reason").GetString());
        // No nvidia-smi on the host is an absence (no GPU stack), not a failure to read: fail, not error.
        Assert.Equal("fail", result.Status("gpu.visible"));
    }

    [Fact]
    public void Non_nvidia_host_has_no_nvidia_pci_function_and_fails_closed()
    {
        using var fakes = new LiveFakes { RealPathToo = false };
        fakes.RootFile("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme\n");
        fakes.RootFile("sys/bus/pci/devices/0000:00:02.0/vendor", "0x8086\n");
        fakes.RootFile("sys/devices/system/cpu/present", "0-3\n");
        fakes.RootFile("sys/devices/system/cpu/online", "0-3\n");

        var result = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(0, result.Fact("pci.nvidia.count").GetProperty("value").GetInt64());
        Assert.Equal("fail", result.Status("tdx.guest.detected"));
        Assert.Equal("fail", result.Status("nvidia.driver.loaded"));
        Assert.Equal("pass", result.Status("cpu.all-online"));
    }

    [Fact]
    public void Container_whose_nvidia_smi_cannot_be_started_reports_it_as_unreadable_not_a_crash()
    {
        using var fakes = new LiveFakes { RealPathToo = false };
        File.WriteAllBytes(Path.Combine(fakes.Bin, "nvidia-smi"), [0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]); // a broken ELF: exec fails
        File.SetUnixFileMode(Path.Combine(fakes.Bin, "nvidia-smi"), UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var result = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("unreadable: could not start: ", result.Fact("gpu.count").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("error", result.Status("gpu.visible"));
    }

    [Fact]
    public void Process_less_container_with_nothing_mounted_gives_facts_with_reasons_and_exit_1()
    {
        using var fakes = new LiveFakes { RealPathToo = false };
        fakes.RootFile(".keep", string.Empty);

        var result = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(JsonValueKind.False, result.Fact("tdx.guest.detected").GetProperty("value").ValueKind);
        Assert.Equal("not-found", result.Fact("kernel.version").GetProperty("reason").GetString());
        Assert.Equal("absent", result.Fact("kernel.cmdline").GetProperty("reason").GetString());
        Assert.Equal("fail", result.Status("nvidia.driver.loaded"));
        Assert.Equal("fail", result.Json.GetProperty("verdict").GetString());
    }

    [NotAsRootFact]
    public void Unreadable_driver_version_file_gives_an_error_finding()
    {
        using var fakes = new LiveFakes { RealPathToo = false };
        var path = fakes.RootFile("proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.127.05\n");
        File.SetUnixFileMode(path, UnixFileMode.None);

        var result = fakes.Run("check", "--policy", Production, "--format", "json", "--command-timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("unreadable: permission denied", result.Fact("nvidia.driver.version").GetProperty("reason").GetString());
        Assert.Equal("error", result.Status("nvidia.driver.loaded"));
    }

    [Fact]
    public async Task Verbose_json_logs_go_to_stderr_and_stdout_holds_only_the_report()
    {
        var binary = Path.Combine(AppContext.BaseDirectory, "cvmcheck");
        Assert.True(File.Exists(binary), "the cvmcheck apphost is built beside the tests");
        using var fakes = new LiveFakes();
        fakes.Executable("nvidia-smi", "echo 'No devices were found'\nexit 6");
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "check", "--format", "json", "--verbose", "--log-format", "json", "--command-timeout", "2s" },
        };
        start.Environment["PATH"] = fakes.Bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, process.ExitCode);
        Assert.Equal("cvmcheck/report/v1", JsonDocument.Parse(await stdout).RootElement.GetProperty("schema").GetString());
        var logs = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Contains(logs, l => l.GetProperty("LogLevel").GetString() == "Debug"
            && l.GetProperty("Message").GetString()!.StartsWith("nvidia-smi -q -x: exit 6", StringComparison.Ordinal));
    }
}
