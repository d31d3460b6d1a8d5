using System.Xml;
using System.Xml.Linq;
using CvmCheck.Formats.Nvidia;

namespace CvmCheck.Formats.Tests.Nvidia;

/// <summary>
/// The XDocument implementation NvidiaSmiXmlParser replaced, kept as the oracle of its differential test.
/// Parses <c>nvidia-smi -q -x</c> (the <c>nvidia_smi_log</c> document, DTD versions v10–v13 seen in
/// real captures). The DTD is never fetched or processed. Element names changed across driver
/// generations (<c>clocks_throttle_reasons</c> → <c>clocks_event_reasons</c>); both are read.
/// </summary>
internal static class DomNvidiaSmiXmlParser
{
    public static bool TryParse(Stream xml, out NvidiaSmiLog log, out string error)
    {
        log = null!;
        error = string.Empty;
        XDocument doc;
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Ignore,
                XmlResolver = null,
                IgnoreComments = true,
                MaxCharactersInDocument = 64L * 1024 * 1024,
            };
            using var reader = XmlReader.Create(xml, settings);
            doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            error = $"not well-formed XML at line {e.LineNumber}, column {e.LinePosition}: {e.Message}";
            return false;
        }

        var root = doc.Root;
        if (root is null || root.Name.LocalName != "nvidia_smi_log")
        {
            error = $"root element is <{root?.Name.LocalName}>, expected <nvidia_smi_log>";
            return false;
        }

        var gpus = new List<NvidiaSmiGpu>();
        foreach (var gpu in root.Elements("gpu"))
        {
            var busId = Text(gpu.Element("pci")?.Element("pci_bus_id")) ?? Attr(gpu, "id");
            if (busId is null)
            {
                error = $"<gpu> at line {LineOf(gpu)} has neither an id attribute nor pci/pci_bus_id";
                return false;
            }

            var throttle = gpu.Element("clocks_event_reasons") ?? gpu.Element("clocks_throttle_reasons");
            gpus.Add(new NvidiaSmiGpu
            {
                BusId = busId,
                Name = Text(gpu.Element("product_name")),
                Uuid = Text(gpu.Element("uuid")),
                Architecture = Text(gpu.Element("product_architecture")),
                VbiosVersion = Text(gpu.Element("vbios_version")) is { } v ? v with { Value = v.Value.ToUpperInvariant() } : null,
                PersistenceMode = Text(gpu.Element("persistence_mode")) is { } p ? p with { Value = p.Value.ToLowerInvariant() } : null,
                VirtualizationMode = Text(gpu.Element("gpu_virtualization_mode")?.Element("virtualization_mode")),
                GspFirmwareVersion = Text(gpu.Element("gsp_firmware_version")),
                PciDeviceId = Text(gpu.Element("pci")?.Element("pci_device_id")),
                ActiveThrottleReasons = throttle is null ? [] : ActiveReasons(throttle),
                ThrottleReasonsLine = throttle is null ? null : LineOf(throttle),
            });
        }

        var attached = Text(root.Element("attached_gpus"));
        log = new NvidiaSmiLog(
            Text(root.Element("driver_version")),
            Text(root.Element("cuda_version")),
            attached is not null && int.TryParse(attached.Value, out var n) ? n : null,
            gpus);
        return true;
    }

    private static string[] ActiveReasons(XElement reasons) =>
        reasons.Elements()
            .Where(e => e.Value.Trim() == "Active")
            .Select(e => e.Name.LocalName.Replace("clocks_event_reason_", string.Empty, StringComparison.Ordinal).Replace("clocks_throttle_reason_", string.Empty, StringComparison.Ordinal))
            .Where(r => r != "gpu_idle")
            .ToArray();

    private static Located<string>? Text(XElement? e)
    {
        var value = e?.Value.Trim();
        return string.IsNullOrEmpty(value) || value == "N/A" ? null : new Located<string>(value, LineOf(e!));
    }

    private static Located<string>? Attr(XElement e, string name)
    {
        var value = e.Attribute(name)?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : new Located<string>(value, LineOf(e));
    }

    private static int? LineOf(XObject o) => o is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;
}
