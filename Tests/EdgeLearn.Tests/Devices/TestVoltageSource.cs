using System;
using EdgeLearn.HostSim.Devices;

namespace EdgeLearn.Tests.Devices;

/// <summary>A voltage source whose channels the test sets directly (no noise); counts samples.</summary>
internal sealed class TestVoltageSource : IVoltageSource
{
    private readonly long[] _nv;

    public TestVoltageSource(int channels)
    {
        _nv = new long[channels];
    }

    public int ChannelCount => _nv.Length;

    public long Samples { get; private set; }

    public long this[int channel]
    {
        get => _nv[channel];
        set => _nv[channel] = value;
    }

    public void SetAll(long nanovolts) => Array.Fill(_nv, nanovolts);

    public long SampleNanovolts(int channel)
    {
        Samples++;
        return _nv[channel];
    }
}
