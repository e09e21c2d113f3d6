using System;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Images;

/// <summary>Xoshiro128 state save/restore, which full images and checkpoints rely on for exact resume.</summary>
[TestClass]
public sealed class RandomStateTests
{
    [TestMethod]
    public void Xoshiro128_SetStateFromGetState_ContinuesTheSameSequence()
    {
        var a = new Xoshiro128(42, 1);
        for (int i = 0; i < 17; i++)
        {
            a.NextUInt32();
        }

        var state = new uint[6];
        a.GetState(state, 2);
        var b = new Xoshiro128(7, 7);
        b.SetState(state, 2);

        for (int i = 0; i < 100; i++)
        {
            Assert.AreEqual(a.NextUInt32(), b.NextUInt32(), $"draw {i}");
        }
    }

    [TestMethod]
    public void Xoshiro128_SetState_AllZeroOrShortArrayRefused()
    {
        var g = new Xoshiro128(1, 0);

        Assert.ThrowsExactly<ArgumentException>(() => g.SetState(new uint[4], 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => g.SetState(new uint[] { 1, 2, 3 }, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => g.GetState(new uint[4], 1));
    }
}
