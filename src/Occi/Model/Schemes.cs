namespace OcciAgent.Occi.Model;

/// <summary>Scheme URIs of the OCCI documents (GFD.221 §5.3.1, GFD.224 §3).</summary>
public static class Schemes
{
    public const string Core = "http://schemas.ogf.org/occi/core#";
    public const string Infra = "http://schemas.ogf.org/occi/infrastructure#";
    public const string ComputeAction = "http://schemas.ogf.org/occi/infrastructure/compute/action#";
    public const string NetworkAction = "http://schemas.ogf.org/occi/infrastructure/network/action#";
    public const string StorageAction = "http://schemas.ogf.org/occi/infrastructure/storage/action#";
    public const string Network = "http://schemas.ogf.org/occi/infrastructure/network#";
    public const string NetworkInterface = "http://schemas.ogf.org/occi/infrastructure/networkinterface#";
    public const string Credentials = "http://schemas.ogf.org/occi/infrastructure/credentials#";
    public const string Compute = "http://schemas.ogf.org/occi/infrastructure/compute#";
    public const string OpenStackCredentials = "http://schemas.openstack.org/instance/credentials#";
    public const string OpenStackCompute = "http://schemas.openstack.org/compute/instance#";
    /// <summary>Reserved for OCCI documents; provider and user categories must not use it.</summary>
    public const string Reserved = "http://schemas.ogf.org/occi/";

    /// <summary>Splits a type identifier after its last '#' into scheme and term.</summary>
    public static bool TrySplit(string typeId, out string scheme, out string term)
    {
        var i = typeId.LastIndexOf('#');
        if (i < 0 || i == typeId.Length - 1)
        {
            scheme = term = "";
            return false;
        }
        scheme = typeId[..(i + 1)];
        term = typeId[(i + 1)..];
        return true;
    }
}
