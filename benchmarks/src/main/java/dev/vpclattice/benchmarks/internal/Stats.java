package dev.vpclattice.benchmarks.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Order statistics of small samples. */
public final class Stats {
    private Stats() {}

    /**
     * Returns the median: the middle value, or the mean of the two middle values of an even-sized sample.
     *
     * @param values the sample; required, not empty
     * @return the median
     * @throws IllegalArgumentException if the sample is empty
     */
    public static double median(List<Double> values) {
        return quantile(values, 0.5);
    }

    /**
     * Returns a quantile by linear interpolation between the closest ranks.
     *
     * @param values the sample; required, not empty
     * @param q the quantile, 0 to 1
     * @return the quantile
     * @throws IllegalArgumentException if the sample is empty or q is outside 0..1
     */
    public static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("A quantile of an empty sample is undefined");
        }
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("A quantile must be between 0 and 1, got " + q);
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double rank = q * (sorted.size() - 1);
        int low = (int) Math.floor(rank);
        int high = (int) Math.ceil(rank);
        return sorted.get(low) + (sorted.get(high) - sorted.get(low)) * (rank - low);
    }
}
