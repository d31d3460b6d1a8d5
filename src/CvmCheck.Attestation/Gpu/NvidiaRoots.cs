using Org.BouncyCastle.X509;

namespace CvmCheck.Attestation.Gpu;

/// <summary>
/// The trust anchors cvmcheck pins for NVIDIA evidence. Any root a device or RIM sends is discarded;
/// chains must end at these exact certificates. Both come from NVIDIA/nvtrust (Apache-2.0),
/// <c>guest_tools/gpu_verifiers/local_gpu_verifier/src/verifier/certs/</c> (verifier_device_root.pem,
/// verifier_RIM_root.pem).
/// </summary>
public static class NvidiaRoots
{
    /// <summary>"NVIDIA Device Identity CA", SHA-256 fingerprint 10:2B:F6:59:…:16:7B:48; valid 2021-11-05 .. 9999-12-31.</summary>
    public const string DeviceIdentityCaPem = """
        -----BEGIN CERTIFICATE-----
        MIICCzCCAZCgAwIBAgIQLTZwscoQBBHB/sDoKgZbVDAKBggqhkjOPQQDAzA1MSIw
        IAYDVQQDDBlOVklESUEgRGV2aWNlIElkZW50aXR5IENBMQ8wDQYDVQQKDAZOVklE
        SUEwIBcNMjExMTA1MDAwMDAwWhgPOTk5OTEyMzEyMzU5NTlaMDUxIjAgBgNVBAMM
        GU5WSURJQSBEZXZpY2UgSWRlbnRpdHkgQ0ExDzANBgNVBAoMBk5WSURJQTB2MBAG
        ByqGSM49AgEGBSuBBAAiA2IABA5MFKM7+KViZljbQSlgfky/RRnEQScW9NDZF8SX
        gAW96r6u/Ve8ZggtcYpPi2BS4VFu6KfEIrhN6FcHG7WP05W+oM+hxj7nyA1r1jkB
        2Ry70YfThX3Ba1zOryOP+MJ9vaNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B
        Af8EBAMCAQYwHQYDVR0OBBYEFFeF/4PyY8xlfWi3Olv0jUrL+0lfMB8GA1UdIwQY
        MBaAFFeF/4PyY8xlfWi3Olv0jUrL+0lfMAoGCCqGSM49BAMDA2kAMGYCMQCPeFM3
        TASsKQVaT+8S0sO9u97PVGCpE9d/I42IT7k3UUOLSR/qvJynVOD1vQKVXf0CMQC+
        EY55WYoDBvs2wPAH1Gw4LbcwUN8QCff8bFmV4ZxjCRr4WXTLFHBKjbfneGSBWwA=
        -----END CERTIFICATE-----
        """;

    /// <summary>"NVIDIA CoRIM signing Root CA", SHA-256 fingerprint 12:97:7B:51:…:1D:F5:D1; valid 2023-03-16 .. 2053-03-08.</summary>
    public const string CorimSigningRootCaPem = """
        -----BEGIN CERTIFICATE-----
        MIICKTCCAbCgAwIBAgIQRdrjoA5QN73fh1N17LXicDAKBggqhkjOPQQDAzBFMQsw
        CQYDVQQGEwJVUzEPMA0GA1UECgwGTlZJRElBMSUwIwYDVQQDDBxOVklESUEgQ29S
        SU0gc2lnbmluZyBSb290IENBMCAXDTIzMDMxNjE1MzczNFoYDzIwNTMwMzA4MTUz
        NzM0WjBFMQswCQYDVQQGEwJVUzEPMA0GA1UECgwGTlZJRElBMSUwIwYDVQQDDBxO
        VklESUEgQ29SSU0gc2lnbmluZyBSb290IENBMHYwEAYHKoZIzj0CAQYFK4EEACID
        YgAEuECyi9vNM+Iw2lfUzyBldHAwaC1HF7TCgp12QcEyUTm3Tagxwr48d55+K2VI
        lWYIDk7NlAIQdcV/Ff7euGLI+Qauj93HsSI4WX298PpW54RTgz9tC+Q684caR/BX
        WEeZo2MwYTAdBgNVHQ4EFgQUpaXrOPK4ZDAk08DBskn594zeZjAwHwYDVR0jBBgw
        FoAUpaXrOPK4ZDAk08DBskn594zeZjAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B
        Af8EBAMCAQYwCgYIKoZIzj0EAwMDZwAwZAIwHGDyscDP6ihHqRvZlI3eqZ4YkvjE
        1duaN84tAHRVgxVMvNrp5Tnom3idHYGW/dskAjATvjIx6VzHm/4e2GiZAyZEIUBD
        OKPzp5ei/A0iUZpdvngenDwV8Qa/wGdiTmJ7Bp4=
        -----END CERTIFICATE-----
        """;

    private static readonly Lazy<X509Certificate> DeviceRoot = new(() => CertificateFiles.ParsePem(DeviceIdentityCaPem).Single());
    private static readonly Lazy<X509Certificate> CorimRoot = new(() => CertificateFiles.ParsePem(CorimSigningRootCaPem).Single());

    public static X509Certificate DeviceIdentityCa => DeviceRoot.Value;

    public static X509Certificate CorimSigningRootCa => CorimRoot.Value;
}
