using System.Diagnostics;

namespace OrderHost.Tests.Unit;

/// <summary>The output window of a child process: whole lines of both streams, the newest ones, and the totals.</summary>
[TestFixture]
public sealed class RecentOutputTests
{
    private static readonly string[] FirstLines = ["one", "two", "three"];

    [Test]
    public async Task Keeps_whole_lines_of_stdout_and_stderr_and_counts_them()
    {
        var output = new RecentOutput();
        using var process = output.Start(Shell("echo one; echo two >&2; printf 'three'"));
        await process.WaitForExitAsync();
        await output.Completion;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(output.Lines(), Is.EquivalentTo(FirstLines), "an unterminated last line is kept too");
            Assert.That(output.LineCount, Is.EqualTo(2), "newlines written");
            Assert.That(output.Bytes, Is.EqualTo("one\ntwo\nthree".Length));
        }
    }

    [Test]
    public async Task Keeps_only_the_newest_lines_that_fit()
    {
        var output = new RecentOutput(capacityBytes: 64);
        using var process = output.Start(Shell("for i in $(seq 1 1000); do echo line-$i; done"));
        await process.WaitForExitAsync();
        await output.Completion;

        var lines = output.Lines();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lines[^1], Is.EqualTo("line-1000"));
            Assert.That(lines, Has.All.Match("^line-\\d+$"), "no line cut at the start of the window");
            Assert.That(lines, Has.Count.InRange(5, 7), "64 bytes hold the last five or six lines");
            Assert.That(output.LineCount, Is.EqualTo(1000));
        }
    }

    private static ProcessStartInfo Shell(string script) => new("/bin/sh", ["-c", script]);
}
