package dev.vpclattice.benchmarks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vpclattice.benchmarks.internal.BenchmarkContext;
import dev.vpclattice.benchmarks.internal.NaiveEchoHandler;
import dev.vpclattice.benchmarks.internal.SampleEvents;
import dev.vpclattice.function.service.EchoHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The echo service's per-request cost on a 1 KB and a 1 MB event, through the path the Lambda runtime client takes
 * for a {@code RequestStreamHandler}: the event bytes as a {@link ByteArrayInputStream}, a reused
 * {@link ByteArrayOutputStream} reset per invocation, and its {@code toByteArray()} as the response.
 *
 * <p>Baselines in the same run: {@link FloorHandler} (a constant answer: the cost of the path itself) and
 * {@link NaiveEchoHandler} (jackson-databind tree in, tree out). Run with {@code -prof gc} for bytes allocated per
 * invocation. The handler's log line goes to a discarding {@code System.out}: its formatting is measured, not the
 * pipe.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EchoBenchmark {
    /** The event size in bytes: 1 KB or 1 MB. */
    @Param({"1024", "1048576"})
    public int eventBytes;

    private byte[] event;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream(1024);
    private final Context context = new BenchmarkContext();
    private RequestStreamHandler echo;
    private RequestStreamHandler naive;
    private RequestStreamHandler floor;
    private PrintStream savedOut;

    /** Builds the event and the handlers (as Lambda does, once), and silences {@code System.out}. */
    @Setup(Level.Trial)
    public void setUp() {
        event = SampleEvents.postJson(eventBytes);
        savedOut = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        echo = new EchoHandler();
        naive = new NaiveEchoHandler();
        floor = new FloorHandler();
    }

    /** Restores {@code System.out}. */
    @TearDown(Level.Trial)
    public void tearDown() {
        System.setOut(savedOut);
    }

    private byte[] invoke(RequestStreamHandler handler) throws IOException {
        output.reset();
        handler.handleRequest(new ByteArrayInputStream(event), output, context);
        return output.toByteArray();
    }

    /**
     * The service function's {@link EchoHandler}.
     *
     * @return the response bytes
     * @throws IOException never in practice (in-memory streams)
     */
    @Benchmark
    public byte[] echoHandler() throws IOException {
        return invoke(echo);
    }

    /**
     * The databind reference, {@link NaiveEchoHandler}.
     *
     * @return the response bytes
     * @throws IOException never in practice (in-memory streams)
     */
    @Benchmark
    public byte[] naiveDatabindEcho() throws IOException {
        return invoke(naive);
    }

    /**
     * The floor, {@link FloorHandler}: the cost of the runtime's stream path alone.
     *
     * @return the response bytes
     * @throws IOException never in practice (in-memory streams)
     */
    @Benchmark
    public byte[] floorHandler() throws IOException {
        return invoke(floor);
    }
}
