using EdgeLearn.HostSim.Cli;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Cli;

[TestClass]
public sealed class LayerArchitectureTests
{
    [TestMethod]
    public void Parse_ThreeLayers_ReadsWidthsInOrder()
    {
        var arch = LayerArchitecture.Parse("784-256-10");

        CollectionAssert.AreEqual(new[] { 784, 256, 10 }, arch.ToArray());
        Assert.AreEqual(3, arch.LayerCount);
        Assert.AreEqual(784, arch.Inputs);
        Assert.AreEqual(10, arch.Outputs);
        Assert.AreEqual("784-256-10", arch.ToString());
    }

    [TestMethod]
    public void Parse_ExtremeWidths_Accepted()
    {
        CollectionAssert.AreEqual(new[] { 1, 65535 }, LayerArchitecture.Parse("1-65535").ToArray());
    }

    [TestMethod]
    [DataRow("784", "at least 2")]
    [DataRow("784-0-10", "width 0 of layer 1 is outside [1, 65535]")]
    [DataRow("784-65536", "width 65536 of layer 1 is outside [1, 65535]")]
    [DataRow("784-99999999999", "above 65535")]
    [DataRow("784--10", "layer 1 is ''")]
    [DataRow("784-+5-10", "layer 1 is '+5'")]
    [DataRow("784-ten", "layer 1 is 'ten'")]
    [DataRow(" 784-10", "layer 0 is ' 784'")]
    [DataRow("", "empty")]
    public void TryParse_Invalid_FailsWithReason(string text, string reason)
    {
        bool ok = LayerArchitecture.TryParse(text, out var arch, out string? error);

        Assert.IsFalse(ok);
        Assert.IsNull(arch);
        StringAssert.Contains(error, reason);
    }

    [TestMethod]
    public void RequireShape_InputMismatch_ThrowsUsageError()
    {
        var arch = LayerArchitecture.Parse("100-10");

        var e = Assert.ThrowsExactly<CommandLineUsageException>(() => arch.RequireShape(784, 10, "fashion-mnist"));

        StringAssert.Contains(e.Message, "input width 100 does not match fashion-mnist, which has 784 inputs");
        arch.RequireShape(100, 10, "x");
    }
}
