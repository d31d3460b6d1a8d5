using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using CvmCheck.Core.Bundles;

namespace CvmCheck.Bench;

/// <summary>
/// Bundle verification throughput: read a gzip'd tar in place and check every artifact's SHA-384 against
/// the manifest (unsigned, no attestation: the per-byte cost), beside a plain SHA-384 over the same
/// artifact bytes as the floor. 64 MiB of random artifacts (16 × 4 MiB: incompressible, like the worst
/// case for gzip). bench/verify-vs-sha384sum.sh measures the CLI on 1 GiB against sha384sum(1).
/// </summary>
[MemoryDiagnoser]
public class BundleVerifyBench
{
    private const int Files = 16;
    private const int FileBytes = 4 << 20;
    private byte[] _bundle = [];
    private byte[][] _artifacts = [];

    [GlobalSetup]
    public void Setup()
    {
        _artifacts = Enumerable.Range(0, Files).Select(_ => RandomNumberGenerator.GetBytes(FileBytes)).ToArray();
        var contents = BundleContents.FromFiles(_artifacts.Select((bytes, i) => new KeyValuePair<string, byte[]>($"blob/{i:D3}", bytes)));
        var manifest = ManifestJson.Write(new BundleManifest
        {
            ToolVersion = "bench",
            Created = DateTimeOffset.UnixEpoch,
            Host = "bench",
            Nonce = new byte[32],
            Artifacts = contents.Entries,
        });
        using var output = new MemoryStream();
        BundleWriter.Write(output, new BundleImage(manifest, null, new Dictionary<string, byte[]>(), contents));
        _bundle = output.ToArray();
        if (!Verify())
        {
            throw new InvalidOperationException("benchmark bundle does not verify");
        }
    }

    [Benchmark]
    public bool Verify() => BundleVerifier.Verify(new MemoryStream(_bundle, writable: false), new BundleVerifyOptions { AllowUnsigned = true }).Valid;

    [Benchmark(Baseline = true)]
    public int Sha384OfArtifacts()
    {
        var sum = 0;
        foreach (var artifact in _artifacts)
        {
            sum += SHA384.HashData(artifact)[0];
        }

        return sum;
    }
}
