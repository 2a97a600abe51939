namespace OcciAgent.Config.Settings;

/// <summary>What JSON a config key takes; checked before binding because the configuration
/// providers turn every JSON scalar into a string (a number where a list belongs would pass).</summary>
public enum SettingShape { Number, Bool, String, StringList, StringOrList, Object, ObjectList }

/// <summary>One key of the config file, declared next to the property it binds to. A test
/// (tests/Agent.Tests/Unit/SettingsTests.cs) keeps these lists equal to the properties.</summary>
public sealed record SettingKey(string Name, SettingShape Shape);
