using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary>
/// A tiny synthetic snapshot (DESIGN.md §1a layout) and policies for the gate tests: a TDX guest
/// (cpuinfo flag <c>tdx_guest</c>) with one CPU, no EFI. Synthetic because these tests are about the
/// CLI's outputs and exit codes, not about probing real captures.
/// </summary>
internal sealed class GateFixture : IDisposable
{
    public const string PassingPolicyYaml = """
        apiVersion: cvmcheck/v1
        kind: Policy
        metadata: { name: gate-pass }
        rules:
          - id: tdx.guest
            title: This is a TDX guest
            severity: critical
            fact: tdx.guest.detected
            equals: true
        """;

    /// <summary>One pass, one fail under an active waiver, one fail under an expired waiver.</summary>
    public const string WaiverPolicyYaml = """
        apiVersion: cvmcheck/v1
        kind: Policy
        metadata: { name: gate-waivers }
        rules:
          - id: tdx.guest
            title: This is a TDX guest
            severity: critical
            fact: tdx.guest.detected
            equals: true
          - id: platform.uefi
            title: UEFI firmware
            severity: high
            fact: platform.firmware
            equals: uefi
            remediation: Boot with OVMF.
          - id: cpu.online
            title: Enough CPUs online
            severity: medium
            fact: cpu.online_count
            min: 64
        waivers:
          - { rule: platform.uefi, reason: "OVMF rollout pending", approver: ops-lead, expires: 2099-12-31 }
          - { rule: cpu.online, reason: "temporary small VM", approver: ops-lead, expires: 2020-01-01 }
        """;

    /// <summary>Only the actively waived rule fails: the verdict is pass.</summary>
    public const string ActiveWaiverOnlyYaml = """
        apiVersion: cvmcheck/v1
        kind: Policy
        metadata: { name: gate-waived-pass }
        rules:
          - id: platform.uefi
            title: UEFI firmware
            severity: high
            fact: platform.firmware
            equals: uefi
        waivers:
          - { rule: platform.uefi, reason: "OVMF rollout pending", approver: ops-lead, expires: 2099-12-31 }
        """;

    public const string FailingPolicyYaml = """
        apiVersion: cvmcheck/v1
        kind: Policy
        metadata: { name: gate-fail }
        rules:
          - id: platform.uefi
            title: UEFI firmware
            severity: high
            fact: platform.firmware
            equals: uefi
        """;

    private readonly TempDir dir = new();

    public GateFixture()
    {
        dir.Write("snapshot/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu tdx_guest\n\n");
        Snapshot = Path.Combine(dir.Path, "snapshot");
        PassingPolicy = dir.Write("pass.yaml", PassingPolicyYaml);
        WaiverPolicy = dir.Write("waivers.yaml", WaiverPolicyYaml);
        ActiveWaiverOnlyPolicy = dir.Write("waived-pass.yaml", ActiveWaiverOnlyYaml);
        FailingPolicy = dir.Write("fail.yaml", FailingPolicyYaml);
    }

    public string Root => dir.Path;

    public string Snapshot { get; }

    public string PassingPolicy { get; }

    public string WaiverPolicy { get; }

    public string ActiveWaiverOnlyPolicy { get; }

    public string FailingPolicy { get; }

    public string Write(string relative, string content) => dir.Write(relative, content);

    public string PathOf(string relative) => Path.Combine(dir.Path, relative);

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliApp.Run(args, stdout, stderr, isTerminal: false);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public void Dispose() => dir.Dispose();
}
