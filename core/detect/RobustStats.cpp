#include "detect/RobustStats.h"

#include <algorithm>
#include <cmath>

namespace RobustStats {

double quantileSorted(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        return 0;
    const double pos = q * double(sorted.size() - 1);
    const size_t lo = size_t(std::floor(pos));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double frac = pos - double(lo);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return quantileSorted(values, 0.5);
}

double mad(const std::vector<double>& values)
{
    const double m = median(values);
    std::vector<double> dev;
    dev.reserve(values.size());
    for (double v : values)
        dev.push_back(std::fabs(v - m));
    return median(std::move(dev));
}

double bowleySkew(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const double q1 = quantileSorted(values, 0.25);
    const double q2 = quantileSorted(values, 0.5);
    const double q3 = quantileSorted(values, 0.75);
    if (q3 - q1 <= 0)
        return 0;
    return std::clamp((q3 + q1 - 2 * q2) / (q3 - q1), -1.0, 1.0);
}

} // namespace RobustStats

double RobustStats::trimmedMean(std::vector<double> values, double trim)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t cut = size_t(double(values.size()) * std::clamp(trim, 0.0, 0.49));
    double sum = 0;
    for (size_t i = cut; i < values.size() - cut; ++i)
        sum += values[i];
    return sum / double(values.size() - 2 * cut);
}
