package polyak.spark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import polyak.spark.io.AtomicWrite;

/**
 * What every polyak report page shares (the sweep's and one run's): the look of a JFreeChart chart,
 * writing it as a PNG, and the HTML around the pictures.
 */
public final class Charts {
  private static final int W = 1000;
  private static final int H = 620;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x17becf),
    new Color(0x7f7f7f),
    new Color(0xbcbd22)
  };

  private Charts() {}

  /**
   * White background, grid, large fonts, legend on the right, thick lines (with points if {@code
   * shapes}).
   */
  public static void style(JFreeChart c, boolean shapes) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, shapes);
    for (int i = 0; i < c.getXYPlot().getDataset().getSeriesCount(); i++) {
      r.setSeriesStroke(i, new BasicStroke(2.5f));
    }
    c.getXYPlot().setRenderer(r);
    styleKeepingRenderer(c);
  }

  /**
   * The same look for a chart whose renderer is its own (e.g. stacked areas): fonts, grid, colours.
   */
  public static void styleKeepingRenderer(JFreeChart c) {
    c.setTitle(new TextTitle(c.getTitle().getText(), new Font(Font.SANS_SERIF, Font.BOLD, 22)));
    c.setBackgroundPaint(Color.WHITE);
    XYPlot p = c.getXYPlot();
    p.setBackgroundPaint(Color.WHITE);
    p.setDomainGridlinePaint(new Color(0xdddddd));
    p.setRangeGridlinePaint(new Color(0xdddddd));
    p.setDomainGridlinesVisible(true);
    p.setRangeGridlinesVisible(true);
    Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 17);
    Font ticks = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    p.getDomainAxis().setLabelFont(label);
    p.getDomainAxis().setTickLabelFont(ticks);
    p.getRangeAxis().setLabelFont(label);
    p.getRangeAxis().setTickLabelFont(ticks);
    XYItemRenderer r = p.getRenderer();
    for (int i = 0; i < p.getDataset().getSeriesCount(); i++) {
      r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    LegendTitle legend = c.getLegend();
    if (legend != null) {
      legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
      legend.setPosition(RectangleEdge.RIGHT);
    }
  }

  /**
   * Writes {@code chart} as {@code dir/name.png} (any Hadoop file system, atomically); returns the
   * file name.
   */
  public static String png(String dir, String name, JFreeChart chart, Configuration conf)
      throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ChartUtils.writeChartAsPNG(buf, chart, W, H);
    byte[] bytes = buf.toByteArray();
    AtomicWrite.write(dir + "/" + name + ".png", conf, out -> out.write(bytes));
    return name + ".png";
  }

  /** The start of a report page up to and including its {@code <h1>}. */
  public static String pageHead(String title) {
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
        + esc(title)
        + "</title>\n<style>"
        + "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}"
        + "th{background:#f0f0f0}td.n{text-align:right}img{max-width:100%;border:1px solid #ddd}"
        + ".failed{color:#b00}</style></head><body>\n<h1>"
        + esc(title)
        + "</h1>\n";
  }

  /** A picture with its caption. */
  public static String figure(String png, String caption) {
    return "<figure><img src=\""
        + png
        + "\" alt=\""
        + esc(caption)
        + "\"><figcaption>"
        + esc(caption)
        + "</figcaption></figure>\n";
  }

  /** {@code s} as HTML text. */
  public static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
