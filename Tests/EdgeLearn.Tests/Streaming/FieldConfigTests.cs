using System;
using System.IO;
using System.Text.Json.Nodes;
using EdgeLearn.HostSim;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Field;
using EdgeLearn.Tests.Data;
using Iot.Device.Ads1115;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Streaming;

[TestClass]
public sealed class FieldConfigTests
{
    private static string RepositoryFile(params string[] parts)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "EdgeLearn.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        Assert.IsNotNull(dir, "repository root not found above the test binaries");
        return Path.Combine(dir, Path.Combine(parts));
    }

    private static string Error(string json) => Assert.ThrowsExactly<FieldConfigException>(() => FieldConfigLoader.Parse(json, ".", "cfg")).Message;

    [TestMethod]
    public void Load_ShippedExamples_ParseWithTheirValues()
    {
        FieldConfig pi = FieldConfigLoader.Load(RepositoryFile("Boards", "RaspberryPi", "deploy", "field.json"));
        Assert.AreEqual(FieldAdc.Mcp3008, pi.Sensor.Adc);
        Assert.AreEqual(16, pi.Sensor.ChannelCount);
        CollectionAssert.AreEqual(new[] { 0, 1 }, pi.Sensor.ChipSelects);
        Assert.AreEqual(17, pi.Sensor.DataReadyPin);
        Assert.AreEqual(FieldLabelSourceKind.File, pi.Labels.Source);
        Assert.AreEqual("/var/lib/edgelearn/field.ckpt", pi.CheckpointPath);
        Assert.AreEqual(10, pi.Stream.StatusSeconds);

        FieldConfig ads = FieldConfigLoader.Load(RepositoryFile("Boards", "RaspberryPi", "deploy", "field-ads1115-buttons.json"));
        Assert.AreEqual(FieldAdc.Ads1115, ads.Sensor.Adc);
        CollectionAssert.AreEqual(new[] { 0x48, 0x49 }, ads.Sensor.Addresses);
        Assert.AreEqual(6, ads.Sensor.ChannelCount);
        Assert.AreEqual(DataRate.SPS860, ads.Sensor.DataRate);
        Assert.AreEqual(MeasuringRange.FS2048, ads.Sensor.Range);
        CollectionAssert.AreEqual(new[] { 5, 6, 13, 19 }, ads.Labels.GpioPins);

        string simPath = RepositoryFile("Boards", "RaspberryPi", "deploy", "field-simulate.json");
        FieldConfig sim = FieldConfigLoader.Load(simPath);
        Assert.AreEqual(4, sim.Simulation.Faults.Count);
        Assert.AreEqual(FieldFaultKind.NotReady, sim.Simulation.Faults[3].Kind);
        Assert.AreEqual(Path.Combine(Path.GetDirectoryName(simPath)!, "field-simulate.ckpt"), sim.CheckpointPath, "relative paths resolve against the configuration file");
    }

    [TestMethod]
    public void Parse_EmptyObject_DemoDefaults()
    {
        FieldConfig c = FieldConfigLoader.Parse("{}", "/base");
        Assert.AreEqual(16, c.Sensor.ChannelCount);
        Assert.AreEqual(8, c.Learner.Classes);
        Assert.AreEqual(64, c.Learner.Hidden);
        Assert.AreEqual(500, c.Checkpoint.EverySamples);
        Assert.AreEqual(FieldLabelSourceKind.None, c.Labels.Source);
        Assert.AreEqual(Path.GetFullPath("/base/edgelearn-field.ckpt"), c.CheckpointPath);
    }

    [TestMethod]
    public void Parse_BadValues_ErrorNamesKeyAndValue()
    {
        StringAssert.Contains(Error("{ \"sensor\": { \"chanels\": 8 } }"), "'sensor.chanels' is not a known key");
        StringAssert.Contains(Error("{ \"sensors\": {} }"), "'sensors' is not a section");
        StringAssert.Contains(Error("{ \"learner\": { \"hidden\": \"many\" } }"), "'learner.hidden' must be an integer");
        StringAssert.Contains(Error("{ \"stream\": { \"queue\": 0 } }"), "'stream.queue' must be in 1 .. 4096, was 0");
        StringAssert.Contains(Error("{ \"sensor\": { \"channels\": 65, \"chip_selects\": [0,1,2,3,4,5,6,7,8] } }"), "'sensor.channels' must be in 1 .. 64, was 65");
        StringAssert.Contains(Error("{ \"sensor\": { \"channels\": 20, \"chip_selects\": [0, 1] } }"), "Channels must be in 1..16");
        StringAssert.Contains(Error("{ \"sensor\": { \"adc\": \"mcp3208\" } }"), "must be mcp3008 or ads1115, was 'mcp3208'");
        StringAssert.Contains(Error("{ \"sensor\": { \"adc\": \"ads1115\", \"data_rate_sps\": 100 } }"), "100 is not an ADS1115 data rate");
        StringAssert.Contains(Error("{ \"learner\": { \"beta\": 9 } }"), "beta");
        StringAssert.Contains(Error("{ \"simulation\": { \"faults\": [ { \"kind\": \"not_ready\", \"from_frame\": 5, \"frames\": 5 } ] } }"), "needs sensor.data_ready_pin");
        StringAssert.Contains(Error("{ \"simulation\": { \"faults\": [ { \"from_frame\": 5, \"frames\": 5 } ] } }"), "'simulation.faults[0].kind' is required");
        StringAssert.Contains(Error("{ \"labels\": { \"source\": \"gpio\", \"gpio_pins\": [5, 6] } }"), "one button pin per class (8)");
        StringAssert.Contains(Error("{ \"labels\": { \"source\": \"file\" } }"), "'labels.file' is required");
        StringAssert.Contains(Error("{ \"simulation\": { \"novel_classes\": 8 } }"), "'simulation.novel_classes' must be in 0 .. 7");
        StringAssert.Contains(Error("{ \"sensor\": [] }"), "'sensor' must be an object");
        StringAssert.Contains(Error("{ \"sensor\": "), "not valid JSON");
    }

    [TestMethod]
    public void FieldCommand_MissingOrBadConfig_UsageExitWithMessage()
    {
        using var dir = new TempDirectory();
        var output = new StringWriter();
        var error = new StringWriter();
        int code = EdgeLearnCli.Run(new[] { "field", "--simulate", "--config", dir.Combine("none.json") }, Program.CreateRegistry(), output, error);
        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error.ToString(), "cannot read configuration file");

        File.WriteAllText(dir.Combine("bad.json"), "{ \"stream\": { \"queue\": -1 } }");
        error = new StringWriter();
        code = EdgeLearnCli.Run(new[] { "field", "--config", dir.Combine("bad.json") }, Program.CreateRegistry(), output, error);
        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(error.ToString(), "'stream.queue' must be in 1 .. 4096, was -1");

        code = EdgeLearnCli.Run(new[] { "field", "--simulate" }, Program.CreateRegistry(), output, new StringWriter());
        Assert.AreEqual(ExitCodes.Usage, code, "--config is required");
    }

    [TestMethod]
    public void FieldCommand_SimulateTwice_ResumesAndReportsTheLoop()
    {
        using var dir = new TempDirectory();
        string config = dir.Combine("f.json");
        File.WriteAllText(config, """
            { "sensor": { "channels": 8 }, "learner": { "classes": 4, "hidden": 16, "free_steps": 10, "nudged_steps": 4, "batch": 4, "kernels": "reference" },
              "stream": { "status_seconds": 0 }, "checkpoint": { "path": "f.ckpt", "every_samples": 100, "block_size": 1024, "blocks": 16 } }
            """);
        var output = new StringWriter();
        int code = EdgeLearnCli.Run(new[] { "field", "--simulate", "--config", config, "--max-frames", "300", "--report", dir.Combine("r1.json") }, Program.CreateRegistry(), output, new StringWriter());
        Assert.AreEqual(ExitCodes.Success, code, output.ToString());
        StringAssert.Contains(output.ToString(), "no committed checkpoint: starting fresh");
        StringAssert.Contains(output.ToString(), "checkpoint sequence 3 committed: 300 samples learned");
        StringAssert.Contains(output.ToString(), "max frames reached");

        output = new StringWriter();
        code = EdgeLearnCli.Run(new[] { "field", "--simulate", "--config", config, "--max-frames", "150", "--report", dir.Combine("r2.json") }, Program.CreateRegistry(), output, new StringWriter());
        Assert.AreEqual(ExitCodes.Success, code, output.ToString());
        StringAssert.Contains(output.ToString(), "resumed from checkpoint sequence 3: 300 samples learned, 300 frames read");
        StringAssert.Contains(output.ToString(), "totals: 450 labelled samples learned");
        JsonNode report = JsonNode.Parse(File.ReadAllText(dir.Combine("r2.json")))!;
        Assert.AreEqual("field", (string?)report["command"]);
        Assert.AreEqual(150, (long)report["train_samples"]!);
        Assert.AreEqual(450, (long)report["samples_learned_total"]!);
        Assert.AreEqual(3, (long)report["resumed_from_sequence"]!);
        Assert.IsTrue((double)report["field_frames_per_second"]! > 0);
    }
}
