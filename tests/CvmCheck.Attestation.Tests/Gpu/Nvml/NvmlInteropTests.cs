using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using CvmCheck.Attestation.Gpu.Nvml;
using CvmCheck.Testing;

namespace CvmCheck.Attestation.Tests.Gpu.Nvml;

/// <summary>The NVML interop must match nvml.h byte for byte: a shifted field silently reads garbage from a real driver.</summary>
public sealed class NvmlInteropTests
{
    private static string ChainPem => Repo.Fixture("attestation", "gpu", "reports", "h100_550.90.07_vbios_96.00.9F.00.01", "chain.pem");

    [Fact]
    public void Attestation_report_struct_has_nvml_h_layout_sizes_before_nonce_12332_bytes()
    {
        Assert.Equal(12332, Unsafe.SizeOf<NvmlConfComputeGpuAttestationReportNative>());
        Assert.Equal(NvmlConfComputeGpuAttestationReportNative.Size, Unsafe.SizeOf<NvmlConfComputeGpuAttestationReportNative>());
        Assert.Equal(0, Offset<NvmlConfComputeGpuAttestationReportNative>("IsCecAttestationReportPresent"));
        Assert.Equal(4, Offset<NvmlConfComputeGpuAttestationReportNative>("AttestationReportSize"));
        Assert.Equal(8, Offset<NvmlConfComputeGpuAttestationReportNative>("CecAttestationReportSize"));
        Assert.Equal(12, Offset<NvmlConfComputeGpuAttestationReportNative>("Nonce"));
        Assert.Equal(12 + 32, Offset<NvmlConfComputeGpuAttestationReportNative>("AttestationReport"));
        Assert.Equal(12 + 32 + 8192, Offset<NvmlConfComputeGpuAttestationReportNative>("CecAttestationReport"));
    }

    [Fact]
    public void Certificate_struct_has_nvml_h_layout_9224_bytes()
    {
        Assert.Equal(9224, Unsafe.SizeOf<NvmlConfComputeGpuCertificateNative>());
        Assert.Equal(0, Offset<NvmlConfComputeGpuCertificateNative>("CertChainSize"));
        Assert.Equal(4, Offset<NvmlConfComputeGpuCertificateNative>("AttestationCertChainSize"));
        Assert.Equal(8, Offset<NvmlConfComputeGpuCertificateNative>("CertChain"));
        Assert.Equal(8 + 4096, Offset<NvmlConfComputeGpuCertificateNative>("AttestationCertChain"));
    }

    [Fact]
    public void System_state_struct_is_environment_ccFeature_devToolsMode_without_a_version_field()
    {
        Assert.Equal(12, Unsafe.SizeOf<NvmlConfComputeSystemStateNative>());
        Assert.Equal(0, Offset<NvmlConfComputeSystemStateNative>("Environment"));
        Assert.Equal(4, Offset<NvmlConfComputeSystemStateNative>("CcFeature"));
        Assert.Equal(8, Offset<NvmlConfComputeSystemStateNative>("DevToolsMode"));
    }

    [Theory]
    [InlineData(1u, 0u, 2u, "on", "production")]
    [InlineData(1u, 1u, 2u, "devtools", "production")]
    [InlineData(0u, 0u, 0u, "off", "unavailable")]
    [InlineData(1u, 0u, 1u, "on", "simulation")]
    public void Cc_state_is_spelled_as_the_gpu_cc_facts_are(uint feature, uint devTools, uint environment, string mode, string env)
    {
        var state = new NvmlConfComputeState(environment, feature, devTools);

        Assert.Equal(mode, state.ModeText);
        Assert.Equal(env, state.EnvironmentText);
    }

    [Fact]
    public void Pem_attestation_chain_as_nvml_returns_it_with_trailing_nuls_decodes_leaf_first()
    {
        var bytes = File.ReadAllBytes(ChainPem).Concat(new byte[64]).ToArray();

        var chain = NvmlCertificateChain.Parse(bytes);

        Assert.Equal(5, chain.Count);
        Assert.Contains("FMC LF", chain[0].SubjectDN.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Concatenated_der_attestation_chain_decodes_to_the_same_certificates_even_when_one_ends_in_a_zero_byte()
    {
        var pem = NvmlCertificateChain.Parse(File.ReadAllBytes(ChainPem));
        var der = pem.SelectMany(c => c.GetEncoded()).Concat(new byte[16]).ToArray();

        var chain = NvmlCertificateChain.Parse(der);

        Assert.Equal(pem.Select(c => c.SerialNumber), chain.Select(c => c.SerialNumber));
    }

    [Fact]
    public void Garbage_attestation_chain_is_a_format_error_naming_the_offset()
    {
        var der = NvmlCertificateChain.Parse(File.ReadAllBytes(ChainPem))[0].GetEncoded().Concat(Encoding.ASCII.GetBytes("junk")).ToArray();

        var e = Assert.Throws<FormatException>(() => NvmlCertificateChain.Parse(der));

        Assert.Contains($"offset {der.Length - 4}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_nvml_where_the_library_is_missing_says_NVML_not_found()
    {
        var e = Assert.Throws<NvmlUnavailableException>(() => NvmlLibrary.Open("libnvidia-ml-not-installed.so.1"));

        Assert.Equal(NvmlUnavailableReason.NotFound, e.Reason);
        Assert.Equal("NvmlNotFound", e.Code);
        Assert.StartsWith("NVML not found", e.Message, StringComparison.Ordinal);
    }

    private static int Offset<T>(string field) => (int)Marshal.OffsetOf<T>(field);
}
