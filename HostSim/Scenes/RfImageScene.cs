// RfImageScene: images turned into RF inputs, one tone per pixel (SPINTRONICS.md section 5, as in the
// group's code: frequency multiplexing, pixel value = power).
//
//   tone j: frequency f_j on a grid over [f_min, f_max] (linear by default, or geometric),
//           power P_j = g_j / 255 x P_max x (1 + sigma_rel X) + sigma_abs X'   (pW, floored at 0)
// where g_j is the grey level of pixel j. Noise draws come from stream (SceneNoise, 0), always two per
// pixel; the order of images comes from stream (SceneStream, 0) (a Fisher-Yates shuffle per epoch).
// Glossary: I images, J pixels per image, E epochs.
using System;
using System.Globalization;
using System.Text;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Scenes
{
    /// <summary>Settings of an <see cref="RfImageScene"/>.</summary>
    public sealed class RfImageSceneSettings
    {
        /// <summary>Frequency of the first pixel's tone, Hz. Default 20 MHz.</summary>
        public long MinFrequencyHz { get; set; } = 20_000_000;

        /// <summary>Frequency of the last pixel's tone, Hz. Default 120 MHz.</summary>
        public long MaxFrequencyHz { get; set; } = 120_000_000;

        /// <summary>Geometric (true) or linear (false) pixel frequency grid. Default false.</summary>
        public bool GeometricSpacing { get; set; }

        /// <summary>
        /// Power of a white (255) pixel, pW. Default 4 000 (4 nW): with 784 pixel tones a device also sees the
        /// long Lorentzian tails of every other tone, so per-tone powers must be far below the 0-1 uW of a
        /// single tone to stay inside the ADC range at G = 500 (measured on 28 x 28 test images with half the
        /// image white: no rail codes at 4 nW, 10-30% rail-saturated frames at 8 nW).
        /// </summary>
        public long MaxPixelPowerPicowatts { get; set; } = 4_000;

        /// <summary>Relative power noise per pixel, ppm. Default 0.</summary>
        public long PowerNoisePpm { get; set; }

        /// <summary>Additive power noise per pixel (standard deviation), pW. Default 0.</summary>
        public long AdditiveNoisePicowatts { get; set; }

        /// <summary>Shuffle the image order every epoch. Default true.</summary>
        public bool Shuffle { get; set; } = true;

        /// <summary>Passes over the images (-1: endless). Default 1.</summary>
        public int Epochs { get; set; } = 1;

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
        public void Validate()
        {
            Check(MinFrequencyHz >= 1, nameof(MinFrequencyHz), MinFrequencyHz, ">= 1 Hz");
            Check(MaxFrequencyHz >= MinFrequencyHz && MaxFrequencyHz <= 1_000_000_000_000L, nameof(MaxFrequencyHz), MaxFrequencyHz, "MinFrequencyHz .. 1e12 Hz");
            Check(MaxPixelPowerPicowatts >= 0 && MaxPixelPowerPicowatts <= 1_000_000_000, nameof(MaxPixelPowerPicowatts), MaxPixelPowerPicowatts, "0..1e9 pW");
            Check(PowerNoisePpm >= 0 && PowerNoisePpm <= 1_000_000, nameof(PowerNoisePpm), PowerNoisePpm, "0..1e6 ppm");
            Check(AdditiveNoisePicowatts >= 0 && AdditiveNoisePicowatts <= 1_000_000_000, nameof(AdditiveNoisePicowatts), AdditiveNoisePicowatts, "0..1e9 pW");
            Check(Epochs == -1 || Epochs >= 1, nameof(Epochs), Epochs, "-1 (endless) or >= 1");
        }

        private static void Check(bool ok, string name, long value, string range)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, name + " must be in " + range + ", was " + value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>A labelled stream of RF-encoded images. Deterministic per seed.</summary>
    public sealed class RfImageScene : IRfScene
    {
        private readonly RfImageSceneSettings _s;
        private readonly byte[] _pixels;   // [I * J], image i at i * J
        private readonly int[] _labels;    // [I]
        private readonly long[] _grid;     // [J] tone frequency of each pixel
        private readonly int[] _order;     // [I] current epoch's order
        private readonly Xoshiro128 _orderRng;
        private readonly Xoshiro128 _noise;
        private long _position;

        /// <summary>
        /// A scene over <paramref name="imageCount"/> images of <paramref name="pixelCount"/> grey levels each,
        /// stored one after the other in <paramref name="pixels"/>, with <paramref name="labels"/> in
        /// 0 .. <paramref name="classCount"/>-1. The arrays are used as given (not copied); do not change them.
        /// </summary>
        public RfImageScene(byte[] pixels, int imageCount, int pixelCount, int[] labels, int classCount, RfImageSceneSettings settings, uint seed)
        {
            ArgumentNullException.ThrowIfNull(pixels);
            ArgumentNullException.ThrowIfNull(labels);
            _s = settings ?? throw new ArgumentNullException(nameof(settings));
            _s.Validate();
            if (imageCount < 1 || pixelCount < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(imageCount), "need at least one image of at least one pixel, had " + imageCount + " images of " + pixelCount + " pixels");
            }

            if ((long)imageCount * pixelCount > pixels.Length)
            {
                throw new ArgumentException("pixels holds " + pixels.Length + " values, need " + imageCount + " x " + pixelCount, nameof(pixels));
            }

            if (labels.Length < imageCount)
            {
                throw new ArgumentException("labels holds " + labels.Length + " values, need " + imageCount, nameof(labels));
            }

            if (classCount < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(classCount), "class count must be >= 1, was " + classCount);
            }

            for (int i = 0; i < imageCount; i++)
            {
                if ((uint)labels[i] >= (uint)classCount)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), "label of image " + i + " must be in 0.." + (classCount - 1) + ", was " + labels[i]);
                }
            }

            _pixels = pixels;
            _labels = labels;
            ImageCount = imageCount;
            PixelCount = pixelCount;
            ClassCount = classCount;
            Seed = seed;
            _grid = _s.GeometricSpacing ? GeometricGrid.Create(_s.MinFrequencyHz, _s.MaxFrequencyHz, pixelCount) : LinearGrid(_s.MinFrequencyHz, _s.MaxFrequencyHz, pixelCount);
            _order = new int[imageCount];
            _orderRng = DeviceStreams.Create(seed, DeviceStreams.SceneStream, 0);
            _noise = DeviceStreams.Create(seed, DeviceStreams.SceneNoise, 0);
        }

        /// <summary>The seed of the scene.</summary>
        public uint Seed { get; }

        /// <summary>I, images per epoch.</summary>
        public int ImageCount { get; }

        /// <summary>J, pixels (tones) per image.</summary>
        public int PixelCount { get; }

        /// <inheritdoc />
        public string Name => "rf-image";

        /// <inheritdoc />
        public int ClassCount { get; }

        /// <inheritdoc />
        public int MaxToneCount => PixelCount;

        /// <inheritdoc />
        public long Position => _position;

        /// <summary>Index of the image the last sample came from.</summary>
        public int LastImage { get; private set; } = -1;

        /// <summary>Tone frequency of pixel <paramref name="pixel"/>, Hz.</summary>
        public long PixelFrequencyHz(int pixel)
        {
            if ((uint)pixel >= (uint)PixelCount)
            {
                throw new ArgumentOutOfRangeException(nameof(pixel), "pixel must be in 0.." + (PixelCount - 1) + ", was " + pixel);
            }

            return _grid[pixel];
        }

        /// <inheritdoc />
        public bool TryNext(RfSample sample)
        {
            ArgumentNullException.ThrowIfNull(sample);
            long epoch = _position / ImageCount;
            int within = (int)(_position % ImageCount);
            if (_s.Epochs >= 0 && epoch >= _s.Epochs)
            {
                return false;
            }

            if (within == 0)
            {
                for (int i = 0; i < ImageCount; i++)
                {
                    _order[i] = i;
                }

                if (_s.Shuffle)
                {
                    for (int i = ImageCount - 1; i > 0; i--)
                    {
                        int j = (int)_orderRng.NextBelow((uint)(i + 1));
                        (_order[i], _order[j]) = (_order[j], _order[i]);
                    }
                }
            }

            int image = _order[within];
            LastImage = image;
            sample.Clear();
            sample.Label = _labels[image];
            sample.Index = _position;
            sample.IsNovel = false;
            int baseIndex = image * PixelCount;
            for (int j = 0; j < PixelCount; j++)
            {
                int xr = _noise.NextGaussianQ16();
                int xa = _noise.NextGaussianQ16();
                long p = SimMath.MulDivRound(_pixels[baseIndex + j], _s.MaxPixelPowerPicowatts, 255);
                p = SimMath.AddSaturate(p, SimMath.ScaleQ16(SimMath.MulDivRound(p, _s.PowerNoisePpm, 1_000_000), xr));
                p = SimMath.AddSaturate(p, SimMath.ScaleQ16(_s.AdditiveNoisePicowatts, xa));
                sample.AddTone(_grid[j], Math.Max(0, p));
            }

            _position++;
            return true;
        }

        /// <inheritdoc />
        public string Describe()
        {
            var sb = new StringBuilder();
            void Line(string name, long value) => sb.Append("scene.").Append(name).Append(" = ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("scene.Name = ").Append(Name).Append('\n');
            Line("Seed", Seed);
            Line(nameof(ImageCount), ImageCount);
            Line(nameof(PixelCount), PixelCount);
            Line(nameof(ClassCount), ClassCount);
            Line(nameof(_s.MinFrequencyHz), _s.MinFrequencyHz);
            Line(nameof(_s.MaxFrequencyHz), _s.MaxFrequencyHz);
            Line(nameof(_s.GeometricSpacing), _s.GeometricSpacing ? 1 : 0);
            Line(nameof(_s.MaxPixelPowerPicowatts), _s.MaxPixelPowerPicowatts);
            Line(nameof(_s.PowerNoisePpm), _s.PowerNoisePpm);
            Line(nameof(_s.AdditiveNoisePicowatts), _s.AdditiveNoisePicowatts);
            Line(nameof(_s.Shuffle), _s.Shuffle ? 1 : 0);
            Line(nameof(_s.Epochs), _s.Epochs);
            return sb.ToString();
        }

        /// <summary>N points evenly spaced from min to max (rounded to Hz; N = 1 gives { min }).</summary>
        private static long[] LinearGrid(long minHz, long maxHz, int count)
        {
            var grid = new long[count];
            for (int i = 0; i < count; i++)
            {
                grid[i] = count == 1 ? minHz : minHz + SimMath.MulDivRound(maxHz - minHz, i, count - 1);
            }

            return grid;
        }
    }
}
