using System;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EdgeLearn.HostSim.Images;
using EdgeLearn.Runtime.Images;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

[TestClass]
public sealed class CSharpImageEmitterTests
{
    [TestMethod]
    public void EmitCSharp_Image_ByteLiteralsReproduceTheImageExactly()
    {
        byte[] image = TestImages.Inference();

        string source = CSharpImageEmitter.EmitCSharp(image, "Device.Models", "Classifier", CSharpImageEmitter.Describe(TestImages.Parse(image)));

        StringAssert.Contains(source, "namespace Device.Models\n{");
        StringAssert.Contains(source, "internal static class Classifier");
        StringAssert.Contains(source, "public static readonly byte[] Image = new byte[]");
        Assert.IsFalse(source.Contains("namespace Device.Models;", StringComparison.Ordinal), "file-scoped namespaces are not C# 7.3");
        var literals = Regex.Matches(source, @"0x([0-9A-F]{2}),");
        Assert.AreEqual(image.Length, literals.Count);
        for (int i = 0; i < image.Length; i++)
        {
            Assert.AreEqual(image[i], byte.Parse(literals[i].Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), $"byte {i}");
        }
    }

    [TestMethod]
    public void EmitResx_FileName_DeclaresABinaryFileReference()
    {
        string resx = CSharpImageEmitter.EmitResx("models/net&1.elmi", "Classifier");

        var data = XDocument.Parse(resx).Root!.Element("data")!;
        Assert.AreEqual("Classifier", data.Attribute("name")!.Value);
        Assert.AreEqual("System.Resources.ResXFileRef, System.Windows.Forms", data.Attribute("type")!.Value);
        StringAssert.StartsWith(data.Element("value")!.Value, "models/net&1.elmi;System.Byte[], mscorlib");
    }

    [TestMethod]
    public void Names_InvalidIdentifiersRefusedAndFileNamesConverted()
    {
        Assert.IsFalse(CSharpImageEmitter.IsValidIdentifier("class"));
        Assert.IsFalse(CSharpImageEmitter.IsValidIdentifier("9lives"));
        Assert.IsFalse(CSharpImageEmitter.IsValidNamespace("A..B"));
        Assert.IsTrue(CSharpImageEmitter.IsValidNamespace("EdgeLearn.Models"));
        Assert.AreEqual("FashionMnistB1", CSharpImageEmitter.ClassNameFromFile("out/fashion-mnist_b1.elmi"));
        Assert.AreEqual("Model784", CSharpImageEmitter.ClassNameFromFile("784.elmi"));
        Assert.ThrowsExactly<ArgumentException>(() => CSharpImageEmitter.EmitCSharp(new byte[4], "ok", "int", "x"));
    }
}
