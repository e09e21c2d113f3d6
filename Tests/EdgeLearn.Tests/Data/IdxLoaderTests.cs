using System;
using System.IO;
using EdgeLearn.HostSim.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Data;

[TestClass]
public sealed class IdxLoaderTests
{
    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Load_ValidFiles_ReadsShapeLabelsAndPixels(bool gzip)
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip);

        var set = IdxLoader.Load(dir.Path, "idx");

        Assert.AreEqual("idx", set.Name);
        Assert.AreEqual("standard", set.Split);
        Assert.AreEqual(6, set.Dimension);
        Assert.AreEqual(2, set.ImageWidth);
        Assert.AreEqual(3, set.ImageHeight);
        Assert.AreEqual(4, set.ClassCount, "max label 3 + 1");
        Assert.AreEqual(5, set.Train.Count);
        Assert.AreEqual(3, set.Test.Count);
        CollectionAssert.AreEqual(new byte[] { 0, 1, 2, 3, 1 }, set.Train.Labels);
        CollectionAssert.AreEqual(new byte[] { 2, 0, 1 }, set.Test.Labels);
        CollectionAssert.AreEqual(new byte[] { 40, 41, 42, 43, 44, 45 }, set.Train.GetInput(4).ToArray());
        CollectionAssert.AreEqual(new byte[] { 120, 121, 122, 123, 124, 125 }, set.Test.GetInput(2).ToArray());
        Assert.AreEqual(24, set.Train.GetInputOffset(4));
    }

    [TestMethod]
    public void Load_DeclaredClassCount_IsKeptAboveMaxLabel()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: true);

        var set = IdxLoader.Load(dir.Path, "fashion-mnist", "standard", classCount: 10);

        Assert.AreEqual(10, set.ClassCount);
    }

    [TestMethod]
    public void ReadFile_WrongMagic_ThrowsNamingFileAndMagic()
    {
        using var dir = new TempDirectory();
        var bad = IdxFiles.Labels(1, 2, 3);
        bad[0] = 0x12;
        IdxFiles.Write(dir.Path, "train-labels-idx1-ubyte", bad, gzip: true);

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.ReadFile(dir.Combine("train-labels-idx1-ubyte.gz")));

        StringAssert.Contains(e.Message, "train-labels-idx1-ubyte.gz");
        StringAssert.Contains(e.Message, "wrong magic number 0x12000801");
    }

    [TestMethod]
    public void ReadFile_FloatElementType_ThrowsUnsupportedType()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("x"), IdxFiles.Encode(0x0D, new[] { 1 }, new byte[4]));

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.ReadFile(dir.Combine("x")));

        StringAssert.Contains(e.Message, "element type 0x0D is not supported");
    }

    [TestMethod]
    public void ReadFile_ZeroDimension_ThrowsNamingDimension()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("x"), IdxFiles.Encode(0x08, new[] { 4, 0, 28 }, Array.Empty<byte>()));

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.ReadFile(dir.Combine("x")));

        StringAssert.Contains(e.Message, "dimension 1 has size 0");
    }

    [TestMethod]
    public void ReadFile_TruncatedHeader_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("x"), new byte[] { 0, 0, 8, 3, 0, 0, 0, 5, 0 });

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.ReadFile(dir.Combine("x")));

        StringAssert.Contains(e.Message, "truncated header, 5 of the 12 dimension bytes present");
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Load_TruncatedImages_ThrowsNamingFileAndByteCounts(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] images = IdxFiles.Images(5, 3, 2, (i, p) => 7);
        IdxFiles.WriteSet(dir.Path, gzip, trainImages: images[..^4]);

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.Load(dir.Path, "idx"));

        StringAssert.Contains(e.Message, "train-images-idx3-ubyte");
        StringAssert.Contains(e.Message, "truncated payload, 26 of the 30 bytes");
    }

    [TestMethod]
    public void ReadFile_GzipStreamCutShort_ThrowsDataSetExceptionNamingFile()
    {
        using var dir = new TempDirectory();
        var rng = new Random(5);
        byte[] images = IdxFiles.Images(200, 28, 28, (i, p) => (byte)rng.Next(256));
        byte[] gz = IdxFiles.Gzip(images);
        File.WriteAllBytes(dir.Combine("train-images-idx3-ubyte.gz"), gz[..(gz.Length / 2)]);

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.ReadFile(dir.Combine("train-images-idx3-ubyte.gz")));

        StringAssert.Contains(e.Message, "train-images-idx3-ubyte.gz");
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Load_TruncatedLabels_ThrowsNamingLabelFile(bool gzip)
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip, testLabels: IdxFiles.Labels(2, 0, 1)[..^1]);

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.Load(dir.Path, "idx"));

        StringAssert.Contains(e.Message, "t10k-labels-idx1-ubyte");
        StringAssert.Contains(e.Message, "truncated payload, 2 of the 3 bytes");
    }

    [TestMethod]
    public void Load_TrailingBytes_ThrowsUnexpectedBytes()
    {
        using var dir = new TempDirectory();
        byte[] labels = IdxFiles.Labels(0, 1, 2, 3, 1);
        IdxFiles.WriteSet(dir.Path, gzip: true, trainLabels: [.. labels, 9, 9]);

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.Load(dir.Path, "idx"));

        StringAssert.Contains(e.Message, "train-labels-idx1-ubyte.gz");
        StringAssert.Contains(e.Message, "2 unexpected bytes");
    }

    [TestMethod]
    public void Load_LabelCountDiffersFromImageCount_ThrowsCountMismatch()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: false, trainLabels: IdxFiles.Labels(0, 1, 2, 3));

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.Load(dir.Path, "idx"));

        StringAssert.Contains(e.Message, "4 labels");
        StringAssert.Contains(e.Message, "holds 5 samples");
    }

    [TestMethod]
    public void Load_LabelNotBelowDeclaredClassCount_ThrowsLabelRange()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: true, testLabels: IdxFiles.Labels(2, 10, 1));

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.Load(dir.Path, "fashion-mnist", "standard", classCount: 10));

        StringAssert.Contains(e.Message, "t10k-labels-idx1-ubyte.gz");
        StringAssert.Contains(e.Message, "label 10 at index 1 is not below");
    }

    [TestMethod]
    public void Load_TrainAndTestShapesDiffer_Throws()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: true, testImages: IdxFiles.Images(3, 2, 3, (i, p) => 0));

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.Load(dir.Path, "idx"));

        StringAssert.Contains(e.Message, "sample shapes differ (3 x 2 vs 2 x 3)");
    }

    [TestMethod]
    public void Load_LabelFileWithRankTwo_Throws()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: true, trainLabels: IdxFiles.Encode(0x08, new[] { 5, 1 }, new byte[5]));

        var e = Assert.ThrowsExactly<DataSetException>(() => IdxLoader.Load(dir.Path, "idx"));

        StringAssert.Contains(e.Message, "a label file needs rank 1");
    }

    [TestMethod]
    public void Load_MissingFile_ThrowsNotFoundListingIt()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: true);
        File.Delete(dir.Combine("t10k-images-idx3-ubyte.gz"));

        var e = Assert.ThrowsExactly<DataSetNotFoundException>(() => IdxLoader.Load(dir.Path, "idx"));

        StringAssert.Contains(e.Message, "t10k-images-idx3-ubyte[.gz]");
    }

    [TestMethod]
    public void Load_VectorSamplesOfRankTwo_HaveNoImageSize()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(
            dir.Path,
            gzip: false,
            trainImages: IdxFiles.Encode(0x08, new[] { 5, 4 }, new byte[20]),
            testImages: IdxFiles.Encode(0x08, new[] { 3, 4 }, new byte[12]));

        var set = IdxLoader.Load(dir.Path, "idx");

        Assert.AreEqual(4, set.Dimension);
        Assert.IsNull(set.ImageWidth);
        Assert.IsNull(set.ImageHeight);
    }

    [TestMethod]
    public void WithLimits_FirstN_KeepsPrefixOfEachPart()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: true);
        var set = IdxLoader.Load(dir.Path, "idx");

        var limited = set.WithLimits(2, 10);

        Assert.AreEqual(2, limited.Train.Count);
        Assert.AreEqual(3, limited.Test.Count, "a limit above the part size keeps the whole part");
        CollectionAssert.AreEqual(new byte[] { 0, 1 }, limited.Train.Labels);
        CollectionAssert.AreEqual(new byte[] { 10, 11, 12, 13, 14, 15 }, limited.Train.GetInput(1).ToArray());
        Assert.AreEqual(12, limited.Train.Inputs.Length);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => set.WithLimits(0, null));
    }

    [TestMethod]
    public void CatalogLoad_FashionMnistDirectoryMissing_MessageHasInstallCommand()
    {
        using var dir = new TempDirectory();

        var e = Assert.ThrowsExactly<DataSetNotFoundException>(
            () => DataSetCatalog.Load(new DataSetRequest { Name = "fashion-mnist", DataDirectory = dir.Combine("absent") }));

        StringAssert.Contains(e.Message, "apt-get install -y dataset-fashion-mnist");
        StringAssert.Contains(e.Message, dir.Combine("absent"));
        Assert.AreEqual("sudo apt-get install -y dataset-fashion-mnist", e.InstallCommand);
    }

    [TestMethod]
    public void CatalogLoad_IdxWithDirectoryAndLimits_LoadsAndLimits()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, gzip: true);

        var set = DataSetCatalog.Load(new DataSetRequest { Name = "idx", DataDirectory = dir.Path, TrainLimit = 3, TestLimit = 1 });

        Assert.AreEqual(3, set.Train.Count);
        Assert.AreEqual(1, set.Test.Count);
    }

    [TestMethod]
    public void CatalogLoad_IdxWithoutDirectory_AsksForDataDir()
    {
        var e = Assert.ThrowsExactly<DataSetNotFoundException>(() => DataSetCatalog.Load(new DataSetRequest { Name = "idx" }));

        StringAssert.Contains(e.Message, "--data-dir");
    }
}
