using System.Xml;
using CvmCheck.Attestation.Gpu;

namespace CvmCheck.Attestation.Rim;

/// <summary>Everything established about one RIM file; <see cref="IsValid"/> only when signature, digest, chain and validity all hold.</summary>
public sealed record RimVerification(
    string File,
    ReferenceIntegrityManifest? Manifest,
    bool DigestValid,
    bool SignatureValid,
    bool ChainValid,
    bool TimeValid,
    IReadOnlyList<string> Errors)
{
    public bool IsValid => Manifest is not null && DigestValid && SignatureValid && ChainValid && TimeValid;

    /// <summary>The file could not be read as a RIM at all (not XML, no signature structure).</summary>
    public bool Malformed => Manifest is null;
}

/// <summary>Verifies a RIM: XMLDSig (reference digest and signature), its signing chain to the pinned NVIDIA CoRIM root, and the chain's validity at the given time.</summary>
public static class RimVerifier
{
    public static RimVerification Verify(string file, byte[] xml, DateTimeOffset at) =>
        Verify(file, xml, at, NvidiaRoots.CorimSigningRootCa);

    public static RimVerification Verify(string file, byte[] xml, DateTimeOffset at, Org.BouncyCastle.X509.X509Certificate pinnedRoot)
    {
        ReferenceIntegrityManifest manifest;
        XmlSignatureResult signature;
        try
        {
            manifest = ReferenceIntegrityManifest.Parse(xml);
            signature = XmlSignatureVerifier.Verify(manifest.Document);
        }
        catch (Exception e) when (e is FormatException or XmlException)
        {
            return new RimVerification(file, null, false, false, false, false, [$"not a signed RIM: {e.Message}"]);
        }

        var errors = new List<string>(signature.Errors);
        var chain = ChainValidator.Validate(signature.Certificates, pinnedRoot, at);
        var chainValid = chain.IsValidIgnoringTime;
        foreach (var error in chain.Errors)
        {
            errors.Add("signing chain: " + error);
        }

        return new RimVerification(file, manifest, signature.DigestValid, signature.SignatureValid, chainValid, chain.TimeErrors.Count == 0 && chainValid, errors);
    }
}
