using System.Reflection;

namespace OcciAgent.Tests.Unit;

/// <summary>Every test class says which kind of test it is (tests/README.md), exactly once, so
/// <c>dotnet test --filter Category=Unit</c> (or Integration, Vm, Systemd) selects whole classes.</summary>
[Trait("Category", "Unit")]
public sealed class TestKindTests
{
    private static readonly string[] Kinds = ["Unit", "Integration", "Vm", "Systemd"];

    [Fact]
    public void Every_TestClassHasExactlyOneKnownCategory()
    {
        var wrong = new List<string>();
        foreach (var type in typeof(TestKindTests).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            if (!type.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any())) continue;
            var kinds = type.GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == "Category")
                .Select(a => (string?)a.ConstructorArguments[1].Value)
                .ToList();
            if (kinds.Count != 1 || !Kinds.Contains(kinds[0]))
                wrong.Add($"{type.FullName}: [{string.Join(", ", kinds)}]");
        }
        Assert.True(wrong.Count == 0, "test classes without exactly one Category trait:\n" + string.Join("\n", wrong));
    }
}
