namespace OcciAgent.Store;

/// <summary>The database was written by a newer occi-agent. Opening it anyway could drop fields
/// this version does not know, so start-up stops with this message instead.</summary>
public sealed class StoreSchemaException(string message) : Exception(message);
