using System.Globalization;
using System.Text.Json;

namespace CvmCheck.Attestation.Tdx;

/// <summary>One TCB level of TCB Info v3 (Intel PCS API v4, "TCB Info V3" for TDX).</summary>
public sealed record TcbLevel(int Index, IReadOnlyList<int> SgxComponents, int PceSvn, IReadOnlyList<int> TdxComponents, TcbStatus Status, string StatusText, string? TcbDate, IReadOnlyList<string> AdvisoryIds);

/// <summary>A TDX module identity level ("tdxModuleIdentities[].tcbLevels[]"): graded by isvsvn = TEE_TCB_SVN[0].</summary>
public sealed record IsvSvnLevel(int IsvSvn, TcbStatus Status, string StatusText, string? TcbDate, IReadOnlyList<string> AdvisoryIds);

/// <summary>"tdxModule" / "tdxModuleIdentities[]": the expected signer and attributes of the TDX module.</summary>
public sealed record TdxModuleIdentity(string Id, byte[] MrSigner, byte[] Attributes, byte[] AttributesMask, IReadOnlyList<IsvSvnLevel> Levels);

/// <summary>TCB Info for TDX (id "TDX", version 3). Fields are read from the signed body only.</summary>
public sealed class TcbInfo
{
    public string Id { get; private init; } = "";

    public int Version { get; private init; }

    public DateTimeOffset IssueDate { get; private init; }

    public DateTimeOffset NextUpdate { get; private init; }

    public byte[] Fmspc { get; private init; } = [];

    public byte[] PceId { get; private init; } = [];

    public int TcbEvaluationDataNumber { get; private init; }

    public TdxModuleIdentity? TdxModule { get; private init; }

    public IReadOnlyList<TdxModuleIdentity> TdxModuleIdentities { get; private init; } = [];

    public IReadOnlyList<TcbLevel> TcbLevels { get; private init; } = [];

    public required SignedJson Signed { get; init; }

    public static TcbInfo Parse(ReadOnlyMemory<byte> utf8, string source)
    {
        var signed = SignedJson.Split(utf8, "tcbInfo", source);
        try
        {
            using var doc = JsonDocument.Parse(signed.Body);
            var root = doc.RootElement;
            var j = new JsonFields(root, source + ": tcbInfo");
            var id = j.String("id");
            var version = j.Int("version");
            // PCS API v4: TDX TCB Info is id "TDX", version 3; an SGX TCB Info has no TDX components.
            if (id != "TDX" || version != 3)
            {
                throw new TdxCollateralException($"{source}: tcbInfo id \"{id}\" version {version} is not TDX TCB Info v3");
            }

            var levels = new List<TcbLevel>();
            var i = 0;
            foreach (var level in j.Array("tcbLevels"))
            {
                var lj = new JsonFields(level, $"{source}: tcbInfo.tcbLevels[{i}]");
                var tcb = new JsonFields(lj.Object("tcb"), $"{source}: tcbInfo.tcbLevels[{i}].tcb");
                var statusText = lj.String("tcbStatus");
                TcbStatusNames.TryParse(statusText, out var status);
                levels.Add(new TcbLevel(i, Components(tcb, "sgxtcbcomponents"), tcb.Int("pcesvn"), Components(tcb, "tdxtcbcomponents"),
                    status, statusText, lj.OptionalString("tcbDate"), lj.StringArray("advisoryIDs")));
                i++;
            }

            TdxModuleIdentity? module = null;
            if (root.TryGetProperty("tdxModule", out var m))
            {
                module = Module(new JsonFields(m, $"{source}: tcbInfo.tdxModule"), "tdxModule", []);
            }

            var identities = new List<TdxModuleIdentity>();
            if (root.TryGetProperty("tdxModuleIdentities", out var ids))
            {
                var k = 0;
                foreach (var identity in ids.EnumerateArray())
                {
                    var ij = new JsonFields(identity, $"{source}: tcbInfo.tdxModuleIdentities[{k}]");
                    identities.Add(Module(ij, ij.String("id"), IsvSvnLevels(ij, "tcbLevels")));
                    k++;
                }
            }

            return new TcbInfo
            {
                Id = id,
                Version = version,
                IssueDate = j.Date("issueDate"),
                NextUpdate = j.Date("nextUpdate"),
                Fmspc = j.Hex("fmspc", 6),
                PceId = j.Hex("pceId", 2),
                TcbEvaluationDataNumber = j.Int("tcbEvaluationDataNumber"),
                TdxModule = module,
                TdxModuleIdentities = identities,
                TcbLevels = levels,
                Signed = signed,
            };
        }
        catch (JsonException e)
        {
            throw new TdxCollateralException($"{source}: tcbInfo is not JSON: {e.Message}", e);
        }
    }

    internal static IReadOnlyList<IsvSvnLevel> IsvSvnLevels(JsonFields parent, string name)
    {
        var list = new List<IsvSvnLevel>();
        var i = 0;
        foreach (var level in parent.Array(name))
        {
            var lj = new JsonFields(level, $"{parent.Where}.{name}[{i}]");
            var tcb = new JsonFields(lj.Object("tcb"), $"{parent.Where}.{name}[{i}].tcb");
            var statusText = lj.String("tcbStatus");
            TcbStatusNames.TryParse(statusText, out var status);
            list.Add(new IsvSvnLevel(tcb.Int("isvsvn"), status, statusText, lj.OptionalString("tcbDate"), lj.StringArray("advisoryIDs")));
            i++;
        }

        return list;
    }

    private static TdxModuleIdentity Module(JsonFields j, string id, IReadOnlyList<IsvSvnLevel> levels) =>
        new(id, j.Hex("mrsigner", 48), j.Hex("attributes", 8), j.Hex("attributesMask", 8), levels);

    private static int[] Components(JsonFields tcb, string name)
    {
        var list = tcb.Array(name).Select((c, i) => new JsonFields(c, $"{tcb.Where}.{name}[{i}]").Int("svn")).ToArray();
        return list.Length == 16 ? list : throw new TdxCollateralException($"{tcb.Where}.{name}: {list.Length} components, expected 16");
    }
}

/// <summary>Typed access to one JSON object, with errors naming the file and the JSON path.</summary>
internal readonly struct JsonFields(JsonElement element, string where)
{
    public string Where { get; } = where;

    public JsonElement Get(string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v)
            ? v
            : throw new TdxCollateralException($"{Where}: missing \"{name}\"");

    public string String(string name) =>
        Get(name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw Wrong(name, "a string");

    public string? OptionalString(string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public int Int(string name) =>
        Get(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var i) ? i : throw Wrong(name, "an integer");

    public JsonElement Object(string name) =>
        Get(name) is { ValueKind: JsonValueKind.Object } v ? v : throw Wrong(name, "an object");

    public JsonElement.ArrayEnumerator Array(string name) =>
        Get(name) is { ValueKind: JsonValueKind.Array } v ? v.EnumerateArray() : throw Wrong(name, "an array");

    public IReadOnlyList<string> StringArray(string name)
    {
        if (!element.TryGetProperty(name, out var v))
        {
            return [];
        }

        var where = Where;
        return v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new TdxCollateralException($"{where}: \"{name}\" holds a non-string")).ToArray()
            : throw Wrong(name, "an array of strings");
    }

    public byte[] Hex(string name, int length)
    {
        var s = String(name);
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(s);
        }
        catch (FormatException)
        {
            throw Wrong(name, "hex");
        }

        return bytes.Length == length ? bytes : throw Wrong(name, $"{length} bytes of hex");
    }

    public DateTimeOffset Date(string name) =>
        DateTimeOffset.TryParse(String(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? d
            : throw Wrong(name, "an ISO 8601 date");

    private TdxCollateralException Wrong(string name, string what) => new($"{Where}: \"{name}\" is not {what}");
}
