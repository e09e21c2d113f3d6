// LearningCurvePlot: the demo's PNG learning curve (ScottPlot), fixed point and float64 oracle side by side.
using System;

namespace EdgeLearn.HostSim.Demo;

/// <summary>Writes a learning-curve PNG.</summary>
public static class LearningCurvePlot
{
    /// <summary>
    /// Plots accuracy against frames learned: <paramref name="fixedPoint"/> and, when not empty,
    /// <paramref name="oracle"/>, one point every <paramref name="step"/> frames.
    /// </summary>
    public static void Write(string path, string title, double[] fixedPoint, double[] oracle, int step, double testAccuracy, double oracleTestAccuracy)
    {
        var plot = new ScottPlot.Plot();
        double[] xs = new double[fixedPoint.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = (i + 1) * (double)step;
        }

        var fixedLine = plot.Add.Scatter(xs, fixedPoint);
        fixedLine.LegendText = $"fixed point (test {testAccuracy:P1})";
        fixedLine.MarkerSize = 0;
        fixedLine.LineWidth = 2;
        if (oracle.Length == fixedPoint.Length && oracle.Length > 0)
        {
            var oracleLine = plot.Add.Scatter(xs, oracle);
            oracleLine.LegendText = $"float64 oracle (test {oracleTestAccuracy:P1})";
            oracleLine.MarkerSize = 0;
            oracleLine.LineWidth = 2;
            oracleLine.LinePattern = ScottPlot.LinePattern.Dashed;
        }

        plot.Title(title);
        plot.XLabel("frames in the stream");
        plot.YLabel("accuracy (last 500 frames, test-then-train)");
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 800, 480);
    }
}
