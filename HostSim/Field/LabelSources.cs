// Label sources of the field loop on a real board. A label says which class the sensor is looking at; the
// loop asks for one before every frame read and learns supervised when it gets one (>= 0). Without a label
// source the learner only predicts.
//
//   FileLabelSource        a small text file holding the class currently presented, e.g. written by an operator
//                          or another program: `echo 3 > labels.txt` (label 3 from now on), `echo - > labels.txt`
//                          (no label). Re-read at most every poll interval.
//   GpioButtonLabelSource  one push button per class on GPIO inputs (class k = pin k of the list); while exactly
//                          one button is held, frames are labelled with its class; none or several held = no label.
using System;
using System.Device.Gpio;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace EdgeLearn.HostSim.Field;

/// <summary>Gives the label of the next frame, or -1 when there is none.</summary>
public interface ILabelSource : IDisposable
{
    /// <summary>Label of the frame about to be read: a class in [0, classes), or -1.</summary>
    int NextLabel();
}

/// <summary>No labels.</summary>
public sealed class NoLabelSource : ILabelSource
{
    /// <inheritdoc />
    public int NextLabel() => -1;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>Labels from a text file holding the current class (see the file header).</summary>
public sealed class FileLabelSource : ILabelSource
{
    private readonly string path;
    private readonly int classes;
    private readonly long pollTicks;
    private readonly Action<string>? warn;
    private long lastPoll = long.MinValue;
    private int current = -1;
    private string? lastProblem;

    /// <summary>
    /// Reads labels from <paramref name="path"/> (classes 0 .. <paramref name="classes"/>-1), at most every
    /// <paramref name="pollMs"/> ms; <paramref name="warn"/> hears about unreadable contents (once per change).
    /// </summary>
    public FileLabelSource(string path, int classes, int pollMs, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(pollMs);
        this.path = path;
        this.classes = classes;
        pollTicks = pollMs * Stopwatch.Frequency / 1000;
        this.warn = warn;
    }

    /// <inheritdoc />
    public int NextLabel()
    {
        long now = Stopwatch.GetTimestamp();
        if (lastPoll != long.MinValue && now - lastPoll < pollTicks)
        {
            return current;
        }

        // Re-read the whole (tiny) file every poll: file time stamps are too coarse to tell two quick writes apart.
        lastPoll = now;
        try
        {
            current = File.Exists(path) ? Parse(File.ReadAllText(path)) : -1;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            // Being replaced right now, or not readable: keep the previous label until the next poll.
        }

        return current;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private int Parse(string text)
    {
        string t = text.Trim();
        if (t.Length == 0 || t == "-" || t.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            lastProblem = null;
            return -1;
        }

        if (int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) && label >= -1 && label < classes)
        {
            lastProblem = null;
            return label;
        }

        string problem = $"label file '{path}' holds '{(t.Length > 20 ? t[..20] + "..." : t)}', not a class in 0 .. {classes - 1} or '-'; frames stay unlabelled";
        if (problem != lastProblem)
        {
            warn?.Invoke(problem);
            lastProblem = problem;
        }

        return -1;
    }
}

/// <summary>Labels from one push button per class on GPIO inputs.</summary>
public sealed class GpioButtonLabelSource : ILabelSource
{
    private readonly GpioController gpio;
    private readonly int[] pins;
    private readonly bool activeLow;
    private readonly bool shouldDispose;

    /// <summary>
    /// Opens <paramref name="pins"/> (class k = pins[k]) as inputs, with pull-ups when <paramref name="activeLow"/>
    /// (button to ground) else pull-downs. Disposes <paramref name="gpioController"/> when <paramref name="shouldDispose"/>.
    /// </summary>
    public GpioButtonLabelSource(GpioController gpioController, int[] pins, bool activeLow, bool shouldDispose = true)
    {
        gpio = gpioController ?? throw new ArgumentNullException(nameof(gpioController));
        ArgumentNullException.ThrowIfNull(pins);
        if (pins.Length == 0)
        {
            throw new ArgumentException("need at least one button pin", nameof(pins));
        }

        this.pins = (int[])pins.Clone();
        this.activeLow = activeLow;
        this.shouldDispose = shouldDispose;
        foreach (int pin in this.pins)
        {
            PinMode mode = activeLow ? PinMode.InputPullUp : PinMode.InputPullDown;
            gpio.OpenPin(pin, gpio.IsPinModeSupported(pin, mode) ? mode : PinMode.Input);
        }
    }

    /// <inheritdoc />
    public int NextLabel()
    {
        int label = -1;
        PinValue pressed = activeLow ? PinValue.Low : PinValue.High;
        for (int k = 0; k < pins.Length; k++)
        {
            if (gpio.Read(pins[k]) == pressed)
            {
                if (label >= 0)
                {
                    return -1;
                }

                label = k;
            }
        }

        return label;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (shouldDispose)
        {
            gpio.Dispose();
            return;
        }

        foreach (int pin in pins)
        {
            if (gpio.IsPinOpen(pin))
            {
                gpio.ClosePin(pin);
            }
        }
    }
}
