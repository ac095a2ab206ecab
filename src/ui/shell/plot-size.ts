/**
 * Resizing a chart (a uPlot) to its box. uPlot redraws on every `setSize`,
 * even to the size it already has, and drawing 10,000 points takes tens of
 * milliseconds: a chart is resized only when its width changed.
 */
import type uPlot from 'uplot'

/** Gives `plot` (when there is one) the width `width` and height `height`, redrawing it only when its width differs. */
export function fitWidth(plot: uPlot | undefined, width: number, height: number): void {
  if (plot && plot.width !== width) plot.setSize({ width, height })
}
