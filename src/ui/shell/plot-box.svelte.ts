/**
 * A chart's box on the page, for a chart drawn with uPlot: its width as
 * measured (not a guess), and the chart fitted to it. A chart waits for the
 * first measurement, so it is drawn once, at its size; and it is resized only
 * when its width changed, because uPlot redraws on every `setSize`, even to
 * the size it has, and drawing 10,000 points takes tens of milliseconds.
 */
import type uPlot from 'uplot'
import { clientSize } from './size.js'

/** A chart's box: attach `measure` to the element the chart is drawn in. */
export class PlotBox {
  /** The box's width in CSS pixels, once `measured`. */
  width = $state(0)
  /** Whether the box has been laid out and measured (it changes once). */
  measured = $state(false)
  /** The attachment that measures the box (`{@attach box.measure}`). */
  readonly measure = clientSize((s) => {
    this.width = s.width
    this.measured = true
  })

  /** The width to draw at: the box's, and at least `min`. */
  drawWidth(min = 0): number {
    return Math.max(min, this.width)
  }

  /**
   * Gives `plot` (when there is one) the box's width (at least `min`) and
   * `height`, redrawing it only when its width differs. Called in an effect,
   * it reads the width whether or not the plot exists yet, so a resize before
   * the plot is drawn is not missed.
   */
  fit(plot: uPlot | undefined, height: number, min = 0): void {
    const width = this.drawWidth(min)
    if (plot && plot.width !== width) plot.setSize({ width, height })
  }
}
