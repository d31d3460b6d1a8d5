using System.Security.Cryptography;
using System.Xml;
using CvmCheck.Attestation.Gpu;
using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Rim;

/// <summary>What XMLDSig verification of an enveloped signature established; every failure is listed.</summary>
public sealed record XmlSignatureResult(
    bool DigestValid,
    bool SignatureValid,
    IReadOnlyList<X509Certificate> Certificates,
    IReadOnlyList<string> Errors)
{
    public bool IsValid => DigestValid && SignatureValid;
}

/// <summary>
/// Verifies the single enveloped XMLDSig signature of a document (W3C XMLDSig 1.1 §3.2 "core
/// validation": reference validation, then signature validation over the canonicalised SignedInfo),
/// restricted to what NVIDIA RIMs use and nothing looser: one Reference with URI="" (the whole
/// document), the enveloped-signature transform, a c14n transform, ECDSA over SHA-256/384/512, and the
/// signer's certificate first in KeyInfo/X509Data. Not <c>SignedXml</c> (not trim/AOT-safe).
/// </summary>
public static class XmlSignatureVerifier
{
    public const string DsigNamespace = "http://www.w3.org/2000/09/xmldsig#";
    public const string EnvelopedSignatureUri = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
    public const string EcdsaSha256Uri = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    public const string EcdsaSha384Uri = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
    public const string EcdsaSha512Uri = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512";
    public const string Sha256Uri = "http://www.w3.org/2001/04/xmlenc#sha256";
    public const string Sha384Uri = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    public const string Sha384EncUri = "http://www.w3.org/2001/04/xmlenc#sha384";
    public const string Sha512Uri = "http://www.w3.org/2001/04/xmlenc#sha512";

    /// <summary>Loads XML safely: no DTDs, no external resolution, whitespace preserved (canonicalisation needs it).</summary>
    public static XmlDocument Load(byte[] xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = false };
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var stream = new MemoryStream(xml, writable: false);
        using var reader = XmlReader.Create(stream, settings);
        document.Load(reader);
        return document;
    }

    /// <summary>Verifies the document's enveloped signature. Throws <see cref="FormatException"/> if the signature structure is missing or unsupported.</summary>
    public static XmlSignatureResult Verify(XmlDocument document)
    {
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("ds", DsigNamespace);
        var root = document.DocumentElement ?? throw new FormatException("no document element");
        var signatures = document.SelectNodes("//ds:Signature", ns)!;
        if (signatures.Count != 1)
        {
            // More than one signature invites wrapping attacks; NVIDIA RIMs carry exactly one.
            throw new FormatException(signatures.Count == 0 ? "no ds:Signature element (unsigned)" : $"{signatures.Count} ds:Signature elements, expected exactly one");
        }

        var signature = (XmlElement)signatures[0]!;
        if (!ReferenceEquals(signature.ParentNode, root))
        {
            throw new FormatException("ds:Signature is not a child of the document element (not an enveloped signature)");
        }

        var signedInfo = Single(signature, "ds:SignedInfo", ns);
        var c14nUri = Single(signedInfo, "ds:CanonicalizationMethod", ns).GetAttribute("Algorithm");
        if (!XmlCanonicalizer.TryParseAlgorithm(c14nUri, out var siMethod, out var siComments))
        {
            throw new FormatException($"unsupported CanonicalizationMethod '{c14nUri}'");
        }

        var sigAlg = Single(signedInfo, "ds:SignatureMethod", ns).GetAttribute("Algorithm");
        var sigHash = sigAlg switch
        {
            EcdsaSha256Uri => HashAlgorithmName.SHA256,
            EcdsaSha384Uri => HashAlgorithmName.SHA384,
            EcdsaSha512Uri => HashAlgorithmName.SHA512,
            _ => throw new FormatException($"unsupported SignatureMethod '{sigAlg}' (ECDSA with SHA-256/384/512 only)"),
        };

        var references = signedInfo.SelectNodes("ds:Reference", ns)!;
        if (references.Count != 1)
        {
            throw new FormatException($"{references.Count} ds:Reference elements, expected exactly one");
        }

        var reference = (XmlElement)references[0]!;
        if (!reference.HasAttribute("URI") || reference.GetAttribute("URI").Length != 0)
        {
            throw new FormatException($"Reference URI '{reference.GetAttribute("URI")}' unsupported: only URI=\"\" (the whole document)");
        }

        var enveloped = false;
        var refMethod = C14NMethod.Inclusive10; // XMLDSig §4.4.3.2: a node set becomes octets by c14n 1.0 when no c14n transform is given
        IReadOnlyCollection<string> prefixes = [];
        foreach (XmlElement transform in reference.SelectNodes("ds:Transforms/ds:Transform", ns)!)
        {
            var uri = transform.GetAttribute("Algorithm");
            if (uri == EnvelopedSignatureUri)
            {
                enveloped = true;
            }
            else if (XmlCanonicalizer.TryParseAlgorithm(uri, out refMethod, out _))
            {
                var list = transform.SelectSingleNode("*[local-name()='InclusiveNamespaces']") as XmlElement;
                prefixes = list?.GetAttribute("PrefixList").Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
            }
            else
            {
                throw new FormatException($"unsupported Transform '{uri}'");
            }
        }

        if (!enveloped)
        {
            throw new FormatException("Reference lacks the enveloped-signature transform, so it would digest its own signature");
        }

        var digestAlg = Single(reference, "ds:DigestMethod", ns).GetAttribute("Algorithm");
        var digestHash = digestAlg switch
        {
            Sha256Uri => HashAlgorithmName.SHA256,
            Sha384Uri or Sha384EncUri => HashAlgorithmName.SHA384,
            Sha512Uri => HashAlgorithmName.SHA512,
            _ => throw new FormatException($"unsupported DigestMethod '{digestAlg}'"),
        };
        var expectedDigest = Base64(Single(reference, "ds:DigestValue", ns).InnerText, "DigestValue");
        var signatureValue = Base64(Single(signature, "ds:SignatureValue", ns).InnerText, "SignatureValue");
        var certificates = new List<X509Certificate>();
        var n = 0;
        foreach (XmlElement c in signature.SelectNodes("ds:KeyInfo/ds:X509Data/ds:X509Certificate", ns)!)
        {
            certificates.Add(CertificateFiles.ParseBase64(c.InnerText, $"KeyInfo X509Certificate #{++n}"));
        }

        var errors = new List<string>();

        // Reference validation (XMLDSig §3.2.1).
        // Comments are removed from a same-document URI="" reference whatever the c14n variant (XMLDSig §4.4.3.3).
        var canonical = XmlCanonicalizer.Canonicalize(document, refMethod, withComments: false, excluded: signature, inclusivePrefixes: prefixes);
        var actualDigest = Hash(digestHash, canonical);
        var digestValid = CryptographicOperations.FixedTimeEquals(actualDigest, expectedDigest);
        if (!digestValid)
        {
            errors.Add($"reference digest mismatch: computed {Convert.ToBase64String(actualDigest)}, DigestValue {Convert.ToBase64String(expectedDigest)} (content changed after signing)");
        }

        // Signature validation (XMLDSig §3.2.2) over canonical SignedInfo; ECDSA SignatureValue is r‖s (RFC 4050 / XMLDSig 1.1 §6.4.3).
        var signatureValid = false;
        if (certificates.Count == 0)
        {
            errors.Add("KeyInfo carries no X509Certificate to verify the signature with");
        }
        else
        {
            var signedInfoBytes = XmlCanonicalizer.Canonicalize(signedInfo, siMethod, siComments);
            signatureValid = EcdsaVerifier.VerifyData(certificates[0], signedInfoBytes, signatureValue, sigHash);
            if (!signatureValid)
            {
                errors.Add($"SignatureValue does not verify over SignedInfo with the key of '{certificates[0].SubjectDN}'");
            }
        }

        return new XmlSignatureResult(digestValid, signatureValid, certificates, errors);
    }

    private static byte[] Hash(HashAlgorithmName name, byte[] data) =>
        name == HashAlgorithmName.SHA256 ? SHA256.HashData(data) : name == HashAlgorithmName.SHA512 ? SHA512.HashData(data) : SHA384.HashData(data);

    private static XmlElement Single(XmlElement parent, string xpath, XmlNamespaceManager ns)
    {
        var nodes = parent.SelectNodes(xpath, ns)!;
        return nodes.Count == 1 ? (XmlElement)nodes[0]! : throw new FormatException($"{parent.Name} has {nodes.Count} {xpath} elements, expected exactly one");
    }

    private static byte[] Base64(string text, string what)
    {
        try
        {
            return Convert.FromBase64String(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{what} is not valid base64", e);
        }
    }
}
