using CvmCheck.Core.Diagnosis;

namespace CvmCheck.Policy.Signatures;

/// <summary>
/// The signature knowledge base shipped inside cvmcheck: every embedded <c>policies/signatures/*.yaml</c>
/// (see CvmCheck.Policy.csproj). Loaded once; a broken built-in file is a bug and throws with every error.
/// Regexes compile on first use (BuiltInSignaturesTests compiles every one of them).
/// </summary>
public static class BuiltInSignatures
{
    public const string ResourcePrefix = "policies/signatures/";

    private static readonly Lazy<SignatureSet> Set = new(() => new SignatureSet(LoadAll()));

    /// <summary>The compiled knowledge base, ready for <see cref="SignatureMatcher"/>.</summary>
    public static SignatureSet Load() => Set.Value;

    /// <summary>The embedded resource names of the signature files, sorted.</summary>
    public static IReadOnlyList<string> ResourceNames =>
        typeof(BuiltInSignatures).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Loads every built-in file; throws <see cref="SignatureFileException"/> listing all errors.</summary>
    public static IReadOnlyList<Signature> LoadAll()
    {
        var signatures = new List<Signature>();
        var errors = new List<SignatureLoadError>();
        var seen = new Dictionary<string, Signature>(StringComparer.Ordinal);
        foreach (var name in ResourceNames)
        {
            using var stream = typeof(BuiltInSignatures).Assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var result = SignatureLoader.Load(reader.ReadToEnd(), name, deferRegexCompilation: true);
            errors.AddRange(result.Errors);
            foreach (var signature in result.Signatures)
            {
                if (seen.TryGetValue(signature.Id, out var first))
                {
                    errors.Add(new SignatureLoadError(signature.Position, $"signature '{signature.Id}': duplicate id (first at {first.Position})"));
                    continue;
                }

                seen[signature.Id] = signature;
                signatures.Add(signature);
            }
        }

        if (errors.Count > 0)
        {
            throw new SignatureFileException(errors);
        }

        return signatures;
    }
}
