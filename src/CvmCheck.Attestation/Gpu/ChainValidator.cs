using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Gpu;

/// <summary>The outcome of validating one certificate chain against a pinned root; all problems are listed, not only the first.</summary>
public sealed record ChainValidationResult(bool IsValid, IReadOnlyList<X509Certificate> Path, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes)
{
    /// <summary>Only the time-validity errors (e.g. an expired RIM signer), so callers can report them separately.</summary>
    public IReadOnlyList<string> TimeErrors { get; init; } = [];

    /// <summary>True when everything but the validity periods holds.</summary>
    public bool IsValidIgnoringTime => Errors.Count == TimeErrors.Count;
}

/// <summary>
/// RFC 5280 §6.1 path validation, reduced to what NVIDIA chains need and strict about it: the path is
/// built from the presented certificates (leaf first) up to a <b>pinned</b> root (a presented
/// self-signed certificate is never trusted, only discarded); every signature, every issuer/subject
/// name link, every validity period at the injected time, CA basic constraints and path length,
/// key usage, and no unknown critical extension.
/// </summary>
public static class ChainValidator
{
    private const int MaxDepth = 10;

    /// <summary>Extensions we process (RFC 5280 §4.2: an unrecognised critical extension makes the certificate invalid).</summary>
    private static readonly HashSet<string> Understood =
    [
        X509Extensions.KeyUsage.Id, X509Extensions.BasicConstraints.Id, X509Extensions.ExtendedKeyUsage.Id,
        X509Extensions.SubjectAlternativeName.Id, X509Extensions.SubjectKeyIdentifier.Id, X509Extensions.AuthorityKeyIdentifier.Id,
        X509Extensions.CertificatePolicies.Id, X509Extensions.CrlDistributionPoints.Id, X509Extensions.AuthorityInfoAccess.Id,
        FwidExtension.TcbInfoOid, FwidExtension.TcbInfoOidBlackwell,
    ];

    public static ChainValidationResult Validate(IReadOnlyList<X509Certificate> presented, X509Certificate pinnedRoot, DateTimeOffset at)
    {
        var errors = new List<string>();
        var timeErrors = new List<string>();
        var notes = new List<string>();
        if (presented.Count == 0)
        {
            return new ChainValidationResult(false, [], ["no certificate presented"], []);
        }

        var leaf = presented[0];
        var pool = new List<X509Certificate>();
        foreach (var cert in presented.Skip(1))
        {
            if (IsSelfSigned(cert))
            {
                notes.Add(cert.Equals(pinnedRoot)
                    ? "presented root equals the pinned root (discarded; the pinned copy is used)"
                    : $"presented self-signed '{cert.SubjectDN}' discarded: only the pinned root is trusted");
                continue;
            }

            pool.Add(cert);
        }

        var path = new List<X509Certificate> { leaf };
        var reachedRoot = false;
        while (path.Count <= MaxDepth)
        {
            var current = path[^1];
            if (current.IssuerDN.Equivalent(pinnedRoot.SubjectDN) && Verifies(current, pinnedRoot))
            {
                path.Add(pinnedRoot);
                reachedRoot = true;
                break;
            }

            var byName = pool.Where(c => c.SubjectDN.Equivalent(current.IssuerDN)).ToList();
            var issuer = byName.FirstOrDefault(c => Verifies(current, c));
            if (issuer is null)
            {
                errors.Add(byName.Count > 0
                    ? $"'{current.SubjectDN}' is not signed by the key of '{current.IssuerDN}' presented (link {path.Count - 1}->{path.Count} bad)"
                    : $"no issuer '{current.IssuerDN}' of '{current.SubjectDN}' among the presented certificates, and it is not signed by the pinned root '{pinnedRoot.SubjectDN}'");
                break;
            }

            pool.Remove(issuer);
            path.Add(issuer);
        }

        if (!reachedRoot && errors.Count == 0)
        {
            errors.Add($"path longer than {MaxDepth} certificates");
        }

        foreach (var unused in pool)
        {
            notes.Add($"presented '{unused.SubjectDN}' is not on the path");
        }

        for (var i = 0; i < path.Count; i++)
        {
            var cert = path[i];
            var name = $"certificate {i} '{cert.SubjectDN}'";
            if (at.UtcDateTime < cert.NotBefore.ToUniversalTime())
            {
                timeErrors.Add($"{name} is not valid before {cert.NotBefore.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ} (checked at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ})");
            }
            else if (at.UtcDateTime > cert.NotAfter.ToUniversalTime())
            {
                timeErrors.Add($"{name} expired {cert.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ} (checked at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ})");
            }

            foreach (var oid in cert.GetCriticalExtensionOids() ?? new HashSet<string>())
            {
                if (!Understood.Contains(oid))
                {
                    errors.Add($"{name} has an unrecognised critical extension {oid}");
                }
            }

            var keyUsage = cert.GetKeyUsage();
            if (i == 0)
            {
                if (keyUsage is not null && !keyUsage[0])
                {
                    errors.Add($"{name} key usage lacks digitalSignature");
                }

                continue;
            }

            // RFC 5280 §6.1.4 (k), (l), (n): an issuer must be a CA, within its path length, allowed to sign certificates.
            var pathLength = cert.GetBasicConstraints();
            if (pathLength < 0)
            {
                errors.Add($"{name} issues certificates but is not a CA (basicConstraints)");
            }
            else if (pathLength != int.MaxValue && i - 1 > pathLength)
            {
                errors.Add($"{name} path length constraint {pathLength} exceeded ({i - 1} intermediate CAs below it)");
            }

            if (keyUsage is not null && !keyUsage[5])
            {
                errors.Add($"{name} key usage lacks keyCertSign");
            }
        }

        errors.AddRange(timeErrors);
        return new ChainValidationResult(errors.Count == 0 && reachedRoot, path, errors, notes) { TimeErrors = timeErrors };
    }

    private static bool IsSelfSigned(X509Certificate cert) => cert.SubjectDN.Equivalent(cert.IssuerDN) && Verifies(cert, cert);

    private static bool Verifies(X509Certificate cert, X509Certificate issuer)
    {
        try
        {
            return cert.IsSignatureValid(issuer.GetPublicKey());
        }
        catch (Exception e) when (e is GeneralSecurityException or SecurityUtilityException or Org.BouncyCastle.Crypto.CryptoException
            or ArgumentException or InvalidOperationException or InvalidCastException)
        {
            return false;
        }
    }
}
