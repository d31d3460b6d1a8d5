using System.Text;
using System.Xml;

namespace CvmCheck.Attestation.Rim;

/// <summary>The canonicalization algorithms XMLDSig names by URI (XMLDSig 1.1 §6.5).</summary>
public enum C14NMethod
{
    /// <summary>http://www.w3.org/TR/2001/REC-xml-c14n-20010315</summary>
    Inclusive10,

    /// <summary>http://www.w3.org/2006/12/xml-c14n11 (NVIDIA RIMs use this one).</summary>
    Inclusive11,

    /// <summary>http://www.w3.org/2001/10/xml-exc-c14n#</summary>
    Exclusive,
}

/// <summary>
/// Canonical XML, written from the W3C recommendations: "Canonical XML 1.0" (c14n, §2.3 processing
/// model, §4 "ordering of namespace and attribute nodes"), "Canonical XML 1.1" (c14n11: like 1.0, but
/// <c>xml:id</c> is not inherited into a subset and <c>xml:base</c> is not copied) and "Exclusive XML
/// Canonicalization 1.0" (exc-c14n: only visibly utilised namespaces, plus an InclusiveNamespaces
/// PrefixList). Input is a DOM loaded with <see cref="XmlDocument.PreserveWhitespace"/> = true; the
/// node set is the subtree at <c>apex</c> minus the subtree at <c>excluded</c> (the enveloped
/// signature), which covers every same-document reference NVIDIA RIMs make.
/// </summary>
public static class XmlCanonicalizer
{
    public const string Inclusive10Uri = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    public const string Inclusive10WithCommentsUri = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    public const string Inclusive11Uri = "http://www.w3.org/2006/12/xml-c14n11";
    public const string Inclusive11WithCommentsUri = "http://www.w3.org/2006/12/xml-c14n11#WithComments";
    public const string ExclusiveUri = "http://www.w3.org/2001/10/xml-exc-c14n#";
    public const string ExclusiveWithCommentsUri = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    /// <summary>Maps an algorithm URI to the method and comment mode; false for an unknown URI.</summary>
    public static bool TryParseAlgorithm(string uri, out C14NMethod method, out bool withComments)
    {
        (method, withComments, var known) = uri switch
        {
            Inclusive10Uri => (C14NMethod.Inclusive10, false, true),
            Inclusive10WithCommentsUri => (C14NMethod.Inclusive10, true, true),
            Inclusive11Uri => (C14NMethod.Inclusive11, false, true),
            Inclusive11WithCommentsUri => (C14NMethod.Inclusive11, true, true),
            ExclusiveUri => (C14NMethod.Exclusive, false, true),
            ExclusiveWithCommentsUri => (C14NMethod.Exclusive, true, true),
            _ => (C14NMethod.Inclusive10, false, false),
        };
        return known;
    }

    /// <summary>Canonical UTF-8 bytes of <paramref name="apex"/> (a document or an element) without <paramref name="excluded"/>.</summary>
    public static byte[] Canonicalize(XmlNode apex, C14NMethod method, bool withComments, XmlNode? excluded = null, IReadOnlyCollection<string>? inclusivePrefixes = null)
    {
        var writer = new Writer(method, withComments, excluded, inclusivePrefixes ?? []);
        if (apex is XmlDocument document)
        {
            writer.WriteDocument(document);
        }
        else if (apex is XmlElement element)
        {
            writer.WriteApexElement(element);
        }
        else
        {
            throw new ArgumentException("the apex must be a document or an element", nameof(apex));
        }

        return Encoding.UTF8.GetBytes(writer.ToString());
    }

    private sealed class Writer(C14NMethod method, bool withComments, XmlNode? excluded, IReadOnlyCollection<string> inclusivePrefixes)
    {
        private readonly StringBuilder _out = new();

        public override string ToString() => _out.ToString();

        public void WriteDocument(XmlDocument document)
        {
            // c14n §2.3: outside the document element only comments and PIs are output, each separated by #xA.
            var seenRoot = false;
            foreach (XmlNode child in document.ChildNodes)
            {
                switch (child)
                {
                    case XmlElement root:
                        WriteElement(root, new Dictionary<string, string>(StringComparer.Ordinal), isApex: true);
                        seenRoot = true;
                        break;
                    case XmlProcessingInstruction pi:
                        if (seenRoot)
                        {
                            _out.Append('\n');
                        }

                        WritePi(pi);
                        if (!seenRoot)
                        {
                            _out.Append('\n');
                        }

                        break;
                    case XmlComment comment when withComments:
                        if (seenRoot)
                        {
                            _out.Append('\n');
                        }

                        WriteComment(comment);
                        if (!seenRoot)
                        {
                            _out.Append('\n');
                        }

                        break;
                }
            }
        }

        public void WriteApexElement(XmlElement element) =>
            WriteElement(element, new Dictionary<string, string>(StringComparer.Ordinal), isApex: true);

        private void WriteElement(XmlElement element, Dictionary<string, string> rendered, bool isApex)
        {
            if (ReferenceEquals(element, excluded))
            {
                return;
            }

            var declarations = method == C14NMethod.Exclusive
                ? ExclusiveNamespaces(element, rendered)
                : InclusiveNamespaces(element, rendered);
            var renderedHere = new Dictionary<string, string>(rendered, StringComparer.Ordinal);
            foreach (var (prefix, uri) in declarations)
            {
                renderedHere[prefix] = uri;
            }

            var attributes = new List<XmlAttribute>();
            foreach (XmlAttribute a in element.Attributes)
            {
                if (a.NamespaceURI != XmlnsNamespace)
                {
                    attributes.Add(a);
                }
            }

            var inherited = isApex && method != C14NMethod.Exclusive ? InheritedXmlAttributes(element, attributes) : [];

            _out.Append('<').Append(element.Name);
            foreach (var (prefix, uri) in declarations.OrderBy(d => d.Prefix, StringComparer.Ordinal))
            {
                _out.Append(prefix.Length == 0 ? " xmlns" : " xmlns:" + prefix).Append("=\"");
                AppendAttributeValue(uri);
                _out.Append('"');
            }

            var all = attributes.Select(a => (a.NamespaceURI, a.LocalName, a.Name, a.Value))
                .Concat(inherited)
                .OrderBy(a => a.NamespaceURI, StringComparer.Ordinal)
                .ThenBy(a => a.LocalName, StringComparer.Ordinal);
            foreach (var a in all)
            {
                _out.Append(' ').Append(a.Name).Append("=\"");
                AppendAttributeValue(a.Value);
                _out.Append('"');
            }

            _out.Append('>');
            WriteChildren(element, renderedHere);
            _out.Append("</").Append(element.Name).Append('>');
        }

        private void WriteChildren(XmlNode parent, Dictionary<string, string> rendered)
        {
            foreach (XmlNode child in parent.ChildNodes)
            {
                switch (child)
                {
                    case XmlElement e:
                        WriteElement(e, rendered, isApex: false);
                        break;
                    case XmlText or XmlWhitespace or XmlSignificantWhitespace or XmlCDataSection:
                        AppendText(child.Value ?? string.Empty);
                        break;
                    case XmlEntityReference:
                        WriteChildren(child, rendered);
                        break;
                    case XmlComment c when withComments:
                        WriteComment(c);
                        break;
                    case XmlProcessingInstruction pi:
                        WritePi(pi);
                        break;
                }
            }
        }

        /// <summary>c14n §2.3 / §4.5: a namespace node is rendered unless the nearest output ancestor rendered the same one; xmlns="" only to undo an inherited default.</summary>
        private static List<(string Prefix, string Uri)> InclusiveNamespaces(XmlElement element, Dictionary<string, string> rendered)
        {
            var result = new List<(string, string)>();
            var inScope = InScopeNamespaces(element);
            foreach (var (prefix, uri) in inScope)
            {
                if (prefix.Length == 0 && uri.Length == 0)
                {
                    continue;
                }

                if (!rendered.TryGetValue(prefix, out var previous) || previous != uri)
                {
                    result.Add((prefix, uri));
                }
            }

            if (!inScope.ContainsKey(string.Empty) || inScope[string.Empty].Length == 0)
            {
                if (rendered.TryGetValue(string.Empty, out var def) && def.Length > 0)
                {
                    result.Add((string.Empty, string.Empty));
                }
            }

            return result;
        }

        /// <summary>exc-c14n §3: only prefixes visibly utilised by the element or its attributes, plus the InclusiveNamespaces PrefixList.</summary>
        private List<(string Prefix, string Uri)> ExclusiveNamespaces(XmlElement element, Dictionary<string, string> rendered)
        {
            var inScope = InScopeNamespaces(element);
            var utilised = new HashSet<string>(StringComparer.Ordinal) { element.Prefix };
            foreach (XmlAttribute a in element.Attributes)
            {
                if (a.NamespaceURI != XmlnsNamespace && a.Prefix.Length > 0 && a.Prefix != "xml")
                {
                    utilised.Add(a.Prefix);
                }
            }

            foreach (var p in inclusivePrefixes)
            {
                utilised.Add(p == "#default" ? string.Empty : p);
            }

            var result = new List<(string, string)>();
            foreach (var prefix in utilised)
            {
                var uri = inScope.GetValueOrDefault(prefix, string.Empty);
                if (prefix.Length == 0 && uri.Length == 0)
                {
                    if (rendered.TryGetValue(string.Empty, out var def) && def.Length > 0)
                    {
                        result.Add((string.Empty, string.Empty));
                    }

                    continue;
                }

                if (uri.Length > 0 && (!rendered.TryGetValue(prefix, out var previous) || previous != uri))
                {
                    result.Add((prefix, uri));
                }
            }

            return result;
        }

        /// <summary>Namespace declarations in scope at the element, from the element and all its ancestors (nearest wins); the xml prefix is implicit and never rendered.</summary>
        private static Dictionary<string, string> InScopeNamespaces(XmlElement element)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            for (XmlNode? node = element; node is XmlElement e; node = node.ParentNode)
            {
                foreach (XmlAttribute a in e.Attributes)
                {
                    if (a.NamespaceURI != XmlnsNamespace)
                    {
                        continue;
                    }

                    var prefix = a.Prefix.Length == 0 ? string.Empty : a.LocalName;
                    if (prefix != "xml")
                    {
                        map.TryAdd(prefix, a.Value);
                    }
                }
            }

            return map;
        }

        /// <summary>c14n 1.0 §2.4: the apex of a subset inherits xml:* attributes of its ancestors; c14n 1.1 §2.4 inherits only xml:lang and xml:space (and fixes xml:base up, which we omit).</summary>
        private List<(string NamespaceURI, string LocalName, string Name, string Value)> InheritedXmlAttributes(XmlElement element, List<XmlAttribute> own)
        {
            var result = new List<(string, string, string, string)>();
            var have = new HashSet<string>(own.Where(a => a.NamespaceURI == XmlNamespace).Select(a => a.LocalName), StringComparer.Ordinal);
            for (var node = element.ParentNode; node is XmlElement e; node = node.ParentNode)
            {
                foreach (XmlAttribute a in e.Attributes)
                {
                    if (a.NamespaceURI != XmlNamespace || have.Contains(a.LocalName))
                    {
                        continue;
                    }

                    if (method == C14NMethod.Inclusive11 && a.LocalName is not ("lang" or "space"))
                    {
                        continue;
                    }

                    have.Add(a.LocalName);
                    result.Add((a.NamespaceURI, a.LocalName, a.Name, a.Value));
                }
            }

            return result;
        }

        private void WritePi(XmlProcessingInstruction pi)
        {
            _out.Append("<?").Append(pi.Target);
            if (!string.IsNullOrEmpty(pi.Data))
            {
                _out.Append(' ').Append(pi.Data);
            }

            _out.Append("?>");
        }

        private void WriteComment(XmlComment comment) => _out.Append("<!--").Append(comment.Value).Append("-->");

        /// <summary>c14n §2.3 text nodes: &amp; &lt; &gt; and #xD escaped.</summary>
        private void AppendText(string text)
        {
            foreach (var c in text)
            {
                switch (c)
                {
                    case '&': _out.Append("&amp;"); break;
                    case '<': _out.Append("&lt;"); break;
                    case '>': _out.Append("&gt;"); break;
                    case '\r': _out.Append("&#xD;"); break;
                    default: _out.Append(c); break;
                }
            }
        }

        /// <summary>c14n §2.3 attribute values: &amp; &lt; &quot; #x9 #xA #xD escaped.</summary>
        private void AppendAttributeValue(string value)
        {
            foreach (var c in value)
            {
                switch (c)
                {
                    case '&': _out.Append("&amp;"); break;
                    case '<': _out.Append("&lt;"); break;
                    case '"': _out.Append("&quot;"); break;
                    case '\t': _out.Append("&#x9;"); break;
                    case '\n': _out.Append("&#xA;"); break;
                    case '\r': _out.Append("&#xD;"); break;
                    default: _out.Append(c); break;
                }
            }
        }
    }
}
