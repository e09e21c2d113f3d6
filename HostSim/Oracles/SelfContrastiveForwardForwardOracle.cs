// SelfContrastiveForwardForwardOracle: the float64 reference of Self-Contrastive Forward-Forward (ALGORITHMS.md
// section 3) and of the one-vs-rest logistic readout trained on its features. Plain on purpose: the fixed-point
// learner (Runtime/Learners/SelfContrastiveForwardForward) is measured against it from the same initial weights, the
// same inputs, the same sample order and the same pairs (views and negative partners are handed in by the caller,
// who replays the learner's pair source), so it invents no data of its own. Host-only (System.Math allowed);
// inner loops use System.Numerics vectors, which changes no result beyond float64 summation order.
//
// Glossary (dimensions):
//   L      number of SCFF layers; layer l maps n_l inputs to n_{l+1} neurons (N = n_{l+1} in the goodness)
//   W_l    n_{l+1} x n_l row-major;  b_l  n_{l+1}
//   B      mini-batch size
// Forward of a pair [h1 | h2] (each n_0 values in [0, 1]):
//   layer 0:   standardise the 2 n_0 values together (population std), or each half on its own (StandardizeHalves),
//              s_0 = u1 + u2, z_0 = W_0 s_0 + 2 b_0
//   layer l>0: a_l = relu(z_{l-1} - mean z_{l-1}), s_l = standardise(a_l), z_l = W_l s_l + b_l
//   G_l = mean_j relu(z_l,j)^2;  features of layer l: standardise(relu(z_l - mean z_l))
// Update of the training layer T per sample (positive [v1 | v2], negative [v1 | v3]):
//   gate+ = sigma(th1 - G+) - lambda,  gate- = sigma(G- - th2)
//   M  += gate+ relu(z+) s+^T - gate- relu(z-) s-^T,   MB += gate+ relu(z+) - gate- relu(z-)
// Per mini-batch (after its B samples): SGD: W += lr 2/(N B) M, b += lr c_b 2/(N B) MB (c_b = 2 on layer 0, else 1);
// Signum: W += step sign(M), b += step sign(MB); then M <- mu M, MB <- mu MB. These are the descent directions of
// loss = softplus(th1 - G+) + softplus(G- - th2) + lambda G+ averaged over the batch (ALGORITHMS.md 3).
using System;
using System.Numerics;

namespace EdgeLearn.HostSim.Oracles;

/// <summary>Optimizer of the oracle (mirrors the fixed-point learner's choices).</summary>
public enum ScffOracleOptimizer
{
    /// <summary>W += step sign(M).</summary>
    Signum = 1,

    /// <summary>W += lr 2/(N B) M.</summary>
    SgdMomentum = 2,
}

/// <summary>Configuration of the SCFF oracle; per-layer arrays hold one value per layer.</summary>
public sealed record ScffOracleOptions
{
    /// <summary>n_0 .. n_L.</summary>
    public required int[] LayerSizes { get; init; }

    /// <summary>th1 per layer.</summary>
    public required double[] Threshold1 { get; init; }

    /// <summary>th2 per layer.</summary>
    public required double[] Threshold2 { get; init; }

    /// <summary>lambda per layer.</summary>
    public required double[] Lambda { get; init; }

    /// <summary>Learning rate (SGD) or step (Signum) per layer.</summary>
    public required double[] LearningRate { get; init; }

    /// <summary>Optimizer.</summary>
    public required ScffOracleOptimizer Optimizer { get; init; }

    /// <summary>Momentum mu in [0, 1).</summary>
    public required double Momentum { get; init; }

    /// <summary>Mini-batch size B.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Standardise each half of a pair on its own (the authors' pre-standardisation) instead of the concatenation.</summary>
    public bool StandardizeHalves { get; init; }
}

/// <summary>Float64 reference of SCFF. Deterministic; not thread-safe.</summary>
public sealed class SelfContrastiveForwardForwardOracle
{
    private readonly ScffOracleOptions _options;
    private readonly int[] _n;
    private readonly int _layers;
    private readonly double[][] _w;
    private readonly double[][] _b;
    private readonly double[] _m;
    private readonly double[] _mb;
    private readonly Pass _pos;
    private readonly Pass _neg;
    private int _layer;
    private int _inBatch;

    /// <summary>Builds the network from the caller's initial parameters (copied).</summary>
    public SelfContrastiveForwardForwardOracle(ScffOracleOptions options, double[][] initialWeights, double[][] initialBiases)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(initialWeights);
        ArgumentNullException.ThrowIfNull(initialBiases);
        _n = (int[])options.LayerSizes.Clone();
        _layers = _n.Length - 1;
        if (_layers < 1)
        {
            throw new ArgumentException("SCFF needs an input and at least one layer.", nameof(options));
        }

        if (options.Threshold1.Length < _layers || options.Threshold2.Length < _layers || options.Lambda.Length < _layers || options.LearningRate.Length < _layers)
        {
            throw new ArgumentException($"Per-layer arrays need {_layers} values.", nameof(options));
        }

        if (options.BatchSize < 1 || !(options.Momentum >= 0 && options.Momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "batch size must be >= 1 and momentum in [0, 1).");
        }

        _options = options with
        {
            LayerSizes = (int[])options.LayerSizes.Clone(),
            Threshold1 = (double[])options.Threshold1.Clone(),
            Threshold2 = (double[])options.Threshold2.Clone(),
            Lambda = (double[])options.Lambda.Clone(),
            LearningRate = (double[])options.LearningRate.Clone(),
        };
        if (initialWeights.Length != _layers || initialBiases.Length != _layers)
        {
            throw new ArgumentException($"Expected {_layers} weight and bias layers.", nameof(initialWeights));
        }

        _w = new double[_layers][];
        _b = new double[_layers][];
        int maxWeights = 0;
        int maxRows = 0;
        for (int l = 0; l < _layers; l++)
        {
            if (initialWeights[l].Length != _n[l + 1] * _n[l] || initialBiases[l].Length != _n[l + 1])
            {
                throw new ArgumentException($"Layer {l}: W must be {_n[l + 1]} x {_n[l]} and b {_n[l + 1]} values.", nameof(initialWeights));
            }

            _w[l] = (double[])initialWeights[l].Clone();
            _b[l] = (double[])initialBiases[l].Clone();
            maxWeights = Math.Max(maxWeights, _w[l].Length);
            maxRows = Math.Max(maxRows, _n[l + 1]);
        }

        _m = new double[maxWeights];
        _mb = new double[maxRows];
        _pos = new Pass(_n);
        _neg = new Pass(_n);
    }

    /// <summary>Number of layers L.</summary>
    public int LayerCount => _layers;

    /// <summary>G+ of the last trained sample.</summary>
    public double LastPositiveGoodness { get; private set; }

    /// <summary>G- of the last trained sample.</summary>
    public double LastNegativeGoodness { get; private set; }

    /// <summary>Layer being trained; setting it applies a partial batch and clears the momentum.</summary>
    public int TrainingLayer
    {
        get => _layer;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, _layers);
            EndBatch();
            _layer = value;
            Array.Clear(_m);
            Array.Clear(_mb);
        }
    }

    /// <summary>A copy of W_l.</summary>
    public double[] GetWeights(int layer) => (double[])_w[layer].Clone();

    /// <summary>A copy of b_l.</summary>
    public double[] GetBiases(int layer) => (double[])_b[layer].Clone();

    /// <summary>A copy of the momentum buffer of the training layer (n_{T+1} x n_T).</summary>
    public double[] GetMomentum() => _m[.._w[_layer].Length];

    /// <summary>A copy of the bias momentum of the training layer (n_{T+1}).</summary>
    public double[] GetBiasMomentum() => _mb[.._n[_layer + 1]];

    /// <summary>
    /// Overwrites the training layer's weights, biases and momentum buffers (for step-by-step comparisons that start
    /// every step from the fixed-point learner's state). Arrays are copied; lengths must match the layer.
    /// </summary>
    public void SetTrainingState(double[] weights, double[] biases, double[] momentum, double[] biasMomentum)
    {
        int t = _layer;
        if (weights.Length != _w[t].Length || biases.Length != _b[t].Length || momentum.Length != _w[t].Length || biasMomentum.Length != _b[t].Length)
        {
            throw new ArgumentException($"Layer {t} needs {_w[t].Length} weights and momenta and {_b[t].Length} biases and bias momenta.", nameof(weights));
        }

        Array.Copy(weights, _w[t], weights.Length);
        Array.Copy(biases, _b[t], biases.Length);
        Array.Copy(momentum, _m, momentum.Length);
        Array.Copy(biasMomentum, _mb, biasMomentum.Length);
    }

    /// <summary>Standardised (summed) input s of layer <paramref name="layer"/> for the pair [h1 | h2] (a copy).</summary>
    public double[] InputOf(double[] h1, double[] h2, int layer)
    {
        _pos.Run(this, h1, h2, layer);
        return (double[])_pos.S[layer].Clone();
    }

    /// <summary>One sample: positive pair [v1 | v2], negative pair [v1 | v3] (n_0 values each).</summary>
    public void TrainPair(double[] v1, double[] v2, double[] v3)
    {
        int t = _layer;
        _pos.Run(this, v1, v2, t);
        _neg.Run(this, v1, v3, t);
        double gPos = Goodness(_pos.Z[t]);
        double gNeg = Goodness(_neg.Z[t]);
        LastPositiveGoodness = gPos;
        LastNegativeGoodness = gNeg;
        double gatePos = Sigmoid(_options.Threshold1[t] - gPos) - _options.Lambda[t];
        double gateNeg = Sigmoid(gNeg - _options.Threshold2[t]);
        int rows = _n[t + 1];
        int cols = _n[t];
        double[] zp = _pos.Z[t];
        double[] zn = _neg.Z[t];
        double[] sp = _pos.S[t];
        double[] sn = _neg.S[t];
        for (int j = 0; j < rows; j++)
        {
            double hp = zp[j] > 0 ? gatePos * zp[j] : 0;
            double hn = zn[j] > 0 ? gateNeg * zn[j] : 0;
            _mb[j] += hp - hn;
            if (hp != 0)
            {
                Axpy(hp, sp, _m, j * cols, cols);
            }

            if (hn != 0)
            {
                Axpy(-hn, sn, _m, j * cols, cols);
            }
        }

        _inBatch++;
        if (_inBatch >= _options.BatchSize)
        {
            EndBatch();
        }
    }

    /// <summary>Applies a partial mini-batch now.</summary>
    public void EndBatch()
    {
        if (_inBatch == 0)
        {
            return;
        }

        _inBatch = 0;
        int t = _layer;
        int rows = _n[t + 1];
        double[] w = _w[t];
        double[] b = _b[t];
        double lr = _options.LearningRate[t];
        if (_options.Optimizer == ScffOracleOptimizer.Signum)
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] += lr * Math.Sign(_m[i]);
            }

            for (int j = 0; j < rows; j++)
            {
                b[j] += lr * Math.Sign(_mb[j]);
            }
        }
        else
        {
            double c = lr * 2.0 / ((double)rows * _options.BatchSize);
            double cb = c * (t == 0 ? 2 : 1);
            for (int i = 0; i < w.Length; i++)
            {
                w[i] += c * _m[i];
            }

            for (int j = 0; j < rows; j++)
            {
                b[j] += cb * _mb[j];
            }
        }

        double mu = _options.Momentum;
        for (int i = 0; i < w.Length; i++)
        {
            _m[i] *= mu;
        }

        for (int j = 0; j < rows; j++)
        {
            _mb[j] *= mu;
        }
    }

    /// <summary>Goodness of every layer of the pair [h1 | h2] (for tests).</summary>
    public double[] GoodnessOf(double[] h1, double[] h2)
    {
        _pos.Run(this, h1, h2, _layers - 1);
        var g = new double[_layers];
        for (int l = 0; l < _layers; l++)
        {
            g[l] = Goodness(_pos.Z[l]);
        }

        return g;
    }

    /// <summary>Pre-activation z of layer <paramref name="layer"/> for the pair [h1 | h2] (a copy).</summary>
    public double[] PreActivationOf(double[] h1, double[] h2, int layer)
    {
        _pos.Run(this, h1, h2, layer);
        return (double[])_pos.Z[layer].Clone();
    }

    /// <summary>Number of features: every layer's width summed, or the last layer's.</summary>
    public int FeatureCount(bool allLayers)
    {
        int count = 0;
        for (int l = allLayers ? 0 : _layers - 1; l < _layers; l++)
        {
            count += _n[l + 1];
        }

        return count;
    }

    /// <summary>Readout features of x presented as the pair (x, x): standardised centred relu of each layer, concatenated.</summary>
    public void Features(double[] x, bool allLayers, double[] into)
    {
        _pos.Run(this, x, x, _layers - 1);
        int at = 0;
        for (int l = allLayers ? 0 : _layers - 1; l < _layers; l++)
        {
            double[] a = new double[_n[l + 1]];
            CenteredRelu(_pos.Z[l], a);
            Standardize(a, a.Length, into, at);
            at += a.Length;
        }
    }

    /// <summary>sigma(x) = 1 / (1 + e^-x).</summary>
    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>mean_j relu(z_j)^2.</summary>
    public static double Goodness(double[] z)
    {
        double sum = 0;
        foreach (double v in z)
        {
            if (v > 0)
            {
                sum += v * v;
            }
        }

        return sum / z.Length;
    }

    /// <summary>Writes (v - mean) / std of the first n values of v into u at offset (population std; zeros when constant).</summary>
    public static void Standardize(double[] v, int n, double[] u, int offset)
    {
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            mean += v[i];
        }

        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++)
        {
            double d = v[i] - mean;
            var += d * d;
        }

        double std = Math.Sqrt(var / n);
        for (int i = 0; i < n; i++)
        {
            u[offset + i] = std > 0 ? (v[i] - mean) / std : 0;
        }
    }

    /// <summary>a = relu(z - mean z).</summary>
    public static void CenteredRelu(double[] z, double[] a)
    {
        double mean = 0;
        foreach (double v in z)
        {
            mean += v;
        }

        mean /= z.Length;
        for (int j = 0; j < z.Length; j++)
        {
            a[j] = Math.Max(z[j] - mean, 0);
        }
    }

    private static double Dot(double[] w, int offset, double[] x, int n)
    {
        int width = Vector<double>.Count;
        var acc = Vector<double>.Zero;
        int i = 0;
        for (; i + width <= n; i += width)
        {
            acc += new Vector<double>(w, offset + i) * new Vector<double>(x, i);
        }

        double sum = Vector.Dot(acc, Vector<double>.One);
        for (; i < n; i++)
        {
            sum += w[offset + i] * x[i];
        }

        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y, int offset, int n)
    {
        int width = Vector<double>.Count;
        var va = new Vector<double>(a);
        int i = 0;
        for (; i + width <= n; i += width)
        {
            (new Vector<double>(y, offset + i) + va * new Vector<double>(x, i)).CopyTo(y, offset + i);
        }

        for (; i < n; i++)
        {
            y[offset + i] += a * x[i];
        }
    }

    // Scratch of one forward pass: S[l] standardised (summed) input of layer l, Z[l] its pre-activation.
    private sealed class Pass
    {
        private readonly double[] _pair;
        private readonly double[][] _a;

        public Pass(int[] n)
        {
            int layers = n.Length - 1;
            S = new double[layers][];
            Z = new double[layers][];
            _a = new double[layers][];
            for (int l = 0; l < layers; l++)
            {
                S[l] = new double[n[l]];
                Z[l] = new double[n[l + 1]];
                _a[l] = new double[n[l]];
            }

            _pair = new double[2 * n[0]];
        }

        public double[][] S { get; }

        public double[][] Z { get; }

        public void Run(SelfContrastiveForwardForwardOracle o, double[] h1, double[] h2, int last)
        {
            int n0 = o._n[0];
            Array.Copy(h1, 0, _pair, 0, n0);
            Array.Copy(h2, 0, _pair, n0, n0);
            if (o._options.StandardizeHalves)
            {
                Standardize(h1, n0, _pair, 0);
                Standardize(h2, n0, _pair, n0);
            }
            else
            {
                Standardize(_pair, 2 * n0, _pair, 0);
            }

            for (int i = 0; i < n0; i++)
            {
                S[0][i] = _pair[i] + _pair[n0 + i];
            }

            for (int l = 0; l <= last; l++)
            {
                if (l > 0)
                {
                    CenteredRelu(Z[l - 1], _a[l]);
                    Standardize(_a[l], _a[l].Length, S[l], 0);
                }

                int rows = o._n[l + 1];
                int cols = o._n[l];
                double factor = l == 0 ? 2 : 1;
                for (int j = 0; j < rows; j++)
                {
                    Z[l][j] = Dot(o._w[l], j * cols, S[l], cols) + factor * o._b[l][j];
                }
            }
        }
    }
}

/// <summary>Float64 logistic readout (one-vs-rest or softmax) trained by the delta rule (the oracle of FixedPointReadout).</summary>
public sealed class SelfContrastiveReadoutOracle
{
    private readonly double[] _v;
    private readonly double[] _c;
    private readonly double[] _scores;
    private readonly int _d;
    private readonly int _classes;

    /// <summary>Creates a readout with zero weights.</summary>
    public SelfContrastiveReadoutOracle(int featureCount, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        _d = featureCount;
        _classes = classCount;
        _v = new double[featureCount * classCount];
        _c = new double[classCount];
        _scores = new double[classCount];
    }

    /// <summary>Learning rate of the next steps.</summary>
    public double LearningRate { get; set; } = 1.0 / 1024;

    /// <summary>Softmax cross-entropy instead of one-vs-rest logistic errors.</summary>
    public bool Softmax { get; set; }

    /// <summary>Scores of the last call.</summary>
    public double[] Scores => _scores;

    /// <summary>A copy of the weights (C x D).</summary>
    public double[] GetWeights() => (double[])_v.Clone();

    /// <summary>Argmax of V f + c.</summary>
    public int Predict(double[] f, int offset)
    {
        int best = 0;
        for (int k = 0; k < _classes; k++)
        {
            double s = _c[k];
            int row = k * _d;
            for (int j = 0; j < _d; j++)
            {
                s += _v[row + j] * f[offset + j];
            }

            _scores[k] = s;
            if (s > _scores[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>One delta-rule step; returns the prediction before it.</summary>
    public int TrainSample(double[] f, int offset, int label)
    {
        int prediction = Predict(f, offset);
        double top = _scores[prediction];
        double sum = 0;
        for (int k = 0; k < _classes; k++)
        {
            sum += Math.Exp(_scores[k] - top);
        }

        for (int k = 0; k < _classes; k++)
        {
            double p = Softmax ? Math.Exp(_scores[k] - top) / sum : SelfContrastiveForwardForwardOracle.Sigmoid(_scores[k]);
            double e = (k == label ? 1.0 : 0.0) - p;
            double step = LearningRate * e;
            int row = k * _d;
            for (int j = 0; j < _d; j++)
            {
                _v[row + j] += step * f[offset + j];
            }

            _c[k] += step;
        }

        return prediction;
    }
}
