using System.Text;
using System.Xml;

namespace CvmCheck.Formats.Nvidia;

/// <summary>
/// Parses <c>nvidia-smi -q -x</c> (the <c>nvidia_smi_log</c> document, DTD versions v10–v13 seen in
/// real captures). The DTD is never fetched or processed. Element names changed across driver
/// generations (<c>clocks_throttle_reasons</c> → <c>clocks_event_reasons</c>); both are read.
/// </summary>
/// <remarks>
/// One forward-only <see cref="XmlReader"/> pass (no DOM: a 212 KB 8-GPU report is read at start-up
/// of every <c>check</c>). It keeps what an <c>XDocument</c> of the file would give: the whole
/// document is read, so any well-formedness error wins over a content error; the first child of a
/// name counts; an element's value is all text below it, trimmed; a value's line is its element's.
/// </remarks>
public static class NvidiaSmiXmlParser
{
    public static bool TryParse(Stream xml, out NvidiaSmiLog log, out string error)
    {
        log = null!;
        error = string.Empty;
        string? contentError = null;
        NvidiaSmiLog? parsed = null;
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
            reader.MoveToContent();
            if (reader.LocalName != "nvidia_smi_log")
            {
                contentError = $"root element is <{reader.LocalName}>, expected <nvidia_smi_log>";
            }
            else
            {
                parsed = ReadRoot(reader, ref contentError);
            }

            // Read to the end, as a DOM load would: a malformed tail is reported before a content error.
            while (reader.Read())
            {
            }
        }
        catch (XmlException e)
        {
            error = $"not well-formed XML at line {e.LineNumber}, column {e.LinePosition}: {e.Message}";
            return false;
        }

        if (contentError is not null || parsed is null)
        {
            error = contentError ?? "no <nvidia_smi_log> element";
            return false;
        }

        log = parsed;
        return true;
    }

    private static NvidiaSmiLog? ReadRoot(XmlReader reader, ref string? contentError)
    {
        Located<string>? driver = null, cuda = null, attached = null;
        bool seenDriver = false, seenCuda = false, seenAttached = false;
        var gpus = new List<NvidiaSmiGpu>();
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (InElement(reader, depth))
            {
                if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI.Length != 0)
                {
                    SkipNode(reader);
                    continue;
                }

                switch (reader.LocalName)
                {
                    case "gpu":
                        var gpu = ReadGpu(reader, out var gpuError);
                        if (gpu is not null)
                        {
                            if (contentError is null)
                            {
                                gpus.Add(gpu);
                            }
                        }
                        else
                        {
                            contentError ??= gpuError;
                        }

                        break;
                    case "driver_version" when !seenDriver:
                        seenDriver = true;
                        driver = Text(reader);
                        break;
                    case "cuda_version" when !seenCuda:
                        seenCuda = true;
                        cuda = Text(reader);
                        break;
                    case "attached_gpus" when !seenAttached:
                        seenAttached = true;
                        attached = Text(reader);
                        break;
                    default:
                        SkipNode(reader);
                        break;
                }
            }
        }

        return contentError is not null
            ? null
            : new NvidiaSmiLog(driver, cuda, attached is not null && int.TryParse(attached.Value, out var n) ? n : null, gpus);
    }

    private static readonly HashSet<string> SimpleGpuFields = new(StringComparer.Ordinal)
    {
        "product_name", "uuid", "product_architecture", "vbios_version", "persistence_mode", "gsp_firmware_version",
    };

    private static NvidiaSmiGpu? ReadGpu(XmlReader reader, out string? error)
    {
        error = null;
        var line = LineOf(reader);
        var idAttribute = reader.GetAttribute("id")?.Trim();
        Located<string>? busId = null, deviceId = null, virtualization = null;
        bool seenPci = false, seenVirtualization = false;

        // The first element of each name wins (later duplicates are skipped), as nvidia-smi writes one.
        var first = new Dictionary<string, Located<string>?>(StringComparer.Ordinal);
        (string[] Reasons, int? Line)? eventReasons = null, throttleReasons = null;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (InElement(reader, depth))
            {
                if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI.Length != 0)
                {
                    SkipNode(reader);
                    continue;
                }

                switch (reader.LocalName)
                {
                    case "pci" when !seenPci:
                        seenPci = true;
                        ReadPci(reader, out busId, out deviceId);
                        break;
                    case var field when SimpleGpuFields.Contains(field) && !first.ContainsKey(field):
                        first[field] = Text(reader);
                        break;
                    case "gpu_virtualization_mode" when !seenVirtualization:
                        seenVirtualization = true;
                        virtualization = FirstChildText(reader, "virtualization_mode");
                        break;
                    case "clocks_event_reasons" when eventReasons is null:
                        eventReasons = ReadReasons(reader);
                        break;
                    case "clocks_throttle_reasons" when throttleReasons is null:
                        throttleReasons = ReadReasons(reader);
                        break;
                    default:
                        SkipNode(reader);
                        break;
                }
            }
        }

        SkipNode(reader);
        busId ??= string.IsNullOrEmpty(idAttribute) ? null : new Located<string>(idAttribute, line);
        if (busId is null)
        {
            error = $"<gpu> at line {line} has neither an id attribute nor pci/pci_bus_id";
            return null;
        }

        var throttle = eventReasons ?? throttleReasons;
        return new NvidiaSmiGpu
        {
            BusId = busId,
            Name = first.GetValueOrDefault("product_name"),
            Uuid = first.GetValueOrDefault("uuid"),
            Architecture = first.GetValueOrDefault("product_architecture"),
            VbiosVersion = first.GetValueOrDefault("vbios_version") is { } v ? v with { Value = v.Value.ToUpperInvariant() } : null,
            PersistenceMode = first.GetValueOrDefault("persistence_mode") is { } p ? p with { Value = p.Value.ToLowerInvariant() } : null,
            VirtualizationMode = virtualization,
            GspFirmwareVersion = first.GetValueOrDefault("gsp_firmware_version"),
            PciDeviceId = deviceId,
            ActiveThrottleReasons = throttle is { } t ? t.Reasons : [],
            ThrottleReasonsLine = throttle?.Line,
        };
    }

    /// <summary>The first <c>pci_bus_id</c> and <c>pci_device_id</c> of a <c>pci</c> element.</summary>
    private static void ReadPci(XmlReader reader, out Located<string>? busId, out Located<string>? deviceId)
    {
        busId = null;
        deviceId = null;
        bool seenBus = false, seenDevice = false;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (InElement(reader, depth))
            {
                if (reader.NodeType == XmlNodeType.Element && reader.NamespaceURI.Length == 0 && !seenBus && reader.LocalName == "pci_bus_id")
                {
                    seenBus = true;
                    busId = Text(reader);
                }
                else if (reader.NodeType == XmlNodeType.Element && reader.NamespaceURI.Length == 0 && !seenDevice && reader.LocalName == "pci_device_id")
                {
                    seenDevice = true;
                    deviceId = Text(reader);
                }
                else
                {
                    SkipNode(reader);
                }
            }
        }

        SkipNode(reader);
    }

    /// <summary>The value of the first child element called <paramref name="childName"/>.</summary>
    private static Located<string>? FirstChildText(XmlReader reader, string childName)
    {
        Located<string>? value = null;
        var seen = false;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (InElement(reader, depth))
            {
                if (!seen && reader.NodeType == XmlNodeType.Element && reader.NamespaceURI.Length == 0 && reader.LocalName == childName)
                {
                    seen = true;
                    value = Text(reader);
                }
                else
                {
                    SkipNode(reader);
                }
            }
        }

        SkipNode(reader);
        return value;
    }

    /// <summary>Child elements (any name) whose value is <c>Active</c>, without the name prefixes, idle excluded.</summary>
    private static (string[] Reasons, int? Line) ReadReasons(XmlReader reader)
    {
        var line = LineOf(reader);
        List<string>? active = null;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (InElement(reader, depth))
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    SkipNode(reader);
                    continue;
                }

                var localName = reader.LocalName;
                if (Value(reader).Trim() == "Active")
                {
                    var reason = localName.Replace("clocks_event_reason_", string.Empty, StringComparison.Ordinal).Replace("clocks_throttle_reason_", string.Empty, StringComparison.Ordinal);
                    if (reason != "gpu_idle")
                    {
                        (active ??= []).Add(reason);
                    }
                }
            }
        }

        SkipNode(reader);
        return (active?.ToArray() ?? [], line);
    }

    /// <summary>An element's trimmed value with its line; null when empty or <c>N/A</c>. Consumes the element.</summary>
    private static Located<string>? Text(XmlReader reader)
    {
        var line = LineOf(reader);
        var value = Value(reader).Trim();
        return string.IsNullOrEmpty(value) || value == "N/A" ? null : new Located<string>(value, line);
    }

    /// <summary>All text below the element the reader is on (as <c>XElement.Value</c>); leaves the
    /// reader on the node after the element.</summary>
    private static string Value(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return string.Empty;
        }

        var depth = reader.Depth;
        string? single = null;
        StringBuilder? builder = null;
        reader.Read();
        while (InElement(reader, depth))
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                if (single is null)
                {
                    single = reader.Value;
                }
                else
                {
                    (builder ??= new StringBuilder(single)).Append(reader.Value);
                }
            }

            reader.Read();
        }

        reader.Read();
        return builder?.ToString() ?? single ?? string.Empty;
    }

    /// <summary>Moves past the current node and, for an element, everything in it, reading every node
    /// (no fast skip), so well-formedness is checked as a DOM load checks it.</summary>
    private static void SkipNode(XmlReader reader)
    {
        if (reader.NodeType == XmlNodeType.Element && !reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (InElement(reader, depth))
            {
                reader.Read();
            }
        }

        reader.Read();
    }

    /// <summary>True while the reader is inside the element opened at <paramref name="depth"/>
    /// (a truncated document makes the reader throw before its end).</summary>
    private static bool InElement(XmlReader reader, int depth) =>
        !reader.EOF && !(reader.Depth == depth && reader.NodeType == XmlNodeType.EndElement);

    private static int? LineOf(XmlReader reader) => reader is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;
}
