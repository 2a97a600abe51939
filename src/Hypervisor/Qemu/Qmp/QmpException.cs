namespace OcciAgent.Hypervisor.Qemu.Qmp;

/// <summary>A QMP operation failed. Three cases, told apart by the properties:
/// QEMU answered a command with an error (<see cref="Class"/> and <see cref="Desc"/> set, as sent by
/// QEMU); the connection is gone (<see cref="ConnectionClosed"/>: QEMU exited, was killed, or the
/// client was disposed); or the connection or handshake could not be made in time (neither).</summary>
public sealed class QmpException : Exception
{
    /// <summary>A failure that is not an error reply from QEMU.</summary>
    public QmpException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>QEMU answered <paramref name="command"/> with <c>{"error":{"class":..,"desc":..}}</c>.</summary>
    public QmpException(string command, string errorClass, string desc)
        : base($"QMP {command} failed: {errorClass}: {desc}")
    {
        Command = command;
        Class = errorClass;
        Desc = desc;
    }

    private QmpException(string message, string? command, bool connectionClosed, Exception? innerException)
        : base(message, innerException)
    {
        Command = command;
        ConnectionClosed = connectionClosed;
    }

    /// <summary>The QMP command concerned, when there is one.</summary>
    public string? Command { get; }

    /// <summary>QEMU's error class (<c>GenericError</c>, <c>CommandNotFound</c>, <c>DeviceNotFound</c>,
    /// ...); null when QEMU did not send an error reply.</summary>
    public string? Class { get; }

    /// <summary>QEMU's human-readable error description; null when QEMU did not send an error reply.</summary>
    public string? Desc { get; }

    /// <summary>True when the operation failed because the QMP connection is closed.</summary>
    public bool ConnectionClosed { get; }

    internal static QmpException Closed(string? command, string reason, Exception? innerException = null) =>
        new(command is null
                ? $"QMP connection closed ({reason})"
                : $"QMP connection closed ({reason}) before {command} got a reply",
            command, connectionClosed: true, innerException);
}
