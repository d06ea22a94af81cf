package dev.vpclattice.benchmarks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void median_oddAndEvenSamples_isTheMiddleOrTheMeanOfTheTwoMiddles() {
        assertEquals(3.0, Stats.median(List.of(5.0, 1.0, 3.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 3.0, 2.0)));
    }

    @Test
    void quantile_interpolatesBetweenRanks() {
        List<Double> sample = List.of(10.0, 20.0, 30.0, 40.0, 50.0);
        assertEquals(10.0, Stats.quantile(sample, 0));
        assertEquals(20.0, Stats.quantile(sample, 0.25));
        assertEquals(50.0, Stats.quantile(sample, 1));
        assertEquals(15.0, Stats.quantile(List.of(10.0, 20.0), 0.5));
    }

    @Test
    void quantile_emptySample_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> Stats.median(List.of()));
    }
}
