/* chart.h - the monitor's time by category, per policy and workload, as an
 * SVG picture. See chart.c.
 */
#ifndef VMM_HOST_CHART_H
#define VMM_HOST_CHART_H

#include <stdio.h>

#include "bench.h"

/* Write B's split (bench_split per workload and policy) to OUT as one SVG
 * document: a group of stacked bars per workload, one bar per policy. */
void chart_write_svg(const struct bench_results *b, FILE *out);

#endif
