using CvmCheck.Attestation.Gpu;

namespace CvmCheck.Attestation.Tests.Gpu;

public sealed class CertificateFilesTests
{
    [Fact]
    public void Certificate_whose_ec_point_is_off_the_curve_is_a_format_error_not_a_crash()
    {
        // Found by the rim-xml fuzz target: BouncyCastle decodes keys lazily and threw ArgumentException mid-verification.
        var der = GpuFixtures.Chain("reports/h100_550.90.07_vbios_96.00.9F.00.01/chain.pem")[0].GetEncoded();
        var spki = Convert.FromHexString("06052b81040022036200"); // secp384r1 OID, then BIT STRING of 98 bytes
        var at = der.AsSpan().IndexOf(spki);
        Assert.True(at > 0);
        der[at + spki.Length + 2 + 10] ^= 0x01; // a byte of X in 00 04 || X || Y

        var e = Assert.Throws<FormatException>(() => CertificateFiles.ParseDer(der, "mutated leaf"));

        Assert.Contains("mutated leaf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pem_with_an_unterminated_block_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => CertificateFiles.ParsePem("-----BEGIN CERTIFICATE-----\nMIIB\n"));
    }
}
