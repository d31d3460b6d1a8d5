using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Pki;

/// <summary>The outcome of building a chain: the path found (leaf first, pinned root last when reached)
/// and every issue seen. Trusted only when there is no issue.</summary>
public sealed class ChainValidationResult(IReadOnlyList<X509Certificate2> path, IReadOnlyList<PkiIssue> issues)
{
    public IReadOnlyList<X509Certificate2> Path { get; } = path;

    public IReadOnlyList<PkiIssue> Issues { get; } = issues;

    public bool IsTrusted => Issues.Count == 0;
}

/// <summary>
/// Builds a certificate path from a leaf to one pinned root by issuer name and verifies every link's
/// signature and validity at an injected time. A root carried with the evidence is never trusted: a
/// supplied certificate that is byte-equal to the pinned root is the same certificate, anything else
/// self-signed is an untrusted root. No system trust store, no network, no AIA fetching.
/// </summary>
public static class PinnedChainValidator
{
    private const int MaxDepth = 8;

    public static ChainValidationResult Validate(X509Certificate2 leaf, IEnumerable<X509Certificate2> intermediates, X509Certificate2 pinnedRoot, DateTimeOffset at)
    {
        var pool = intermediates.Where(c => !c.RawDataMemory.Span.SequenceEqual(pinnedRoot.RawDataMemory.Span)).ToList();
        var issues = new List<PkiIssue>();
        var path = new List<X509Certificate2> { leaf };
        var current = leaf;
        var reachedRoot = current.RawDataMemory.Span.SequenceEqual(pinnedRoot.RawDataMemory.Span);
        while (!reachedRoot)
        {
            if (path.Count > MaxDepth)
            {
                issues.Add(new(PkiIssueCode.ChainTooLong, $"more than {MaxDepth} certificates above '{leaf.Subject}'"));
                break;
            }

            X509Certificate2? issuer;
            if (SameName(current.IssuerName, pinnedRoot.SubjectName))
            {
                issuer = pinnedRoot;
                reachedRoot = true;
            }
            else
            {
                issuer = pool.FirstOrDefault(c => SameName(c.SubjectName, current.IssuerName) && !ReferenceEquals(c, current) && !path.Contains(c));
                if (issuer is null)
                {
                    issues.Add(SameName(current.IssuerName, current.SubjectName)
                        ? new(PkiIssueCode.UntrustedRoot, $"chain ends at self-signed '{current.Subject}' (SHA-256 {current.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}), which is not the pinned root '{pinnedRoot.Subject}'")
                        : new(PkiIssueCode.IssuerNotFound, $"no certificate for issuer '{current.Issuer}' of '{current.Subject}'"));
                    break;
                }
            }

            var child = current;
            var parent = issuer;
            issues.AddRange(SignatureCache.GetOrAdd(child, parent, () =>
            {
                var linkIssues = new List<PkiIssue>();
                var signed = SignedDer.Decode(child.RawDataMemory, child.Subject);
                if (signed.VerifyWith(parent, $"certificate '{child.Subject}'") is { } bad)
                {
                    linkIssues.Add(bad);
                }

                // RFC 5280 §6.1.4 (k): an issuing certificate must be a CA.
                var bc = parent.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
                if (bc is null || !bc.CertificateAuthority)
                {
                    linkIssues.Add(new(PkiIssueCode.NotCertificateAuthority, $"'{parent.Subject}' issues '{child.Subject}' but is not a CA"));
                }

                return linkIssues.ToArray();
            }));

            path.Add(issuer);
            current = issuer;
        }

        foreach (var cert in path)
        {
            if (CheckValidity(cert, at) is { } v)
            {
                issues.Add(v);
            }
        }

        return new ChainValidationResult(path, issues);
    }

    /// <summary>notBefore ≤ at ≤ notAfter (RFC 5280 §6.1.3 (a)(2)).</summary>
    public static PkiIssue? CheckValidity(X509Certificate2 cert, DateTimeOffset at)
    {
        var notBefore = new DateTimeOffset(cert.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime());
        if (at < notBefore)
        {
            return new(PkiIssueCode.NotYetValid, $"certificate '{cert.Subject}' is valid from {notBefore:yyyy-MM-ddTHH:mm:ssZ}, after {at:yyyy-MM-ddTHH:mm:ssZ}");
        }

        return at > notAfter
            ? new(PkiIssueCode.Expired, $"certificate '{cert.Subject}' expired {notAfter:yyyy-MM-ddTHH:mm:ssZ}, before {at:yyyy-MM-ddTHH:mm:ssZ}")
            : null;
    }

    private static bool SameName(X500DistinguishedName a, X500DistinguishedName b) => a.RawData.AsSpan().SequenceEqual(b.RawData);
}
