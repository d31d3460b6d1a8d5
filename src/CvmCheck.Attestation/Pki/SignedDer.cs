using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CvmCheck.Attestation.Pki;

/// <summary>
/// The common outer shape of X.509 certificates and CRLs (RFC 5280 §4.1.1 / §5.1.1):
/// SEQUENCE { tbs, signatureAlgorithm, signatureValue BIT STRING }. Signatures are verified over the
/// exact DER of tbs with the issuer's key (BCL ECDsa, which is OpenSSL on Linux).
/// </summary>
public sealed class SignedDer
{
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
    public const string EcdsaWithSha512 = "1.2.840.10045.4.3.4";

    private SignedDer(ReadOnlyMemory<byte> tbs, string algorithm, byte[] signature)
    {
        Tbs = tbs;
        SignatureAlgorithm = algorithm;
        Signature = signature;
    }

    public ReadOnlyMemory<byte> Tbs { get; }

    public string SignatureAlgorithm { get; }

    /// <summary>The signature value (for ECDSA, a DER Ecdsa-Sig-Value, RFC 3279 §2.2.3).</summary>
    public byte[] Signature { get; }

    public static SignedDer Decode(ReadOnlyMemory<byte> der, string source)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var seq = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var tbs = seq.ReadEncodedValue();
            var alg = seq.ReadSequence();
            var oid = alg.ReadObjectIdentifier();
            var signature = seq.ReadBitString(out _);
            seq.ThrowIfNotEmpty();
            return new SignedDer(tbs, oid, signature);
        }
        catch (AsnContentException e)
        {
            throw new PkiFormatException($"{source}: not a DER signed structure ({e.Message})", e);
        }
    }

    /// <summary>Verifies the signature with <paramref name="issuer"/>'s public key; null when it verifies.</summary>
    public PkiIssue? VerifyWith(X509Certificate2 issuer, string subjectDescription)
    {
        HashAlgorithmName hash;
        switch (SignatureAlgorithm)
        {
            case EcdsaWithSha256: hash = HashAlgorithmName.SHA256; break;
            case EcdsaWithSha384: hash = HashAlgorithmName.SHA384; break;
            case EcdsaWithSha512: hash = HashAlgorithmName.SHA512; break;
            default:
                return new(PkiIssueCode.UnsupportedSignatureAlgorithm, $"{subjectDescription}: signature algorithm {SignatureAlgorithm} is not ECDSA with SHA-2");
        }

        using var key = issuer.GetECDsaPublicKey();
        if (key is null)
        {
            return new(PkiIssueCode.SignatureInvalid, $"{subjectDescription}: issuer '{issuer.Subject}' has no EC public key");
        }

        return key.VerifyData(Tbs.Span, Signature, hash, DSASignatureFormat.Rfc3279DerSequence)
            ? null
            : new(PkiIssueCode.SignatureInvalid, $"{subjectDescription}: signature does not verify with the key of '{issuer.Subject}'");
    }
}
