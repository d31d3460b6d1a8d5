using System.Buffers.Binary;
using System.Text.Json;

namespace CvmCheck.Attestation.Tdx;

/// <summary>QE Identity v2 for the TD Quoting Enclave (id "TD_QE"; Intel PCS API v4, "Enclave Identity V2").</summary>
public sealed class QeIdentity
{
    public string Id { get; private init; } = "";

    public int Version { get; private init; }

    public DateTimeOffset IssueDate { get; private init; }

    public DateTimeOffset NextUpdate { get; private init; }

    public uint MiscSelect { get; private init; }

    public uint MiscSelectMask { get; private init; }

    public byte[] Attributes { get; private init; } = [];

    public byte[] AttributesMask { get; private init; } = [];

    public byte[] MrSigner { get; private init; } = [];

    public int IsvProdId { get; private init; }

    public IReadOnlyList<IsvSvnLevel> TcbLevels { get; private init; } = [];

    public required SignedJson Signed { get; init; }

    public static QeIdentity Parse(ReadOnlyMemory<byte> utf8, string source)
    {
        var signed = SignedJson.Split(utf8, "enclaveIdentity", source);
        try
        {
            using var doc = JsonDocument.Parse(signed.Body);
            var j = new JsonFields(doc.RootElement, source + ": enclaveIdentity");
            var id = j.String("id");
            var version = j.Int("version");
            if (id != "TD_QE" || version != 2)
            {
                throw new TdxCollateralException($"{source}: enclaveIdentity id \"{id}\" version {version} is not TD_QE identity v2");
            }

            return new QeIdentity
            {
                Id = id,
                Version = version,
                IssueDate = j.Date("issueDate"),
                NextUpdate = j.Date("nextUpdate"),
                // miscselect is written as 8 hex digits of the 32-bit value.
                MiscSelect = BinaryPrimitives.ReadUInt32BigEndian(j.Hex("miscselect", 4)),
                MiscSelectMask = BinaryPrimitives.ReadUInt32BigEndian(j.Hex("miscselectMask", 4)),
                Attributes = j.Hex("attributes", 16),
                AttributesMask = j.Hex("attributesMask", 16),
                MrSigner = j.Hex("mrsigner", 32),
                IsvProdId = j.Int("isvprodid"),
                TcbLevels = TcbInfo.IsvSvnLevels(j, "tcbLevels"),
                Signed = signed,
            };
        }
        catch (JsonException e)
        {
            throw new TdxCollateralException($"{source}: enclaveIdentity is not JSON: {e.Message}", e);
        }
    }
}
