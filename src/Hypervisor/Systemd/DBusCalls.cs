using Tmds.DBus.Protocol;

namespace OcciAgent.Hypervisor.Systemd;

/// <summary>Writes a method call's body. <see cref="MessageWriter"/> is a ref struct and must go
/// by reference: a copy would receive the body and the message would be corrupt (docs/host-notes.md,
/// systemd).</summary>
internal delegate void BodyWriter(ref MessageWriter w);

/// <summary>Method calls and property reads over one connection, with D-Bus errors turned into
/// <see cref="SystemdException"/> naming the call.</summary>
internal static class DBusCalls
{
    public static async Task<T> CallAsync<T>(DBusConnection bus, string destination, string path, string iface, string member,
        string? signature, BodyWriter? body, MessageValueReader<T> reader)
    {
        MessageBuffer message;
        var w = bus.GetMessageWriter();
        try
        {
            w.WriteMethodCallHeader(destination: destination, path: path, @interface: iface, member: member,
                signature: signature, flags: MessageFlags.None);
            body?.Invoke(ref w);
            message = w.CreateMessage();
        }
        finally
        {
            w.Dispose();
        }
        try
        {
            return await bus.CallMethodAsync(message, reader).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException e)
        {
            throw new SystemdException($"{member} on {destination} failed: {e.ErrorName}: {e.ErrorMessage}", e.ErrorName, e);
        }
        catch (DBusConnectionException e)
        {
            throw new SystemdException($"{member} on {destination} failed: the D-Bus connection is gone ({e.Message})", null, e);
        }
    }

    public static Task CallAsync(DBusConnection bus, string destination, string path, string iface, string member,
        string? signature, BodyWriter? body) =>
        CallAsync(bus, destination, path, iface, member, signature, body, static (_, _) => true);

    /// <summary><c>org.freedesktop.DBus.Properties.Get</c> of a property whose D-Bus type is
    /// <paramref name="type"/>; <paramref name="read"/> reads the value after the variant's signature.</summary>
    public static Task<T> GetPropertyAsync<T>(DBusConnection bus, string destination, string path, string iface, string name,
        string type, ValueReader<T> read) =>
        CallAsync(bus, destination, path, "org.freedesktop.DBus.Properties", "Get", "ss",
            (ref MessageWriter w) => { w.WriteString(iface); w.WriteString(name); },
            (m, _) =>
            {
                var r = m.GetBodyReader();
                r.ReadSignature(type);
                return read(ref r);
            });
}

internal delegate T ValueReader<T>(ref Reader r);
