using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CvmCheck.Attestation.Cms;
using CvmCheck.Attestation.Gpu.Nvml;
using CvmCheck.Cli.Attest.Tdx;
using CvmCheck.Core.Bundles;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;
using CvmCheck.Core.Sources;

namespace CvmCheck.Cli.Bundles;

/// <summary>What <c>collect --out</c> was asked for.</summary>
internal sealed record BundleRequest(string Out, byte[] Nonce, bool Attest, string TsmRoot, X509Certificate2? Signer, X509Certificate2[] Intermediates);

/// <summary>
/// <c>collect --out BUNDLE.tar.gz</c>: turns a recorded run into a bundle (DESIGN.md §6): the artifacts
/// as a §1a tree, the manifest, its detached CMS signature and, with <c>--attest</c>, a TDX quote whose
/// REPORTDATA binds the manifest. Written atomically.
/// </summary>
internal static class BundleCollector
{
    /// <summary>Test seams: the configfs-tsm file system (a fake kernel) and a hook run after the bundle's
    /// bytes are written but before the rename (to prove an interrupted write leaves nothing).</summary>
    internal static readonly AsyncLocal<IGuestFileSystem?> TsmFileSystem = new();
    internal static readonly AsyncLocal<Action<Stream>?> BeforeCommit = new();

    /// <summary>Test seam: opens NVML (a fake serving captured reports); null = <see cref="NvmlLibrary.Open()"/>.</summary>
    internal static readonly AsyncLocal<Func<INvml>?> OpenNvml = new();

    public static (X509Certificate2? Signer, X509Certificate2[] Intermediates) LoadSigner(string? cert, string? key)
    {
        if (cert is null && key is null)
        {
            return (null, []);
        }

        if (cert is null || key is null)
        {
            throw new UserInputException("give --sign-cert PEM and --sign-key PEM together");
        }

        try
        {
            return ManifestSigner.LoadPem(cert, key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new UserInputException($"--sign-cert {cert} --sign-key {key}: cannot load the signer ({e.Message})");
        }
    }

    /// <summary>Fails fast, before anything is collected, when --attest cannot work here.</summary>
    public static TsmReportClient? OpenTsm(BundleRequest request)
    {
        if (!request.Attest)
        {
            return null;
        }

        var tsm = new TsmReportClient(TsmFileSystem.Value ?? PhysicalGuestFileSystem.Instance, request.TsmRoot);
        if (!tsm.IsAvailable)
        {
            throw new UserInputException($"--attest: {request.TsmRoot} does not exist: configfs-tsm is not available, so no TDX quote can be obtained (not a TDX guest, kernel without CONFIG_TSM_REPORTS, or configfs not mounted at /sys/kernel/config)");
        }

        return tsm;
    }

    public static BundleManifest Write(BundleRequest request, RecordingSource recording, CheckReport report, TsmReportClient? tsm, TextWriter? log = null)
    {
        var contents = BundleContents.FromRecorded(recording.Artifacts);
        var manifest = new BundleManifest
        {
            ToolVersion = ToolVersion,
            Created = DateTimeOffset.UtcNow,
            Host = Environment.MachineName,
            Source = recording.Description,
            Nonce = request.Nonce,
            Artifacts = contents.Entries,
            Findings = Summarise(report),
        };
        var manifestBytes = ManifestJson.Write(manifest);
        var signature = request.Signer is null ? null : ManifestSigner.Sign(manifestBytes, request.Signer, manifest.Created, request.Intermediates);
        var attestation = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (tsm is not null)
        {
            var binding = new BundleBinding
            {
                Nonce = request.Nonce,
                ManifestSha384 = BundleLayout.ManifestDigest(manifestBytes),
                TdxQuote = BundleLayout.TdxQuote,
            };
            attestation[BundleLayout.TdxQuote] = tsm.GetQuote(binding.TdxReportData);
            var (gpus, note) = CollectGpus(binding.GpuRequestNonce, attestation, log);
            binding = binding with { GpuReports = gpus, GpuNote = note };
            attestation[BundleLayout.Binding] = binding.ToJson();
        }

        try
        {
            BundleWriter.WriteAtomically(request.Out, new BundleImage(manifestBytes, signature, attestation, contents), BeforeCommit.Value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--out {request.Out}: cannot write the bundle ({e.Message})");
        }

        return manifest;
    }

    /// <summary>
    /// After the TDX quote (DESIGN.md §6): asks every GPU NVML enumerates for an SPDM report with request
    /// nonce SHA-256(nonce ‖ D) and for its attestation chain, adding <c>attestation/gpu-&lt;i&gt;.bin</c> and
    /// <c>-certs.pem</c> to <paramref name="attestation"/>. No NVML is not an error (a TDX guest without GPUs
    /// is valid): the binding notes it. A failing call for one GPU is recorded for that GPU and the others
    /// are still asked. Nothing is written here; the caller writes everything in one atomic rename.
    /// </summary>
    internal static (IReadOnlyList<BundleGpuEvidence> Gpus, string? Note) CollectGpus(byte[] requestNonce, Dictionary<string, byte[]> attestation, TextWriter? log)
    {
        INvml nvml;
        try
        {
            nvml = (OpenNvml.Value ?? NvmlLibrary.Open)();
        }
        catch (NvmlUnavailableException e)
        {
            log?.WriteLine($"cvmcheck: --attest: no GPU evidence ({e.Code}: {e.Message})");
            return ([], BundleBinding.GpuNotCollected);
        }

        using (nvml)
        {
            int count;
            try
            {
                count = nvml.GetDeviceCount();
            }
            catch (Exception e) when (e is NvmlException or NvmlUnavailableException)
            {
                log?.WriteLine($"cvmcheck: --attest: no GPU evidence ({e.Message})");
                return ([], BundleBinding.GpuCountFailed);
            }

            if (count == 0)
            {
                return ([], BundleBinding.GpuNone);
            }

            var gpus = new List<BundleGpuEvidence>(count);
            for (var i = 0; i < count; i++)
            {
                var function = BundleGpuEvidence.ReportFunction;
                try
                {
                    var report = nvml.GetAttestationReport(i, requestNonce);
                    function = BundleGpuEvidence.CertificateFunction;
                    var certificate = nvml.GetCertificate(i);
                    var stored = BundleGpuEvidence.Stored(i);
                    attestation[stored.Report!] = report.Report;
                    attestation[stored.Certs!] = CertificatesAsPem(certificate.AttestationCertChain);
                    gpus.Add(stored);
                }
                catch (NvmlException e)
                {
                    log?.WriteLine($"cvmcheck: --attest: gpu[{i}]: no evidence ({e.Message}); continuing");
                    gpus.Add(BundleGpuEvidence.Failed(i, function, e.Code));
                }
            }

            return (gpus, null);
        }
    }

    /// <summary>The chain as PEM, leaf first; bytes that do not decode are stored as returned (minus C padding) for verify to reject.</summary>
    private static byte[] CertificatesAsPem(byte[] chain)
    {
        try
        {
            var certificates = NvmlCertificateChain.Parse(chain);
            return System.Text.Encoding.ASCII.GetBytes(string.Concat(certificates.Select(c => PemEncoding.WriteString("CERTIFICATE", c.GetEncoded()) + "\n")));
        }
        catch (FormatException)
        {
            return chain.AsSpan().TrimEnd((byte)0).ToArray();
        }
    }

    public static FindingsSummary Summarise(CheckReport report) => new()
    {
        Policies = report.Policies,
        Verdict = report.Verdict.ToName(),
        Counts = Enum.GetValues<FindingStatus>().ToDictionary(s => s.ToName(), s => report.Findings.Count(f => f.Status == s)),
        Failing = report.Findings.Where(f => f.Status == FindingStatus.Fail).Select(f => f.Id).Distinct().Order(StringComparer.Ordinal).ToArray(),
        Errors = report.Findings.Where(f => f.Status == FindingStatus.Error).Select(f => f.Id).Distinct().Order(StringComparer.Ordinal).ToArray(),
    };

    private static string ToolVersion =>
        typeof(BundleCollector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
