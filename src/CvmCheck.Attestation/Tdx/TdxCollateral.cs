using System.Security.Cryptography.X509Certificates;
using CvmCheck.Attestation.Pki;

namespace CvmCheck.Attestation.Tdx;

/// <summary>
/// Offline collateral for one platform, in the layout of a `--collateral DIR` (and of the PCS
/// responses it is made from). Decoding happens here, once; what depends on the verification time
/// happens in <see cref="TdxQuoteVerifier"/>, so one loaded collateral serves many quotes.
/// A file that exists but is empty is recorded in <see cref="EmptyFiles"/> (a verification failure,
/// exit 1); a file that does not decode throws <see cref="TdxCollateralException"/> (malformed, exit 2).
/// </summary>
public sealed class TdxCollateral
{
    public const string TcbInfoFile = "tcb_info.json";
    public const string TcbInfoIssuerChainFile = "tcb_info_issuer_chain.pem";
    public const string QeIdentityFile = "qe_identity.json";
    public const string QeIdentityIssuerChainFile = "qe_identity_issuer_chain.pem";
    public const string PckCrlFile = "pck_crl.der";
    public const string PckCrlIssuerChainFile = "pck_crl_issuer_chain.pem";
    public const string RootCaCrlFile = "root_ca_crl.der";
    public const string RootCaFile = "root_ca.pem";

    public static readonly IReadOnlyList<string> RequiredFiles = [TcbInfoFile, TcbInfoIssuerChainFile, QeIdentityFile, QeIdentityIssuerChainFile];

    private readonly Lazy<bool> _tcbInfoSignatureOk;
    private readonly Lazy<bool> _qeIdentitySignatureOk;

    private TdxCollateral(string origin)
    {
        Origin = origin;
        _tcbInfoSignatureOk = new(() => VerifySigned(TcbInfo?.Signed, TcbInfoIssuerChain));
        _qeIdentitySignatureOk = new(() => VerifySigned(QeIdentity?.Signed, QeIdentityIssuerChain));
    }

    public string Origin { get; }

    public TcbInfo? TcbInfo { get; private set; }

    public IReadOnlyList<X509Certificate2> TcbInfoIssuerChain { get; private set; } = [];

    public QeIdentity? QeIdentity { get; private set; }

    public IReadOnlyList<X509Certificate2> QeIdentityIssuerChain { get; private set; } = [];

    public RevocationList? PckCrl { get; private set; }

    public IReadOnlyList<X509Certificate2> PckCrlIssuerChain { get; private set; } = [];

    public RevocationList? RootCaCrl { get; private set; }

    /// <summary>root_ca.pem when supplied: only ever compared with the pinned root.</summary>
    public X509Certificate2? SuppliedRootCa { get; private set; }

    public IReadOnlyList<string> EmptyFiles { get; private set; } = [];

    /// <summary>Signature of tcbInfo by the first certificate of its issuer chain (cached; the chain itself is checked per verification time).</summary>
    public bool TcbInfoSignatureOk => _tcbInfoSignatureOk.Value;

    public bool QeIdentitySignatureOk => _qeIdentitySignatureOk.Value;

    /// <summary>Reads DIR/&lt;file&gt; for each known file; required files must exist.</summary>
    public static TdxCollateral Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new TdxCollateralException($"{directory}: collateral directory does not exist");
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in new[] { TcbInfoFile, TcbInfoIssuerChainFile, QeIdentityFile, QeIdentityIssuerChainFile, PckCrlFile, PckCrlIssuerChainFile, RootCaCrlFile, RootCaFile })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                files[name] = File.ReadAllBytes(path);
            }
        }

        return FromFiles(files, directory);
    }

    /// <summary>Builds collateral from file name → content (names as in <see cref="Load"/>).</summary>
    public static TdxCollateral FromFiles(IReadOnlyDictionary<string, byte[]> files, string origin)
    {
        foreach (var required in RequiredFiles)
        {
            if (!files.ContainsKey(required))
            {
                throw new TdxCollateralException($"{Path.Combine(origin, required)}: required collateral file is missing");
            }
        }

        var c = new TdxCollateral(origin);
        var empty = new List<string>();
        string Where(string name) => Path.Combine(origin, name);
        byte[]? NonEmpty(string name)
        {
            if (!files.TryGetValue(name, out var bytes))
            {
                return null;
            }

            if (bytes.AsSpan().Trim((byte)' ').Trim("\r\n\t"u8).IsEmpty)
            {
                empty.Add(name);
                return null;
            }

            return bytes;
        }

        try
        {
            if (NonEmpty(TcbInfoFile) is { } tcb)
            {
                c.TcbInfo = TcbInfo.Parse(tcb, Where(TcbInfoFile));
            }

            if (NonEmpty(TcbInfoIssuerChainFile) is { } tcbChain)
            {
                c.TcbInfoIssuerChain = PemCertificates.Read(tcbChain, Where(TcbInfoIssuerChainFile));
            }

            if (NonEmpty(QeIdentityFile) is { } qe)
            {
                c.QeIdentity = QeIdentity.Parse(qe, Where(QeIdentityFile));
            }

            if (NonEmpty(QeIdentityIssuerChainFile) is { } qeChain)
            {
                c.QeIdentityIssuerChain = PemCertificates.Read(qeChain, Where(QeIdentityIssuerChainFile));
            }

            if (NonEmpty(PckCrlFile) is { } pckCrl)
            {
                c.PckCrl = RevocationList.Decode(pckCrl, Where(PckCrlFile));
            }

            if (NonEmpty(PckCrlIssuerChainFile) is { } pckCrlChain)
            {
                c.PckCrlIssuerChain = PemCertificates.Read(pckCrlChain, Where(PckCrlIssuerChainFile));
            }

            if (NonEmpty(RootCaCrlFile) is { } rootCrl)
            {
                c.RootCaCrl = RevocationList.Decode(rootCrl, Where(RootCaCrlFile));
            }

            if (NonEmpty(RootCaFile) is { } root)
            {
                c.SuppliedRootCa = PemCertificates.Read(root, Where(RootCaFile))[0];
            }
        }
        catch (PkiFormatException e)
        {
            throw new TdxCollateralException(e.Message, e);
        }

        c.EmptyFiles = empty;
        return c;
    }

    private static bool VerifySigned(SignedJson? signed, IReadOnlyList<X509Certificate2> chain)
    {
        if (signed is null || chain.Count == 0)
        {
            return false;
        }

        using var key = chain[0].GetECDsaPublicKey();
        return key is not null && signed.Verify(key);
    }
}
