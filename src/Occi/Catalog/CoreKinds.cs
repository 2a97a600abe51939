using OcciAgent.Occi.Model;

namespace OcciAgent.Occi.Catalog;

/// <summary>The core kinds of GFD.221 §5.4 with their attribute definitions (GFD.221 §5.4.1-§5.4.3).</summary>
public static class CoreKinds
{
    public static readonly Kind Entity = new(Schemes.Core, "entity", "Entity", null, null,
    [
        // Server-assigned; published required:false so strict clients do not invent ids (docs/conformance.md).
        new(AttributeNames.Id, AttrType.String, Mutable: false, Description: "Unique identifier of the entity"),
        new(AttributeNames.Title, AttrType.String, Description: "Display name of the entity"),
    ], []);

    public static readonly Kind Resource = new(Schemes.Core, "resource", "Resource", Entity, "/resource/",
    [
        new(AttributeNames.Summary, AttrType.String, Description: "Summarising description of the resource"),
    ], []);

    public static readonly Kind Link = new(Schemes.Core, "link", "Link", Entity, "/link/",
    [
        new(AttributeNames.Source, AttrType.String, Required: true, Description: "Location of the source resource"),
        new(AttributeNames.Target, AttrType.String, Required: true, Description: "Location of the target resource"),
        new(AttributeNames.TargetKind, AttrType.String, Description: "Type identifier of the target's kind"),
        new(AttributeNames.SourceKind, AttrType.String, Mutable: false, Description: "Type identifier of the source's kind"),
    ], []);
}
