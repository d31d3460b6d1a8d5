namespace CvmCheck.Core.Bundles;

public enum ManifestEntryKind
{
    /// <summary>A regular file the run read (or an error/link record of one, DESIGN.md §1a).</summary>
    File,

    /// <summary>One of a command's <c>.out</c>/<c>.err</c>/<c>.exit</c> files; carries argv and exit.</summary>
    Command,

    /// <summary>A directory that existed (listed or tested); no bytes.</summary>
    Directory,
}

/// <summary>One entry of the bundle the manifest vouches for: its tar path (<c>artifacts/…</c>), size and
/// SHA-384 (lower-case hex; empty for a directory).</summary>
public sealed record ManifestEntry
{
    public required string Path { get; init; }

    public required ManifestEntryKind Kind { get; init; }

    public long Size { get; init; }

    public string Sha384 { get; init; } = string.Empty;

    public IReadOnlyList<string>? Argv { get; init; }

    /// <summary>As the <c>.exit</c> file holds it: a code, <c>timeout</c> or <c>not-found</c>.</summary>
    public string? Exit { get; init; }
}

/// <summary>What the collecting run concluded (so an auditor sees it without replaying).</summary>
public sealed record FindingsSummary
{
    public IReadOnlyList<string> Policies { get; init; } = [];

    public string Verdict { get; init; } = "pass";

    /// <summary>Findings per status name (<c>pass</c>, <c>fail</c>, …), every status listed.</summary>
    public IReadOnlyDictionary<string, int> Counts { get; init; } = new Dictionary<string, int>();

    /// <summary>Ids of rules with a <c>fail</c> finding, sorted, distinct.</summary>
    public IReadOnlyList<string> Failing { get; init; } = [];

    /// <summary>Ids of rules with an <c>error</c> finding, sorted, distinct.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
}

/// <summary><c>manifest.json</c> (schema <see cref="BundleLayout.ManifestSchema"/>).</summary>
public sealed record BundleManifest
{
    public string Schema { get; init; } = BundleLayout.ManifestSchema;

    public required string ToolVersion { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required string Host { get; init; }

    /// <summary>What was read: "live host", "snapshot /path".</summary>
    public string Source { get; init; } = string.Empty;

    public required byte[] Nonce { get; init; }

    public required IReadOnlyList<ManifestEntry> Artifacts { get; init; }

    public FindingsSummary? Findings { get; init; }
}
