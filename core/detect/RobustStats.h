#pragma once

#include <vector>

// Order statistics that outliers and missed beats do not drag around.
namespace RobustStats {
// Linear-interpolated quantile (q in [0,1]) of a sorted vector; 0 when empty.
double quantileSorted(const std::vector<double>& sorted, double q);
double median(std::vector<double> values);
// Median absolute deviation from the median (unscaled).
double mad(const std::vector<double>& values);
// Bowley (quartile) skewness in [-1, 1]; 0 when the quartiles coincide.
double bowleySkew(std::vector<double> values);
// Mean of the values left after dropping the lowest and highest trim share
// (0.1 = 10 % each side): nearly as efficient as the mean for symmetric noise
// (a beacon's uniform jitter), as robust as the median against a few outliers.
double trimmedMean(std::vector<double> values, double trim);
}
