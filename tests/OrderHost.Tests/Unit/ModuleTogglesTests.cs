using Microsoft.Extensions.Configuration;
using OrderHost.Host.Composition;

namespace OrderHost.Tests.Unit;

/// <summary>Which modules of the table a process runs: <c>Modules:Enabled</c> names them, the per-module flags still work.</summary>
[TestFixture]
public sealed class ModuleTogglesTests
{
    private static readonly IReadOnlyList<HostedModule> Table = ModuleTable.Shipped;

    [Test]
    public void Without_settings_every_module_runs()
        => Assert.That(Names(), Is.EqualTo("Orders,Payments,Notifications"));

    [Test]
    public void A_per_module_flag_switches_one_off()
        => Assert.That(Names(("Modules:Payments:Enabled", "false")), Is.EqualTo("Orders,Notifications"));

    [Test]
    public void The_list_names_exactly_what_runs_in_any_letter_case_and_spacing()
        => Assert.That(Names(("Modules:Enabled", " payments , Notifications")), Is.EqualTo("Payments,Notifications"));

    [Test]
    public void An_empty_list_runs_nothing()
        => Assert.That(Names(("Modules:Enabled", "")), Is.Empty);

    [Test]
    public void The_list_and_flags_that_agree_are_accepted()
        => Assert.That(Names(("Modules:Enabled", "Payments"), ("Modules:Payments:Enabled", "true"), ("Modules:Orders:Enabled", "false")), Is.EqualTo("Payments"));

    [TestCase("Modules:Enabled", "Payments,Shipping", "'Shipping', which is not a module")]
    [TestCase("Modules:Shipping:Enabled", "true", "Modules:Shipping names no module")]
    [TestCase("Modules:Payments:Enabled", "yes", "is 'yes', not true or false")]
    public void An_unknown_name_or_value_stops_the_start_naming_it(string key, string value, string reason)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Names((key, value)));

        Assert.That(error!.Message, Does.Contain(reason).And.Contain("Orders, Payments, Notifications"));
    }

    [Test]
    public void A_flag_that_contradicts_the_list_stops_the_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Names(("Modules:Enabled", "Payments"), ("Modules:Orders:Enabled", "true")));

        Assert.That(error!.Message, Does.Contain("Modules:Orders:Enabled is true but Modules:Enabled ('Payments') says otherwise"));
    }

    /// <summary>The modules that run, comma-separated in table order.</summary>
    private static string Names(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value))).Build();
        return string.Join(',', ModuleToggles.Select(configuration, Table).Select(m => m.Name));
    }
}
