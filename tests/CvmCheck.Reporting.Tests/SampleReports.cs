using CvmCheck.Core.Facts;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;
using CvmCheck.Core.Diagnosis;

namespace CvmCheck.Reporting.Tests;

/// <summary>
/// A hand-built report holding one finding of every status (pass, skip, warn, fail, error, waived, and a
/// fail from an expired waiver) and one diagnosis, on a two-GPU TDX guest with GPU 1 out of CC mode.
/// Synthetic on purpose: golden files must cover every branch of every writer, which no single real
/// capture does. The timestamp is fixed so the golden files are stable.
/// </summary>
internal static class SampleReports
{
    public static readonly DateTimeOffset Timestamp = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static CheckReport Mixed()
    {
        var facts = new FactSet();
        facts.Add(Fact.Of(FactNames.TdxGuestDetected, true, "proc/cpuinfo", 12));
        facts.Add(Fact.Of(FactNames.GpuCount, 2L, "commands/nvidia-smi_-q_-x.out", 9));
        facts.Add(Fact.Of(FactNames.ForGpu(0, FactNames.Gpu.CcMode), "on", "commands/nvidia-smi_conf-compute_-f.out", 1));
        facts.Add(Fact.Of(FactNames.ForGpu(1, FactNames.Gpu.CcMode), "off", "commands/nvidia-smi_conf-compute_-f.out", 2));
        facts.Add(Fact.Of(FactNames.ForGpu(0, FactNames.Gpu.CcReady), true, "commands/nvidia-smi_conf-compute_-grs.out", 1));
        facts.Add(Fact.Of(FactNames.ForGpu(1, FactNames.Gpu.CcReady), false, "commands/nvidia-smi_conf-compute_-grs.out", 2));
        facts.Add(Fact.Of(FactNames.NvidiaDriverVersion, "580.105.08", "proc/driver/nvidia/version", 1));

        var ccMode = new Finding
        {
            Id = "gpu.cc.mode", Subject = "gpu[0]", Status = FindingStatus.Pass, Severity = Severity.Critical,
            Title = "GPU confidential computing mode is on", Expected = "on", Actual = "on", Fact = "gpu[0].cc.mode",
            Evidence = [new Evidence("commands/nvidia-smi_conf-compute_-f.out", 1)],
            Remediation = "Enable CC mode on the host for this GPU and restart the CVM.",
            References = ["https://github.com/NVIDIA/gpu-admin-tools"], Policy = "h100-tdx-cc-production",
        };
        Finding[] findings =
        [
            ccMode,
            ccMode with { Subject = "gpu[1]", Status = FindingStatus.Fail, Actual = "off", Fact = "gpu[1].cc.mode", Evidence = [new Evidence("commands/nvidia-smi_conf-compute_-f.out", 2)] },
            new Finding
            {
                Id = "tdx.td.no-debug", Subject = "system", Status = FindingStatus.Skip, Severity = Severity.Critical,
                Title = "The trust domain is not a debug TD", Expected = "false", Note = "skipped: its 'when' guard does not hold",
                Policy = "h100-tdx-cc-production",
            },
            new Finding
            {
                Id = "nvidia.persistenced.active", Subject = "system", Status = FindingStatus.Warn, Severity = Severity.Low,
                Title = "nvidia-persistenced is running", Expected = "true", Actual = "false", Fact = "nvidia.persistenced.active",
                Evidence = [new Evidence("commands/systemctl_is-active_nvidia-persistenced.out", 1)],
                Remediation = "systemctl enable --now nvidia-persistenced", Policy = "baseline",
            },
            new Finding
            {
                Id = "kernel.swiotlb", Subject = "system", Status = FindingStatus.Error, Severity = Severity.High,
                Title = "SWIOTLB is large enough for GPU DMA", Expected = ">= 1024", Actual = null, Fact = "kernel.swiotlb.size_mb",
                Note = "unreadable: permission denied", Evidence = [new Evidence("sys/kernel/debug/swiotlb/io_tlb_nslabs", null)],
                Policy = "baseline",
            },
            new Finding
            {
                Id = "gpu.persistence", Subject = "gpu[1]", Status = FindingStatus.Waived, Severity = Severity.Medium,
                Title = "Persistence mode is enabled", Expected = "enabled", Actual = "disabled", Fact = "gpu[1].persistence_mode",
                Evidence = [new Evidence("commands/nvidia-smi_-q_-x.out", 88)],
                Note = "waived until 2099-12-31 by sre-lead: GPU 1 is reserved for a burn-in test",
                Waiver = new Waiver("gpu.persistence", "GPU 1 is reserved for a burn-in test", "sre-lead", new DateOnly(2099, 12, 31), "gpu[1]", SourcePosition.None),
                Policy = "baseline",
            },
            new Finding
            {
                Id = "platform.uefi", Subject = "system", Status = FindingStatus.Fail, Severity = Severity.High,
                Title = "The guest boots with UEFI firmware (OVMF)", Expected = "uefi", Actual = "bios", Fact = "platform.firmware",
                Evidence = [new Evidence("sys/firmware/efi", null), new Evidence("sys/class/dmi/id/bios_vendor", 1)],
                Note = "waiver expired on 2020-01-31 (approved by \"ops\" <ops@example.com>)",
                Waiver = new Waiver("platform.uefi", "migration to OVMF pending", "\"ops\" <ops@example.com>", new DateOnly(2020, 1, 31), null, SourcePosition.None),
                Remediation = "Boot the CVM with a TDX-enabled OVMF, not SeaBIOS.", Policy = "h100-tdx-cc-production",
            },
        ];

        return new CheckReport
        {
            Verdict = Verdict.Fail,
            Findings = findings,
            Diagnoses =
            [
                new Diagnosis
                {
                    Id = "gpu.rm-init-failed", Title = "The GPU failed to initialise (RmInitAdapter)", Severity = Severity.Critical, Confidence = "high",
                    Evidence = [new Evidence("dev/kmsg", 1432, "NVRM: GPU 0000:1b:00.0: RmInitAdapter failed! (0x62:0x65:1820)\u0007")],
                    Explanation = "The driver could not bring the GPU up.", Remediation = "Check the FSP/GSP boot messages above it.",
                },
            ],
            Facts = facts,
            Policies = ["baseline", "h100-tdx-cc-production"],
            Source = "snapshot fixtures/snapshots/sample",
            Timestamp = Timestamp,
            FailOn = Severity.Medium,
        };
    }

    public static CheckReport Passing()
    {
        var facts = new FactSet();
        facts.Add(Fact.Of(FactNames.TdxGuestDetected, true, "proc/cpuinfo", 12));
        facts.Add(Fact.Of(FactNames.GpuCount, 1L, "commands/nvidia-smi_-q_-x.out", 9));
        facts.Add(Fact.Of(FactNames.ForGpu(0, FactNames.Gpu.CcMode), "on", "commands/nvidia-smi_conf-compute_-f.out", 1));
        facts.Add(Fact.Of(FactNames.ForGpu(0, FactNames.Gpu.CcReady), true, "commands/nvidia-smi_conf-compute_-grs.out", 1));
        return new CheckReport
        {
            Verdict = Verdict.Pass,
            Findings =
            [
                new Finding
                {
                    Id = "gpu.cc.mode", Subject = "gpu[0]", Status = FindingStatus.Pass, Severity = Severity.Critical,
                    Title = "GPU confidential computing mode is on", Expected = "on", Actual = "on", Policy = "h100-tdx-cc-production",
                },
            ],
            Facts = facts,
            Policies = ["h100-tdx-cc-production"],
            Timestamp = Timestamp,
        };
    }

    public static string Render(string format, CheckReport report)
    {
        using var stream = new MemoryStream();
        ReportFormats.Write(format, stream, report);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
