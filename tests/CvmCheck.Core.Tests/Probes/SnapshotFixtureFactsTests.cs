using System.Text.Json;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Sources;
using CvmCheck.Testing;

namespace CvmCheck.Core.Tests.Probes;

/// <summary>Each fixture snapshot with an <c>&lt;name&gt;.expected.json</c> yields exactly the facts listed there.</summary>
public sealed class SnapshotFixtureFactsTests
{
    public static TheoryData<string> Expectations()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Repo.Fixture("snapshots"), "*.expected.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file)[..^".expected.json".Length]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Snapshot_yields_its_expected_facts(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Repo.Fixture("snapshots", name + ".expected.json")));
        var facts = ProbeRunner.Collect(new SnapshotSource(Repo.Snapshot(name)));
        foreach (var expected in doc.RootElement.GetProperty("facts").EnumerateObject())
        {
            var fact = facts.Get(expected.Name);
            object? want = expected.Value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => expected.Value.GetInt64(),
                JsonValueKind.Null => null,
                _ => expected.Value.GetString(),
            };
            Assert.True(Equals(want, fact.Value), $"{name}: {expected.Name} = {fact.Value ?? "null"} ({fact.Reason}), want {want ?? "null"}");
        }
    }
}
