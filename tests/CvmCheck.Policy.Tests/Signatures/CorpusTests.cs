using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;
using CvmCheck.Policy.Signatures;
using CvmCheck.Testing;
using Xunit.Abstractions;

namespace CvmCheck.Policy.Tests.Signatures;

/// <summary>
/// The built-in knowledge base against every real log in fixtures/logs (copied from the shared corpus):
/// expected ids from INDEX.md versus what the matcher finds. Prints precision and recall.
/// </summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> LogFiles()
    {
        var data = new TheoryData<string>();
        foreach (var (file, _) in CorpusIndex.Rows())
        {
            data.Add(file);
        }

        return data;
    }

    private static IReadOnlyList<Diagnosis> Diagnose(string file)
    {
        using var stream = File.OpenRead(Repo.Fixture("logs", file));
        return SignatureMatcher.Match(BuiltInSignatures.Load(), stream, file, new FactSet());
    }

    [Fact]
    public void Index_lists_every_log_in_the_fixture_folder()
    {
        var listed = CorpusIndex.Rows().Select(r => r.File).Order().ToArray();
        var present = Directory.GetFiles(Repo.Fixture("logs"), "*.log").Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(present, listed);
        Assert.True(listed.Length >= 30, $"corpus unexpectedly small: {listed.Length}");
    }

    [Theory]
    [MemberData(nameof(LogFiles))]
    public void Each_incident_log_gets_its_primary_diagnosis_and_healthy_logs_get_no_failure(string file)
    {
        var expected = CorpusIndex.Rows().Single(r => r.File == file).Expected;
        var found = Diagnose(file).Where(d => d.Severity != Severity.Info).Select(d => d.Id).ToArray();
        if (expected[0] == "healthy")
        {
            Assert.Empty(found);
        }
        else
        {
            Assert.Contains(expected[0], found);
        }
    }

    [Fact]
    public void Precision_and_recall_over_the_whole_corpus_meet_the_threshold()
    {
        int truePositives = 0, falsePositives = 0, falseNegatives = 0, healthyFalseAlarms = 0;
        foreach (var (file, expected) in CorpusIndex.Rows())
        {
            var wanted = expected.Except(CorpusIndex.Informational).ToHashSet(StringComparer.Ordinal);
            var found = Diagnose(file).Where(d => d.Severity != Severity.Info).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            truePositives += found.Intersect(wanted).Count();
            var extra = found.Except(wanted).ToArray();
            var missed = wanted.Except(found).ToArray();
            falsePositives += extra.Length;
            falseNegatives += missed.Length;
            if (expected[0] == "healthy" && found.Count > 0)
            {
                healthyFalseAlarms++;
            }

            if (extra.Length + missed.Length > 0)
            {
                output.WriteLine($"{file}: extra [{string.Join(", ", extra)}] missed [{string.Join(", ", missed)}]");
            }
        }

        var precision = truePositives / (double)(truePositives + falsePositives);
        var recall = truePositives / (double)(truePositives + falseNegatives);
        output.WriteLine($"corpus: {truePositives} expected ids found, {falsePositives} not in INDEX.md, {falseNegatives} missed; precision {precision:P1}, recall {recall:P1}");
        Assert.Equal(0, healthyFalseAlarms);
        Assert.Equal(1.0, recall);
        Assert.True(precision >= 0.95, $"precision {precision:P1} below 95%");
    }

    [Fact]
    public void Seed_000_log_shows_the_whole_failure_chain_with_evidence_lines_and_captures()
    {
        var diagnoses = Diagnose("tdx-h100-rminit-badf4100-fsp.log").ToDictionary(d => d.Id);
        var rmInit = diagnoses["gpu.rm-init-failed"];
        Assert.Equal(Severity.Critical, rmInit.Severity);
        Assert.Contains(rmInit.Evidence, e => e.Line == 3 && e.Text!.Contains("RmInitAdapter failed! (0x62:0x65:1792)", StringComparison.Ordinal));
        Assert.Equal("0x62:0x65:1792", rmInit.Captures["code"]);
        Assert.Equal("0xbadf4100", diagnoses["gpu.bad-register-read"].Captures["value"]);
        Assert.Equal("0x110804", diagnoses["gpu.bad-register-read"].Captures["register"]);
        Assert.Equal("QueueEmpty", diagnoses["gpu.fsp-timeout"].Captures["poll"]);
    }

    [Fact]
    public void Multi_line_driver_messages_are_matched_as_one_record_reported_at_their_first_line()
    {
        var fallen = Diagnose("xid79-fallen-off-bus-multiline-570.log").Single(d => d.Id == "gpu.xid79-fallen-off-bus");
        Assert.Equal(1, fallen.Evidence[0].Line);
        var mismatch = Diagnose("api-mismatch-journal-persistenced-task.log").Single(d => d.Id == "gpu.api-mismatch");
        Assert.Equal("535.54.03", mismatch.Captures["client"]);
        Assert.Equal("530.30.02", mismatch.Captures["module"]);
    }

    [Fact]
    public void A_tdx_host_log_is_not_taken_for_a_guest()
    {
        var found = Diagnose("tdx-host-module-init-failed-seamcall.log").Select(d => d.Id).ToArray();
        Assert.DoesNotContain("tdx.guest-detected", found);
        Assert.Contains("tdx.host-module-init-failed", found);
    }
}
