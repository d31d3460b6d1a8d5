namespace CvmCheck.Core.Facts;

/// <summary>
/// One fact (DESIGN.md §1b): a typed value with its provenance. <see cref="Value"/> is a
/// <see cref="bool"/>, <see cref="long"/>, <see cref="string"/> or null; when null, <see cref="Reason"/>
/// says why in the shared vocabulary (<see cref="FactReasons"/>) and <see cref="Consulted"/> lists
/// the artifacts that were looked at, so a failing finding can still name its evidence.
/// </summary>
public sealed record Fact
{
    public required string Name { get; init; }

    public object? Value { get; init; }

    /// <summary>Snapshot-relative path of the artifact the value came from (e.g. <c>proc/cpuinfo</c>).</summary>
    public string? Artifact { get; init; }

    /// <summary>1-based line in <see cref="Artifact"/>, when the value came from one line.</summary>
    public int? Line { get; init; }

    public string? Reason { get; init; }

    public IReadOnlyList<string> Consulted { get; init; } = [];

    public bool IsNull => Value is null;

    /// <summary>True when the value is null because nothing was there to read — no file, or no such
    /// program on the host (<c>not-found</c>) — so rules fail closed or skip. Anything else that left
    /// the value unknown (unreadable, unparseable, timeout, exit N) is an error, not an absence.</summary>
    public bool IsAbsent => Value is null && (Reason is null or FactReasons.Absent or FactReasons.NotFound);

    public static Fact Of(string name, object? value, string? artifact, int? line = null) =>
        value is null
            ? Absent(name, artifact is null ? [] : [artifact])
            : new Fact { Name = name, Value = Normalize(value), Artifact = artifact, Line = line };

    public static Fact Absent(string name, IReadOnlyList<string> consulted) =>
        new() { Name = name, Reason = FactReasons.Absent, Consulted = consulted };

    public static Fact Unavailable(string name, string reason, string? artifact, IReadOnlyList<string>? consulted = null) =>
        new() { Name = name, Reason = reason, Artifact = artifact, Consulted = consulted ?? (artifact is null ? [] : [artifact]) };

    /// <summary>The value as text, as rules compare it (<c>true</c>, <c>42</c>, <c>550.127.05</c>).</summary>
    public string? ValueText => FormatValue(Value);

    public static string? FormatValue(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static object Normalize(object value) => value switch
    {
        int i => (long)i,
        bool or long or string => value,
        _ => value.ToString() ?? string.Empty,
    };
}
