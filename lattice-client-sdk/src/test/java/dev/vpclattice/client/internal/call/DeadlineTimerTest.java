package dev.vpclattice.client.internal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeadlineTimerTest {

    @Test
    void actionsRunInDeadlineOrder_whateverTheOrderTheyWereScheduledIn_andCancelledOnesNever() throws Exception {
        DeadlineTimer timer = new DeadlineTimer(System::nanoTime, "deadline-timer-test");
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        long now = System.nanoTime();
        timer.schedule(now + TimeUnit.MILLISECONDS.toNanos(300), () -> {
            ran.add("late");
            done.countDown();
        });
        DeadlineTimer.Timeout cancelled = timer.schedule(now + TimeUnit.MILLISECONDS.toNanos(100), () -> ran.add("x"));
        timer.schedule(now + TimeUnit.MILLISECONDS.toNanos(50), () -> {
            ran.add("early");
            done.countDown();
        });
        timer.schedule(now + TimeUnit.MILLISECONDS.toNanos(150), () -> {
            ran.add("middle");
            done.countDown();
        });
        assertTrue(cancelled.cancel(), "cancelled before its deadline");
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("early", "middle", "late"), ran);
    }

    @Test
    void cancel_afterTheActionRan_reportsThatItWasTooLate() throws Exception {
        DeadlineTimer timer = new DeadlineTimer(System::nanoTime, "deadline-timer-test");
        CountDownLatch ran = new CountDownLatch(1);
        DeadlineTimer.Timeout timeout = timer.schedule(System.nanoTime(), ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertFalse(timeout.cancel());
    }
}
