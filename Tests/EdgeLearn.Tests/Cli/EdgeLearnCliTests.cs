using System;
using System.CommandLine;
using System.IO;
using System.Reflection;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Reporting;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Cli;

[TestClass]
public sealed class EdgeLearnCliTests
{
    private static (int Code, string Out, string Err) Run(AlgorithmRegistry registry, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = EdgeLearnCli.Run(args, registry, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static (int Code, string Out, string Err, StubAlgorithm Stub) RunStub(params string[] args)
    {
        var stub = new StubAlgorithm();
        var (code, output, error) = Run(new AlgorithmRegistry().Register(stub), args);
        return (code, output, error, stub);
    }

    [TestMethod]
    public void Run_Version_PrintsInformationalVersionOfEdgeLearnAssembly()
    {
        var (code, output, _) = Run(new AlgorithmRegistry(), "--version");

        string expected = typeof(EdgeLearnCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.AreEqual(ExitCodes.Success, code);
        Assert.AreEqual(expected, output.Trim());
        Assert.AreEqual(expected, ToolInfo.Version);
    }

    [TestMethod]
    public void Run_Help_ListsTrainAndExitsZero()
    {
        var (code, output, _) = Run(new AlgorithmRegistry(), "--help");

        Assert.AreEqual(ExitCodes.Success, code);
        StringAssert.Contains(output, "train");
        StringAssert.Contains(output, "datasets");
    }

    [TestMethod]
    public void Run_TrainHelp_ListsCommonAndAlgorithmOptions()
    {
        var (code, output, _, _) = RunStub("train", "--help");

        Assert.AreEqual(ExitCodes.Success, code);
        foreach (string option in new[] { "--algo", "--data", "--data-dir", "--arch", "--epochs", "--batch", "--train-limit", "--test-limit", "--seed", "--oracle", "--out", "--report", "--quiet", "--stub-level" })
        {
            StringAssert.Contains(output, option);
        }
    }

    [TestMethod]
    public void Run_TrainWithNoAlgorithmRegistered_ExitsTwoWithClearMessage()
    {
        var (code, _, error) = Run(new AlgorithmRegistry(), "train", "--algo", "bep");

        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "No training algorithm is registered");
    }

    [TestMethod]
    public void Run_TrainAllOptions_BindsThemForTheAlgorithm()
    {
        var (code, output, error, stub) = RunStub(
            "train", "--algo", "stub", "--data", "mnist", "--data-dir", "/some/dir", "--arch", "784-32-10", "--epochs", "3",
            "--batch", "8", "--train-limit", "100", "--test-limit", "50", "--seed", "4294967295", "--oracle",
            "--out", "model.bin", "--report", "r.json", "--quiet", "--stub-level", "7");

        Assert.AreEqual(ExitCodes.Success, code, error);
        StringAssert.Contains(output, "stub ran");
        var o = stub.Received!;
        Assert.AreEqual("stub", o.Algorithm);
        Assert.AreEqual("mnist", o.Data.Name);
        Assert.AreEqual("/some/dir", o.Data.DataDirectory);
        Assert.AreEqual("784-32-10", o.Architecture!.ToString());
        Assert.AreEqual(3, o.Epochs);
        Assert.AreEqual(8, o.Batch);
        Assert.AreEqual(100, o.Data.TrainLimit);
        Assert.AreEqual(50, o.Data.TestLimit);
        Assert.AreEqual(uint.MaxValue, o.Seed);
        Assert.IsTrue(o.Oracle);
        Assert.AreEqual("model.bin", o.OutputPath);
        Assert.AreEqual("r.json", o.ReportPath);
        Assert.IsTrue(o.Quiet);
        Assert.AreEqual(7, stub.ReceivedLevel);
    }

    [TestMethod]
    public void Run_TrainDefaults_AreDocumentedValues()
    {
        var (code, _, error, stub) = RunStub("train", "--algo", "stub");

        Assert.AreEqual(ExitCodes.Success, code, error);
        var o = stub.Received!;
        Assert.AreEqual("fashion-mnist", o.Data.Name);
        Assert.IsNull(o.Data.DataDirectory);
        Assert.IsNull(o.Architecture);
        Assert.AreEqual(1, o.Epochs);
        Assert.IsNull(o.Batch);
        Assert.AreEqual(1u, o.Seed);
        Assert.IsFalse(o.Oracle);
        Assert.IsFalse(o.Quiet);
        Assert.AreEqual(3, stub.ReceivedLevel);
    }

    [TestMethod]
    [DataRow("--epochs", "-1", "--epochs is -1; it must be at least 1")]
    [DataRow("--epochs", "0", "--epochs is 0; it must be at least 1")]
    [DataRow("--batch", "0", "--batch is 0")]
    [DataRow("--train-limit", "0", "--train-limit is 0")]
    [DataRow("--test-limit", "-5", "--test-limit is -5")]
    [DataRow("--arch", "784-0-10", "width 0 of layer 1")]
    [DataRow("--arch", "784", "at least 2")]
    [DataRow("--data", "cifar", "--data 'cifar' is not a known data set")]
    [DataRow("--algo", "nope", "--algo 'nope' is not a registered algorithm; use one of: stub")]
    [DataRow("--seed", "-1", "-1")]
    [DataRow("--epochs", "many", "many")]
    public void Run_TrainBadValue_ExitsTwoWithMessage(string option, string value, string message)
    {
        string[] args = option == "--algo" ? new[] { "train", option, value } : new[] { "train", "--algo", "stub", option, value };

        var (code, _, error, stub) = RunStub(args);

        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, message);
        StringAssert.Contains(error, "edgelearn train --help");
        Assert.IsNull(stub.Received, "the algorithm must not run");
    }

    [TestMethod]
    public void Run_TrainWithoutAlgo_ExitsTwoListingAlgorithms()
    {
        var (code, _, error, _) = RunStub("train");

        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "--algo is required; use one of: stub");
    }

    [TestMethod]
    public void Run_TrainIdxWithoutDataDir_ExitsTwo()
    {
        var (code, _, error, _) = RunStub("train", "--algo", "stub", "--data", "idx");

        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "--data idx needs --data-dir");
    }

    [TestMethod]
    public void Run_UnknownOption_ExitsTwo()
    {
        var (code, _, error, _) = RunStub("train", "--algo", "stub", "--epoch", "3");

        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "--epoch");
    }

    [TestMethod]
    public void Run_AlgorithmThrowsUsageError_ExitsTwoWithMessage()
    {
        var stub = new StubAlgorithm { Behaviour = () => throw new CommandLineUsageException("--arch 5-10: input width 5 does not match") };

        var (code, _, error) = Run(new AlgorithmRegistry().Register(stub), "train", "--algo", "stub");

        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error, "input width 5 does not match");
    }

    [TestMethod]
    public void Run_AlgorithmMissingDataSet_ExitsOneWithInstallCommand()
    {
        var stub = new StubAlgorithm
        {
            Behaviour = () => DataSetCatalog.Load(new DataSetRequest { Name = "fashion-mnist", DataDirectory = "/nonexistent/edgelearn" }).Train.Count,
        };

        var (code, _, error) = Run(new AlgorithmRegistry().Register(stub), "train", "--algo", "stub");

        Assert.AreEqual(ExitCodes.Failure, code);
        StringAssert.Contains(error, "apt-get install -y dataset-fashion-mnist");
    }

    [TestMethod]
    public void Run_AlgorithmExitCode_IsReturned()
    {
        var stub = new StubAlgorithm { Behaviour = () => 7 };

        var (code, _, _) = Run(new AlgorithmRegistry().Register(stub), "train", "--algo", "stub");

        Assert.AreEqual(7, code);
    }

    [TestMethod]
    public void Run_DataSetsWithMissingDirectory_PrintsInstallCommand()
    {
        var (code, output, _) = Run(new AlgorithmRegistry(), "datasets", "--data", "fashion-mnist", "--data-dir", "/nonexistent/edgelearn");

        Assert.AreEqual(ExitCodes.Success, code);
        StringAssert.Contains(output, "not installed");
        StringAssert.Contains(output, "apt-get install -y dataset-fashion-mnist");
    }

    [TestMethod]
    public void Registry_TwoAlgorithmsAddingSameOption_ThrowsNamingSecond()
    {
        var registry = new AlgorithmRegistry().Register(new StubAlgorithm("one")).Register(new StubAlgorithm("two"));

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => EdgeLearnCli.BuildRootCommand(registry));

        StringAssert.Contains(e.Message, "'two'");
        StringAssert.Contains(e.Message, "--stub-level");
    }

    [TestMethod]
    public void Registry_GetOrAddOption_SharesOneOption()
    {
        var command = new Command("train");
        var first = AlgorithmRegistry.GetOrAddOption(command, "--weights", () => new Option<string>("--weights"));
        var second = AlgorithmRegistry.GetOrAddOption(command, "--weights", () => new Option<string>("--weights"));

        Assert.AreSame(first, second);
        Assert.AreEqual(1, command.Options.Count);
        Assert.ThrowsExactly<InvalidOperationException>(() => AlgorithmRegistry.GetOrAddOption(command, "--weights", () => new Option<int>("--weights")));
    }

    [TestMethod]
    public void Registry_BadOrDuplicateName_Throws()
    {
        var registry = new AlgorithmRegistry().Register(new StubAlgorithm("bep"));

        Assert.ThrowsExactly<ArgumentException>(() => registry.Register(new StubAlgorithm("bep")));
        Assert.ThrowsExactly<ArgumentException>(() => registry.Register(new StubAlgorithm("Bad Name")));
        Assert.IsTrue(registry.Contains("bep"));
        Assert.IsFalse(registry.Contains("BEP"));
    }
}
