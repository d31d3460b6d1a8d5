using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Facts;
using CvmCheck.Core.KernelLog;
using CvmCheck.Policy.Signatures;
using CvmCheck.Testing;

namespace CvmCheck.Policy.Tests.Signatures;

/// <summary>Inputs on which the streaming scanner and the line reader once disagreed under AFL++
/// (fixtures/fuzz-regressions/PROVENANCE.md).</summary>
public sealed class KernelLogFuzzRegressionTests
{
    [Fact]
    public void A_record_whose_last_continuation_line_has_no_newline_is_matched_whole_by_the_stream_scanner()
    {
        var path = Repo.Fixture("fuzz-regressions", "kernel-log", "final-continuation-line-without-newline.log");
        var set = BuiltInSignatures.Load();
        using var stream = File.OpenRead(path);
        var fromStream = SignatureMatcher.Match(set, stream, "log", new FactSet()).Select(d => d.Id).Order(StringComparer.Ordinal).ToList();
        using var again = File.OpenRead(path);
        var lines = LineReader.Read(again).Select(l => new KernelLogLine("log", l.Number, l.Text)).ToList();
        var fromLines = SignatureMatcher.Match(set, lines, new FactSet()).Select(d => d.Id).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(fromLines, fromStream);
        Assert.Contains("host.vmm-bar-layout", fromStream);
    }
}
