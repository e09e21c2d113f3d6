// FieldConfigLoader: reads the JSON configuration file of `edgelearn field` into a FieldConfig.
//
// The file is one JSON object with optional sections (comments and trailing commas allowed):
//   sensor      { adc, channels, spi_bus, chip_selects, spi_clock_hz, i2c_bus, addresses, inputs, range,
//                 data_rate_sps, data_ready_pin, trigger_pin, data_ready_timeout_ms, stuck_frames,
//                 rail_channels, amplifier_gain, frame_rate_hz }
//   learner     { classes, hidden, seed, free_steps, nudged_steps, beta, batch, accumulator_bits, gamma, tau,
//                 bias_learning_rate, kernels, unlabelled: predict | learn, unlabelled_warm_up, winners,
//                 homeostasis_rate, homeostasis_average_rate }
//   stream      { queue, normalizer_shift, max_frames, status_seconds, fault_backoff_ms }
//   checkpoint  { path, every_samples, block_size, blocks }
//   labels      { source: none | file | gpio, file, poll_ms, gpio_pins, gpio_active_low }
//   simulation  { seed, novel_classes, novel_start, label_every, frequency_drift_hz_per_thousand,
//                 power_drift_ppm_per_thousand, drift_half_period,
//                 faults: [ { kind: bus | stuck | rail | not_ready, from_frame, frames } ] }
// Every key is optional (defaults in FieldConfig); an unknown key, a value of the wrong type or out of range
// is a FieldConfigException naming the key (e.g. "sensor.channels") and the value.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Iot.Device.Ads1115;

namespace EdgeLearn.HostSim.Field;

/// <summary>A configuration file that cannot be used; the message names the file, the key and the value.</summary>
public sealed class FieldConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FieldConfigException(string message)
        : base(message)
    {
    }
}

/// <summary>Reads and validates field configuration files.</summary>
public static class FieldConfigLoader
{
    /// <summary>Largest channel count (the normaliser's statistics must fit one checkpoint record array each).</summary>
    public const int MaxChannels = 64;

    /// <summary>Reads <paramref name="path"/>; relative paths inside it resolve against its directory.</summary>
    public static FieldConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw new FieldConfigException($"cannot read configuration file '{path}': {e.Message}");
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return Parse(text, directory, path);
    }

    /// <summary>Parses configuration text; <paramref name="name"/> names it in messages.</summary>
    public static FieldConfig Parse(string json, string baseDirectory, string name = "configuration")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FieldConfigException($"{name}: not valid JSON ({e.Message})");
        }

        using (document)
        {
            var config = new FieldConfig { BaseDirectory = baseDirectory };
            var reader = new Reader(name);
            JsonElement root = document.RootElement;
            reader.ExpectObject(root, "(root)");
            foreach (JsonProperty section in root.EnumerateObject())
            {
                switch (section.Name)
                {
                    case "sensor": ReadSensor(reader, section.Value, config.Sensor); break;
                    case "learner": ReadLearner(reader, section.Value, config.Learner); break;
                    case "stream": ReadStream(reader, section.Value, config.Stream); break;
                    case "checkpoint": ReadCheckpoint(reader, section.Value, config.Checkpoint); break;
                    case "labels": ReadLabels(reader, section.Value, config.Labels); break;
                    case "simulation": ReadSimulation(reader, section.Value, config.Simulation); break;
                    default: throw reader.Error(section.Name, "is not a section; use sensor, learner, stream, checkpoint, labels or simulation");
                }
            }

            Validate(config, name);
            return config;
        }
    }

    /// <summary>
    /// Checks the combination of values (ranges, the front-end's own validation, label sources). Throws
    /// <see cref="FieldConfigException"/> naming the first problem.
    /// </summary>
    public static void Validate(FieldConfig config, string name = "configuration")
    {
        ArgumentNullException.ThrowIfNull(config);
        var r = new Reader(name);
        FieldSensorConfig s = config.Sensor;
        int channels;
        try
        {
            channels = s.Adc == FieldAdc.Mcp3008 ? s.BuildMcp3008().ChannelCount : s.BuildAds1115().ChannelCount;
        }
        catch (ArgumentException e)
        {
            throw r.Error("sensor", "is not a valid front-end: " + e.Message);
        }

        r.Range("sensor.channels", channels, 1, MaxChannels);
        r.Range("sensor.frame_rate_hz", s.FrameRateHz, 0, 1_000_000);
        FieldLearnerConfig l = config.Learner;
        r.Range("learner.classes", l.Classes, 2, 64);
        r.Range("learner.hidden", l.Hidden, 1, 4096);
        if (l.Kernels != "auto" && l.Kernels != "reference")
        {
            throw r.Error("learner.kernels", $"must be auto or reference, was '{l.Kernels}'");
        }

        try
        {
            l.BuildSettings().Validate();
        }
        catch (ArgumentException e)
        {
            throw r.Error("learner", "has an invalid hyperparameter: " + e.Message);
        }

        if (l.Unlabelled != "predict" && l.Unlabelled != "learn")
        {
            throw r.Error("learner.unlabelled", $"must be predict or learn, was '{l.Unlabelled}'");
        }

        r.Range("learner.unlabelled_warm_up", l.UnlabelledWarmUp, 0, int.MaxValue);
        try
        {
            l.BuildTargetSettings().Validate(l.Classes);
        }
        catch (ArgumentException e)
        {
            throw r.Error("learner", "has an invalid self-defined target setting: " + e.Message);
        }

        FieldStreamConfig st = config.Stream;
        r.Range("stream.queue", st.Queue, 1, 4096);
        r.Range("stream.normalizer_shift", st.NormalizerShift, 0, 20);
        r.Range("stream.max_frames", st.MaxFrames, 0, long.MaxValue);
        r.Range("stream.status_seconds", st.StatusSeconds, 0, 86_400);
        r.Range("stream.fault_backoff_ms", st.FaultBackoffMs, 0, 60_000);
        FieldCheckpointConfig c = config.Checkpoint;
        if (string.IsNullOrWhiteSpace(c.Path))
        {
            throw r.Error("checkpoint.path", "must name a file");
        }

        r.Range("checkpoint.every_samples", c.EverySamples, 0, int.MaxValue);
        r.Range("checkpoint.block_size", c.BlockSize, 64, 1 << 20);
        r.Range("checkpoint.blocks", c.Blocks, 2, 1 << 16);
        if ((long)c.BlockSize * c.Blocks > (1L << 30))
        {
            throw r.Error("checkpoint.blocks", $"x block_size = {(long)c.BlockSize * c.Blocks} bytes exceeds 1 GiB");
        }

        FieldLabelsConfig lb = config.Labels;
        r.Range("labels.poll_ms", lb.PollMs, 0, 60_000);
        if (lb.Source == FieldLabelSourceKind.File && string.IsNullOrWhiteSpace(lb.File))
        {
            throw r.Error("labels.file", "is required when labels.source is file");
        }

        if (lb.Source == FieldLabelSourceKind.Gpio)
        {
            if (lb.GpioPins == null || lb.GpioPins.Length != l.Classes)
            {
                throw r.Error("labels.gpio_pins", $"must list one button pin per class ({l.Classes}), had {lb.GpioPins?.Length ?? 0}");
            }

            for (int i = 0; i < lb.GpioPins.Length; i++)
            {
                int pin = lb.GpioPins[i];
                if (pin < 0 || pin == s.DataReadyPin || pin == s.TriggerPin || Array.IndexOf(lb.GpioPins, pin) != i)
                {
                    throw r.Error("labels.gpio_pins", $"[{i}] = {pin} must be a pin >= 0 used by nothing else");
                }
            }
        }

        FieldSimulationConfig sim = config.Simulation;
        r.Range("simulation.novel_classes", sim.NovelClasses, 0, l.Classes - 1);
        r.Range("simulation.novel_start", sim.NovelStart, -1, long.MaxValue);
        r.Range("simulation.label_every", sim.LabelEvery, 1, 1_000_000);
        r.Range("simulation.frequency_drift_hz_per_thousand", sim.FrequencyDriftHzPerThousand, 0, 1_000_000_000);
        r.Range("simulation.power_drift_ppm_per_thousand", sim.PowerDriftPpmPerThousand, 0, 1_000_000);
        r.Range("simulation.drift_half_period", sim.DriftHalfPeriod, 0, long.MaxValue / 2);
        for (int i = 0; i < sim.Faults.Count; i++)
        {
            FieldFaultConfig f = sim.Faults[i];
            r.Range($"simulation.faults[{i}].from_frame", f.FromFrame, 0, long.MaxValue);
            r.Range($"simulation.faults[{i}].frames", f.Frames, 1, long.MaxValue);
            if (f.Kind == FieldFaultKind.NotReady && s.DataReadyPin < 0)
            {
                throw r.Error($"simulation.faults[{i}].kind", "not_ready needs sensor.data_ready_pin (a missing data-ready line can only be seen on a board that uses one)");
            }
        }
    }

    private static void ReadSensor(Reader r, JsonElement e, FieldSensorConfig s)
    {
        r.ExpectObject(e, "sensor");
        foreach (JsonProperty p in e.EnumerateObject())
        {
            string key = "sensor." + p.Name;
            switch (p.Name)
            {
                case "adc":
                    string adc = r.String(p.Value, key);
                    s.Adc = adc switch
                    {
                        "mcp3008" => FieldAdc.Mcp3008,
                        "ads1115" => FieldAdc.Ads1115,
                        _ => throw r.Error(key, $"must be mcp3008 or ads1115, was '{adc}'"),
                    };
                    break;
                case "channels": s.Channels = r.Int(p.Value, key); break;
                case "spi_bus": s.SpiBus = r.Int(p.Value, key); break;
                case "chip_selects": s.ChipSelects = r.IntArray(p.Value, key); break;
                case "spi_clock_hz": s.SpiClockHz = r.Int(p.Value, key); break;
                case "i2c_bus": s.I2cBus = r.Int(p.Value, key); break;
                case "addresses": s.Addresses = r.IntArray(p.Value, key); break;
                case "inputs":
                    r.ExpectArray(p.Value, key);
                    var inputs = new List<InputMultiplexer>();
                    foreach (JsonElement item in p.Value.EnumerateArray())
                    {
                        string v = r.String(item, key);
                        if (!Enum.TryParse(v, ignoreCase: true, out InputMultiplexer mux) || !Enum.IsDefined(mux) || int.TryParse(v, out _))
                        {
                            throw r.Error(key, $"'{v}' is not an ADS1115 input (ain0_ain1, ain0_ain3, ain1_ain3, ain2_ain3, ain0 .. ain3)");
                        }

                        inputs.Add(mux);
                    }

                    s.Inputs = inputs.ToArray();
                    break;
                case "range":
                    string range = r.String(p.Value, key);
                    if (!Enum.TryParse(range, ignoreCase: true, out MeasuringRange mr) || !Enum.IsDefined(mr) || int.TryParse(range, out _))
                    {
                        throw r.Error(key, $"'{range}' is not an ADS1115 range (fs6144, fs4096, fs2048, fs1024, fs0512, fs0256)");
                    }

                    s.Range = mr;
                    break;
                case "data_rate_sps":
                    int sps = r.Int(p.Value, key);
                    if (!Enum.TryParse("SPS" + sps.ToString("000", CultureInfo.InvariantCulture), out DataRate rate) || !Enum.IsDefined(rate))
                    {
                        throw r.Error(key, $"{sps} is not an ADS1115 data rate (8, 16, 32, 64, 128, 250, 475, 860)");
                    }

                    s.DataRate = rate;
                    break;
                case "data_ready_pin": s.DataReadyPin = r.Int(p.Value, key); break;
                case "trigger_pin": s.TriggerPin = r.Int(p.Value, key); break;
                case "data_ready_timeout_ms": s.DataReadyTimeoutMs = r.Int(p.Value, key); break;
                case "stuck_frames": s.StuckFrames = r.Int(p.Value, key); break;
                case "rail_channels": s.RailChannels = r.Int(p.Value, key); break;
                case "amplifier_gain": s.AmplifierGain = r.Int(p.Value, key); break;
                case "frame_rate_hz": s.FrameRateHz = r.Double(p.Value, key); break;
                default: throw r.Unknown(key);
            }
        }
    }

    private static void ReadLearner(Reader r, JsonElement e, FieldLearnerConfig l)
    {
        r.ExpectObject(e, "learner");
        foreach (JsonProperty p in e.EnumerateObject())
        {
            string key = "learner." + p.Name;
            switch (p.Name)
            {
                case "classes": l.Classes = r.Int(p.Value, key); break;
                case "hidden": l.Hidden = r.Int(p.Value, key); break;
                case "seed": l.Seed = r.UInt(p.Value, key); break;
                case "free_steps": l.FreeSteps = r.Int(p.Value, key); break;
                case "nudged_steps": l.NudgedSteps = r.Int(p.Value, key); break;
                case "beta": l.Beta = r.Double(p.Value, key); break;
                case "batch": l.Batch = r.Int(p.Value, key); break;
                case "accumulator_bits": l.AccumulatorBits = r.Int(p.Value, key); break;
                case "gamma": l.Gamma = r.Double(p.Value, key); break;
                case "tau": l.Tau = r.Double(p.Value, key); break;
                case "bias_learning_rate": l.BiasLearningRate = r.Double(p.Value, key); break;
                case "kernels": l.Kernels = r.String(p.Value, key); break;
                case "unlabelled": l.Unlabelled = r.String(p.Value, key); break;
                case "unlabelled_warm_up": l.UnlabelledWarmUp = r.Int(p.Value, key); break;
                case "winners": l.Winners = r.Int(p.Value, key); break;
                case "homeostasis_rate": l.HomeostasisRate = r.Double(p.Value, key); break;
                case "homeostasis_average_rate": l.HomeostasisAverageRate = r.Double(p.Value, key); break;
                default: throw r.Unknown(key);
            }
        }
    }

    private static void ReadStream(Reader r, JsonElement e, FieldStreamConfig s)
    {
        r.ExpectObject(e, "stream");
        foreach (JsonProperty p in e.EnumerateObject())
        {
            string key = "stream." + p.Name;
            switch (p.Name)
            {
                case "queue": s.Queue = r.Int(p.Value, key); break;
                case "normalizer_shift": s.NormalizerShift = r.Int(p.Value, key); break;
                case "max_frames": s.MaxFrames = r.Long(p.Value, key); break;
                case "status_seconds": s.StatusSeconds = r.Double(p.Value, key); break;
                case "fault_backoff_ms": s.FaultBackoffMs = r.Int(p.Value, key); break;
                default: throw r.Unknown(key);
            }
        }
    }

    private static void ReadCheckpoint(Reader r, JsonElement e, FieldCheckpointConfig c)
    {
        r.ExpectObject(e, "checkpoint");
        foreach (JsonProperty p in e.EnumerateObject())
        {
            string key = "checkpoint." + p.Name;
            switch (p.Name)
            {
                case "path": c.Path = r.String(p.Value, key); break;
                case "every_samples": c.EverySamples = r.Int(p.Value, key); break;
                case "block_size": c.BlockSize = r.Int(p.Value, key); break;
                case "blocks": c.Blocks = r.Int(p.Value, key); break;
                default: throw r.Unknown(key);
            }
        }
    }

    private static void ReadLabels(Reader r, JsonElement e, FieldLabelsConfig l)
    {
        r.ExpectObject(e, "labels");
        foreach (JsonProperty p in e.EnumerateObject())
        {
            string key = "labels." + p.Name;
            switch (p.Name)
            {
                case "source":
                    string source = r.String(p.Value, key);
                    l.Source = source switch
                    {
                        "none" => FieldLabelSourceKind.None,
                        "file" => FieldLabelSourceKind.File,
                        "gpio" => FieldLabelSourceKind.Gpio,
                        _ => throw r.Error(key, $"must be none, file or gpio, was '{source}'"),
                    };
                    break;
                case "file": l.File = r.String(p.Value, key); break;
                case "poll_ms": l.PollMs = r.Int(p.Value, key); break;
                case "gpio_pins": l.GpioPins = r.IntArray(p.Value, key); break;
                case "gpio_active_low": l.GpioActiveLow = r.Bool(p.Value, key); break;
                default: throw r.Unknown(key);
            }
        }
    }

    private static void ReadSimulation(Reader r, JsonElement e, FieldSimulationConfig s)
    {
        r.ExpectObject(e, "simulation");
        foreach (JsonProperty p in e.EnumerateObject())
        {
            string key = "simulation." + p.Name;
            switch (p.Name)
            {
                case "seed": s.Seed = r.UInt(p.Value, key); break;
                case "novel_classes": s.NovelClasses = r.Int(p.Value, key); break;
                case "novel_start": s.NovelStart = r.Long(p.Value, key); break;
                case "label_every": s.LabelEvery = r.Int(p.Value, key); break;
                case "frequency_drift_hz_per_thousand": s.FrequencyDriftHzPerThousand = r.Long(p.Value, key); break;
                case "power_drift_ppm_per_thousand": s.PowerDriftPpmPerThousand = r.Long(p.Value, key); break;
                case "drift_half_period": s.DriftHalfPeriod = r.Long(p.Value, key); break;
                case "faults":
                    r.ExpectArray(p.Value, key);
                    int index = 0;
                    foreach (JsonElement item in p.Value.EnumerateArray())
                    {
                        s.Faults.Add(ReadFault(r, item, $"{key}[{index}]"));
                        index++;
                    }

                    break;
                default: throw r.Unknown(key);
            }
        }
    }

    private static FieldFaultConfig ReadFault(Reader r, JsonElement e, string at)
    {
        r.ExpectObject(e, at);
        var f = new FieldFaultConfig();
        bool hasKind = false;
        foreach (JsonProperty p in e.EnumerateObject())
        {
            string key = at + "." + p.Name;
            switch (p.Name)
            {
                case "kind":
                    string kind = r.String(p.Value, key);
                    f.Kind = kind switch
                    {
                        "bus" => FieldFaultKind.Bus,
                        "stuck" => FieldFaultKind.Stuck,
                        "rail" => FieldFaultKind.Rail,
                        "not_ready" => FieldFaultKind.NotReady,
                        _ => throw r.Error(key, $"must be bus, stuck, rail or not_ready, was '{kind}'"),
                    };
                    hasKind = true;
                    break;
                case "from_frame": f.FromFrame = r.Long(p.Value, key); break;
                case "frames": f.Frames = r.Long(p.Value, key); break;
                default: throw r.Unknown(key);
            }
        }

        if (!hasKind)
        {
            throw r.Error(at + ".kind", "is required");
        }

        return f;
    }

    private sealed class Reader
    {
        private readonly string name;

        public Reader(string name) => this.name = name;

        public FieldConfigException Error(string key, string problem) => new($"{name}: '{key}' {problem}");

        public FieldConfigException Unknown(string key) => Error(key, "is not a known key");

        public void ExpectObject(JsonElement e, string key)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw Error(key, $"must be an object, was {e.ValueKind}");
            }
        }

        public void ExpectArray(JsonElement e, string key)
        {
            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Error(key, $"must be an array, was {e.ValueKind}");
            }
        }

        public string String(JsonElement e, string key)
        {
            if (e.ValueKind != JsonValueKind.String)
            {
                throw Error(key, $"must be a string, was {e.ValueKind}");
            }

            return e.GetString()!;
        }

        public bool Bool(JsonElement e, string key)
        {
            if (e.ValueKind != JsonValueKind.True && e.ValueKind != JsonValueKind.False)
            {
                throw Error(key, $"must be true or false, was {e.ValueKind}");
            }

            return e.GetBoolean();
        }

        public long Long(JsonElement e, string key)
        {
            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v))
            {
                return v;
            }

            // Hexadecimal strings ("0x48") for addresses and pins.
            if (e.ValueKind == JsonValueKind.String)
            {
                string s = e.GetString()!;
                if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && long.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long h))
                {
                    return h;
                }
            }

            throw Error(key, $"must be an integer, was {e.GetRawText()}");
        }

        public int Int(JsonElement e, string key)
        {
            long v = Long(e, key);
            if (v < int.MinValue || v > int.MaxValue)
            {
                throw Error(key, $"= {v} does not fit a 32-bit integer");
            }

            return (int)v;
        }

        public uint UInt(JsonElement e, string key)
        {
            long v = Long(e, key);
            if (v < 0 || v > uint.MaxValue)
            {
                throw Error(key, $"must be in 0 .. 4294967295, was {v}");
            }

            return (uint)v;
        }

        public double Double(JsonElement e, string key)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double v) || !double.IsFinite(v))
            {
                throw Error(key, $"must be a number, was {e.GetRawText()}");
            }

            return v;
        }

        public int[] IntArray(JsonElement e, string key)
        {
            ExpectArray(e, key);
            var list = new List<int>();
            int i = 0;
            foreach (JsonElement item in e.EnumerateArray())
            {
                list.Add(Int(item, $"{key}[{i}]"));
                i++;
            }

            return list.ToArray();
        }

        public void Range(string key, long value, long min, long max)
        {
            if (value < min || value > max)
            {
                throw Error(key, $"must be in {min} .. {max}, was {value}");
            }
        }

        public void Range(string key, double value, double min, double max)
        {
            if (!(value >= min && value <= max))
            {
                throw Error(key, $"must be in {min.ToString(CultureInfo.InvariantCulture)} .. {max.ToString(CultureInfo.InvariantCulture)}, was {value.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }
}
