using System.Text.RegularExpressions;
using OrderHost.Tests.Kernel;

namespace OrderHost.Tests.Architecture;

/// <summary>
/// The messaging kernel carries nothing order-specific: no string literal in src/Messaging speaks of orders. The
/// host's ledger definition names the streams, subjects and id tags. The product's own prefix (<c>orderhost</c>, as in
/// metric names and header names) is not a domain word and is allowed.
/// </summary>
[TestFixture]
public sealed partial class KernelLiteralTests
{
    [Test]
    public void No_string_literal_of_the_kernel_speaks_of_orders()
    {
        var kernel = Path.Combine(RepositoryRoot.Find(), "src", "Messaging");
        var files = Directory.EnumerateFiles(kernel, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .ToList();

        var offending = files.SelectMany(f => OrderWordsIn(File.ReadAllText(f)).Select(l => $"{Path.GetRelativePath(kernel, f)}:{l.Line}: \"{l.Text}\"")).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(files, Has.Count.GreaterThan(50), "the kernel's sources are found");
            Assert.That(offending, Is.Empty);
        }
    }

    [TestCase("""var stream = "ORDERS";""")]
    [TestCase("""const string Prefix = "dlq.orders.";""")]
    [TestCase("""var tag = $"orderhost.{entity}_id or order_id";""")]
    [TestCase("""var s = $"{(a ? "Order" : b)}";""")]
    [TestCase("""var s = @"say ""orders"" twice";""")]
    [TestCase("var s = \"\"\"\n    orders.>\n    \"\"\";")]
    public void The_check_finds_an_order_word_in_a_literal(string source)
        => Assert.That(OrderWordsIn(source), Is.Not.Empty);

    [TestCase("""namespace OrderHost.Messaging; // orders live elsewhere""")]
    [TestCase("""/// <summary>An order's history</summary> var x = list.OrderBy(o => o).Order();""")]
    [TestCase("""meter.CreateCounter<long>("orderhost.messages.handled"); headers["OrderHost-Dlq-Reason"] = "x";""")]
    [TestCase("""var s = $"{orderId:D}:{step}"; var c = '"'; var d = "\"orderhost\"";""")]
    public void The_check_ignores_code_comments_and_the_product_name(string source)
        => Assert.That(OrderWordsIn(source), Is.Empty);

    private static IEnumerable<(int Line, string Text)> OrderWordsIn(string source)
        => CSharpStringLiterals.In(source).Where(l => OrderWord().IsMatch(l.Text));

    /// <summary>"order" in any case, except as the start of the product name "orderhost".</summary>
    [GeneratedRegex("order(?!host)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OrderWord();
}
