using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Pki;

/// <summary>
/// An X.509 v2 CRL (RFC 5280 §5.1), parsed with the BCL ASN.1 reader: issuer, thisUpdate,
/// nextUpdate and the revoked serial numbers. Unlike some verifiers, a CRL past its nextUpdate is
/// reported as expired, and an empty CRL is only as good as its signature and validity window.
/// </summary>
public sealed class RevocationList
{
    private readonly HashSet<string> _revokedSerials;
    private string? _sha256Hex;

    private RevocationList(ReadOnlyMemory<byte> der, SignedDer signed, X500DistinguishedName issuer, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, HashSet<string> revoked, string source)
    {
        Der = der;
        Signed = signed;
        Issuer = issuer;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        _revokedSerials = revoked;
        Source = source;
    }

    /// <summary>The CRL as supplied (the signature-cache key covers all of it, signature included).</summary>
    public ReadOnlyMemory<byte> Der { get; }

    public SignedDer Signed { get; }

    public X500DistinguishedName Issuer { get; }

    public DateTimeOffset ThisUpdate { get; }

    public DateTimeOffset? NextUpdate { get; }

    public string Source { get; }

    public int RevokedCount => _revokedSerials.Count;

    public static RevocationList Decode(ReadOnlyMemory<byte> der, string source)
    {
        // A private copy: the caller's buffer may change later, the decoded fields and the memoised hash must not.
        der = der.ToArray();
        var signed = SignedDer.Decode(der, source);
        try
        {
            var tbs = new AsnReader(signed.Tbs, AsnEncodingRules.DER).ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbs.ReadInteger(); // version v2(1)
            }

            tbs.ReadSequence(); // signature AlgorithmIdentifier (must equal the outer one; the outer one is what we verify with)
            var issuer = new X500DistinguishedName(tbs.ReadEncodedValue().Span);
            var thisUpdate = ReadTime(tbs);
            DateTimeOffset? nextUpdate = null;
            if (tbs.HasData && IsTime(tbs.PeekTag()))
            {
                nextUpdate = ReadTime(tbs);
            }

            var revoked = new HashSet<string>(StringComparer.Ordinal);
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    revoked.Add(NormaliseSerial(entry.ReadIntegerBytes().Span));
                }
            }

            return new RevocationList(der, signed, issuer, thisUpdate, nextUpdate, revoked, source);
        }
        catch (AsnContentException e)
        {
            throw new PkiFormatException($"{source}: not a DER X.509 CRL ({e.Message})", e);
        }
    }

    /// <summary>Signature by <paramref name="issuer"/>, name match and validity window at <paramref name="at"/>.</summary>
    public IReadOnlyList<PkiIssue> Validate(X509Certificate2 issuer, DateTimeOffset at)
    {
        var issues = new List<PkiIssue>();
        // RFC 5280 §6.3.3 (b): the CRL issuer must be the certificate's issuer (no indirect CRLs here).
        if (!Issuer.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData))
        {
            issues.Add(new(PkiIssueCode.CrlIssuerMismatch, $"{Source}: issued by '{Issuer.Name}', expected '{issuer.Subject}'"));
        }

        _sha256Hex ??= Convert.ToHexString(SHA256.HashData(Der.Span));
        issues.AddRange(SignatureCache.GetOrAdd(_sha256Hex, issuer, () => Signed.VerifyWith(issuer, Source) is { } sig ? [sig] : []));

        if (at < ThisUpdate)
        {
            issues.Add(new(PkiIssueCode.NotYetValid, $"{Source}: thisUpdate {ThisUpdate:yyyy-MM-ddTHH:mm:ssZ} is after {at:yyyy-MM-ddTHH:mm:ssZ}"));
        }

        // RFC 5280 §6.3.3 (a)(2): a CRL past nextUpdate cannot tell whether a certificate was revoked since.
        if (NextUpdate is null || at > NextUpdate)
        {
            issues.Add(new(PkiIssueCode.Expired, NextUpdate is null
                ? $"{Source}: has no nextUpdate"
                : $"{Source}: nextUpdate {NextUpdate:yyyy-MM-ddTHH:mm:ssZ} is before {at:yyyy-MM-ddTHH:mm:ssZ}"));
        }

        return issues;
    }

    public bool IsRevoked(X509Certificate2 certificate) =>
        _revokedSerials.Contains(NormaliseSerial(certificate.SerialNumberBytes.Span));

    private static string NormaliseSerial(ReadOnlySpan<byte> bigEndian)
    {
        var i = 0;
        while (i < bigEndian.Length - 1 && bigEndian[i] == 0)
        {
            i++;
        }

        return Convert.ToHexStringLower(bigEndian[i..]);
    }

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
