using System.Text.Json;
using CvmCheck.Cli;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests;

/// <summary><c>diagnose --root</c> on the seed-incident snapshots (fixtures/snapshots/PROVENANCE.md): each
/// must yield exactly the failure and informational diagnoses its <c>.expected.json</c> lists.</summary>
public sealed class DiagnoseSeedSnapshotTests
{
    public static TheoryData<string> Seeds() =>
        new(Directory.GetDirectories(Repo.Fixture("snapshots"), "seed-*").Select(Path.GetFileName).Order().Cast<string>());

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Seed_snapshot_yields_its_expected_diagnoses(string seed)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Repo.Snapshot(seed) + ".expected.json")).RootElement;
        var stdout = new StringWriter();
        var exit = CliApp.Run(["diagnose", "--root", Repo.Snapshot(seed), "--format", "json"], stdout, new StringWriter(), isTerminal: false);
        var diagnoses = JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("diagnoses").EnumerateArray().ToArray();
        var failures = diagnoses.Where(d => d.GetProperty("severity").GetString() != "info").Select(d => d.GetProperty("id").GetString()).Order().ToArray();
        var info = diagnoses.Where(d => d.GetProperty("severity").GetString() == "info").Select(d => d.GetProperty("id").GetString()).Order().ToArray();
        Assert.Equal(expected.GetProperty("diagnoses").EnumerateArray().Select(e => e.GetString()).Order(), failures);
        Assert.Equal(expected.GetProperty("informational").EnumerateArray().Select(e => e.GetString()).Order(), info);
        Assert.Equal(failures.Length > 0 ? ExitCodes.Failed : ExitCodes.Ok, exit);
        Assert.All(diagnoses, d => Assert.All(d.GetProperty("evidence").EnumerateArray(), e => Assert.Equal("commands/dmesg.out", e.GetProperty("artifact").GetString())));
    }

    [Fact]
    public void Seed_001_has_no_warning_in_its_log_yet_so_only_the_predictive_rule_can_catch_it()
    {
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Ok, CliApp.Run(["diagnose", "--root", Repo.Snapshot("seed-001-s0ix"), "--format", "json"], stdout, new StringWriter(), isTerminal: false));
        Assert.Equal(0, JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("diagnoses").GetArrayLength());
    }
}
