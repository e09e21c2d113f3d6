using System;
using System.IO;
using EdgeLearn.HostSim.Cli;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using EdgeLearn.Tests.Support;

namespace EdgeLearn.Tests.Cli;

[TestClass]
public sealed class TrainingProgressTests
{
    /// <summary>A clock the test advances by hand.</summary>
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => Ticks;

        public void AdvanceSeconds(double seconds) => Ticks += (long)(seconds * 1000);
    }

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [TestMethod]
    public void Run_RedirectedOutput_PrintsPeriodicLinesAndEpochSummary()
    {
        var output = new StringWriter();
        var console = new RunConsole(output, new StringWriter(), quiet: false);
        var time = new ManualTime();

        TrainingProgress.Run(console, 2, 1000, p =>
        {
            p.BeginEpoch(1);
            time.AdvanceSeconds(5);
            p.Report(100, 50);
            Assert.AreEqual(0, Lines(output).Length, "no line before the 10 s interval");
            time.AdvanceSeconds(5);
            p.Report(200, 150);
            time.AdvanceSeconds(2);
            p.Report(1000, 900);
            p.EndEpoch(0.875);
        }, time);

        string[] lines = Lines(output);
        Assert.AreEqual(2, lines.Length, output.ToString());
        Assert.AreEqual("epoch 1/2: 200/1000, 20 samples/s, train acc 0.7500", lines[0]);
        Assert.AreEqual("epoch 1/2: 1000 samples in 12.0 s, 83 samples/s, train acc 0.9000, test acc 0.8750", lines[1]);
    }

    [TestMethod]
    public void Run_Quiet_PrintsOnlyEpochSummaries()
    {
        var output = new StringWriter();
        var console = new RunConsole(output, new StringWriter(), quiet: true);
        var time = new ManualTime();

        int result = TrainingProgress.Run(console, 1, 10, p =>
        {
            p.BeginEpoch(1);
            time.AdvanceSeconds(30);
            p.Report(10);
            p.EndEpoch();
            return 42;
        }, time);

        Assert.AreEqual(42, result);
        CollectionAssert.AreEqual(new[] { "epoch 1/1: 10 samples in 30.0 s, 0 samples/s" }, Lines(output));
    }

    [TestMethod]
    public void BeginEpoch_OutsideRange_Throws()
    {
        var console = new RunConsole(new StringWriter(), new StringWriter(), quiet: true);

        TrainingProgress.Run(console, 2, 10, p =>
        {
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => p.BeginEpoch(3));
            Assert.ThrowsExactly<InvalidOperationException>(() => p.EndEpoch());
        });
    }

    [TestMethod]
    public void Report_BetweenRedraws_AllocatesNothing()
    {
        var console = new RunConsole(new StringWriter(), new StringWriter(), quiet: false);
        var time = new ManualTime();

        TrainingProgress.Run(console, 1, 100_000, p =>
        {
            p.BeginEpoch(1);
            p.Report(1, 1);
            int step = 1;
            long allocated = AllocationMeter.FewestBytesPerRound(() =>
            {
                for (int i = 0; i < 2_500; i++)
                {
                    step++;
                    p.Report(step, step / 2);
                }
            });
            Assert.AreEqual(0L, allocated);
        }, time);
    }
}
