using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace CvmCheck.Attestation.Rim;

/// <summary>Which firmware a RIM describes; told apart by the form of <c>Meta@colloquialVersion</c>.</summary>
public enum RimKind
{
    Driver,
    Vbios,
}

/// <summary>One <c>Payload/Resource type="Measurement"</c>: a 0-based index and its accepted digests (Hash0..HashN-1).</summary>
public sealed record RimMeasurement(int Index, bool Active, string Name, IReadOnlyList<byte[]> Alternatives);

/// <summary>
/// An NVIDIA reference integrity manifest: a SWID tag (ISO/IEC 19770-2:2015, TCG PC Client RIM) whose
/// <c>Payload</c> lists reference digests per measurement index. Parsing does not verify anything;
/// see <see cref="RimVerifier"/>.
/// </summary>
public sealed partial class ReferenceIntegrityManifest
{
    public const string SwidNamespace = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";

    private ReferenceIntegrityManifest(XmlDocument document, string colloquialVersion, string? product, string? tagId, IReadOnlyList<RimMeasurement> measurements)
    {
        Document = document;
        ColloquialVersion = colloquialVersion;
        Product = product;
        TagId = tagId;
        Measurements = measurements;
    }

    public XmlDocument Document { get; }

    /// <summary>The firmware version the RIM is for: a VBIOS version (96.00.5E.00.01) or a driver version (545.00).</summary>
    public string ColloquialVersion { get; }

    public string? Product { get; }

    public string? TagId { get; }

    public IReadOnlyList<RimMeasurement> Measurements { get; }

    public RimKind Kind => VbiosVersionPattern().IsMatch(ColloquialVersion) ? RimKind.Vbios : RimKind.Driver;

    public IEnumerable<RimMeasurement> ActiveMeasurements => Measurements.Where(m => m.Active);

    /// <summary>Parses RIM XML. Throws <see cref="FormatException"/> (or <see cref="XmlException"/>) naming the element at fault.</summary>
    public static ReferenceIntegrityManifest Parse(byte[] xml)
    {
        var document = XmlSignatureVerifier.Load(xml);
        var root = document.DocumentElement;
        if (root is null || root.LocalName != "SoftwareIdentity" || root.NamespaceURI != SwidNamespace)
        {
            throw new FormatException($"document element is '{root?.Name}', expected SoftwareIdentity in {SwidNamespace}");
        }

        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("swid", SwidNamespace);
        var meta = root.SelectSingleNode("swid:Meta", ns) as XmlElement ?? throw new FormatException("SoftwareIdentity has no Meta element");
        var version = meta.GetAttribute("colloquialVersion");
        if (version.Length == 0)
        {
            throw new FormatException("Meta has no colloquialVersion");
        }

        var measurements = new List<RimMeasurement>();
        var seen = new HashSet<int>();
        foreach (XmlElement resource in root.SelectNodes("swid:Payload/swid:Resource", ns)!)
        {
            if (resource.GetAttribute("type") != "Measurement")
            {
                continue;
            }

            var index = Integer(resource, "index");
            if (!seen.Add(index))
            {
                throw new FormatException($"Resource index {index} appears twice");
            }

            var active = resource.GetAttribute("active");
            var isActive = active.Equals("True", StringComparison.OrdinalIgnoreCase);
            if (!isActive && !active.Equals("False", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"Resource index {index} active='{active}' is neither True nor False");
            }

            var count = Integer(resource, "alternatives");
            var alternatives = new List<byte[]>(count);
            for (var i = 0; i < count; i++)
            {
                var hash = resource.Attributes.Cast<XmlAttribute>().FirstOrDefault(a => a.LocalName == $"Hash{i}")
                    ?? throw new FormatException($"Resource index {index} declares {count} alternatives but has no Hash{i}");
                try
                {
                    alternatives.Add(Convert.FromHexString(hash.Value));
                }
                catch (FormatException)
                {
                    throw new FormatException($"Resource index {index} Hash{i} is not hex");
                }
            }

            measurements.Add(new RimMeasurement(index, isActive, resource.GetAttribute("name"), alternatives));
        }

        return new ReferenceIntegrityManifest(document, version, meta.GetAttribute("product") is { Length: > 0 } p ? p : null,
            root.GetAttribute("tagId") is { Length: > 0 } t ? t : null, measurements);
    }

    private static int Integer(XmlElement element, string attribute)
    {
        var text = element.GetAttribute(attribute);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value < 4096
            ? value
            : throw new FormatException($"Resource {attribute}='{text}' is not a small non-negative integer");
    }

    [GeneratedRegex("^[0-9A-Fa-f]{2}(\\.[0-9A-Fa-f]{2}){4}$")]
    private static partial Regex VbiosVersionPattern();
}
