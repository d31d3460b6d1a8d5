using System.Text;
using CvmCheck.Attestation.Rim;

namespace CvmCheck.Attestation.Tests.Rim;

/// <summary>Canonical forms written out by hand from the W3C Canonical XML 1.0/1.1 and Exclusive C14N rules.</summary>
public sealed class XmlCanonicalizerTests
{
    private static string C14n(string xml, C14NMethod method, string? apexXPath = null, string? prefixes = null)
    {
        var document = XmlSignatureVerifier.Load(Encoding.UTF8.GetBytes(xml));
        System.Xml.XmlNode apex = apexXPath is null ? document : document.SelectSingleNode(apexXPath)!;
        return Encoding.UTF8.GetString(XmlCanonicalizer.Canonicalize(apex, method, withComments: false, inclusivePrefixes: prefixes?.Split(' ')));
    }

    [Fact]
    public void Empty_elements_become_start_end_pairs_and_attributes_sort_by_namespace_then_name()
    {
        var output = C14n("<a xmlns:z=\"urn:z\" xmlns:b=\"urn:b\" z:y=\"1\" b:x=\"2\" c=\"3\"/>", C14NMethod.Inclusive11);

        Assert.Equal("<a xmlns:b=\"urn:b\" xmlns:z=\"urn:z\" c=\"3\" b:x=\"2\" z:y=\"1\"></a>", output);
    }

    [Fact]
    public void Text_and_attribute_values_are_escaped_as_the_spec_says()
    {
        var output = C14n("<a t=\"&lt;&amp;&quot;&#9;&#10;\">&lt;&amp;&gt;&#13;</a>", C14NMethod.Inclusive10);

        Assert.Equal("<a t=\"&lt;&amp;&quot;&#x9;&#xA;\">&lt;&amp;&gt;&#xD;</a>", output);
    }

    [Fact]
    public void Comments_and_whitespace_outside_the_document_element_are_dropped_and_pis_kept()
    {
        var output = C14n("<?xml version=\"1.0\"?>\n<?pi data?>\n<!-- c --><a><!-- in --> <b/></a>\n", C14NMethod.Inclusive10);

        Assert.Equal("<?pi data?>\n<a> <b></b></a>", output);
    }

    [Fact]
    public void Inclusive_subset_apex_renders_every_inherited_namespace_and_children_only_new_ones()
    {
        const string xml = "<r xmlns=\"urn:d\" xmlns:p=\"urn:p\" xmlns:q=\"urn:q\"><p:s><t xmlns:p=\"urn:p\"/></p:s></r>";

        var output = C14n(xml, C14NMethod.Inclusive11, "/*/*");

        Assert.Equal("<p:s xmlns=\"urn:d\" xmlns:p=\"urn:p\" xmlns:q=\"urn:q\"><t></t></p:s>", output);
    }

    [Fact]
    public void Exclusive_renders_only_visibly_utilised_namespaces_plus_the_prefix_list()
    {
        const string xml = "<r xmlns=\"urn:d\" xmlns:p=\"urn:p\" xmlns:q=\"urn:q\"><p:s><t/></p:s></r>";

        Assert.Equal("<p:s xmlns:p=\"urn:p\"><t xmlns=\"urn:d\"></t></p:s>", C14n(xml, C14NMethod.Exclusive, "/*/*"));
        Assert.Equal("<p:s xmlns:p=\"urn:p\" xmlns:q=\"urn:q\"><t xmlns=\"urn:d\"></t></p:s>", C14n(xml, C14NMethod.Exclusive, "/*/*", "q"));
    }

    [Fact]
    public void Default_namespace_undeclaration_is_kept_only_where_it_changes_something()
    {
        var output = C14n("<a xmlns=\"urn:a\"><b xmlns=\"\"><c xmlns=\"\"/></b></a>", C14NMethod.Inclusive10);

        Assert.Equal("<a xmlns=\"urn:a\"><b xmlns=\"\"><c></c></b></a>", output);
    }

    [Fact]
    public void Subset_apex_inherits_xml_lang_from_its_ancestors()
    {
        var output = C14n("<a xml:lang=\"en\"><b/></a>", C14NMethod.Inclusive10, "/a/b");

        Assert.Equal("<b xml:lang=\"en\"></b>", output);
    }
}
