#pragma once
// ctnet's figures in one include: line plots (training curves), scatter
// plots (latent spaces) and heatmaps (confusion matrices), all drawn by
// ctnet itself into PNG files. Each also has its own header.
#include <ctnet/plot/heatmap.hpp>
#include <ctnet/plot/line_plot.hpp>
#include <ctnet/plot/scatter_plot.hpp>
