using CvmCheck.Attestation.Gpu.Nvml;
using CvmCheck.Formats.Spdm;
using CvmCheck.Testing;

namespace CvmCheck.Cli.Tests.Fakes;

/// <summary>
/// Plays NVML for <c>attest gpu --live</c> (no GPU here; DESIGN.md §8). Each GPU is a captured real
/// report + chain from <c>fixtures/attestation/gpu/</c>, returned as NVML would: the report bytes as
/// <c>attestationReport</c>, the PEM chain as <c>attestationCertChain</c>, the caller's nonce echoed in
/// <c>nonce</c>. A real GPU would put that nonce into the report; these reports carry the nonce they were
/// captured with, so a run verifies only with that nonce — which is how the tests see that the nonce
/// reaches NVML and is checked. Every call is recorded.
/// </summary>
internal sealed class FakeNvml : INvml
{
    private readonly List<(byte[] Report, byte[] Chain)> _gpus = [];

    public NvmlConfComputeState State { get; set; } = new(Environment: 2, CcFeature: 1, DevToolsMode: 0);

    public bool Ready { get; private set; }

    public List<byte[]> NoncesSent { get; } = [];

    public List<bool> ReadyStateSets { get; } = [];

    /// <summary>Makes every call to this device index fail as NVML would (e.g. NVML_ERROR_NOT_SUPPORTED = 3).</summary>
    public int? FailingDevice { get; set; }

    /// <summary>Makes nvmlSystemSetConfComputeGpusReadyState fail.</summary>
    public bool FailSetReady { get; set; }

    public bool Disposed { get; private set; }

    /// <summary>Adds a GPU whose evidence is the fixture directory's report.hex and chain.pem (relative to fixtures/attestation/gpu).</summary>
    public FakeNvml WithGpu(string fixture)
    {
        var dir = Repo.Fixture("attestation", "gpu", fixture);
        _gpus.Add((SpdmReportFile.Decode(File.ReadAllBytes(Path.Combine(dir, "report.hex"))), File.ReadAllBytes(Path.Combine(dir, "chain.pem"))));
        return this;
    }

    public int GetDeviceCount() => _gpus.Count;

    public NvmlConfComputeState GetConfComputeState() => State;

    public bool GetGpusReadyState() => Ready;

    public void SetGpusReadyState(bool acceptingWork)
    {
        if (FailSetReady)
        {
            throw new NvmlException("nvmlSystemSetConfComputeGpusReadyState", 4, "Insufficient Permissions");
        }

        ReadyStateSets.Add(acceptingWork);
        Ready = acceptingWork;
    }

    public NvmlAttestationReport GetAttestationReport(int deviceIndex, ReadOnlySpan<byte> nonce)
    {
        NoncesSent.Add(nonce.ToArray());
        var gpu = Device(deviceIndex, "nvmlDeviceGetConfComputeGpuAttestationReport");
        return new NvmlAttestationReport(gpu.Report, nonce.ToArray(), null);
    }

    public NvmlGpuCertificate GetCertificate(int deviceIndex)
    {
        var gpu = Device(deviceIndex, "nvmlDeviceGetConfComputeGpuCertificate");
        return new NvmlGpuCertificate([], gpu.Chain);
    }

    public void Dispose() => Disposed = true;

    private (byte[] Report, byte[] Chain) Device(int index, string function)
    {
        if (index == FailingDevice)
        {
            throw new NvmlException(function, 3, "Not Supported");
        }

        return _gpus[index];
    }
}
