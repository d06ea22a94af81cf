package dev.vpclattice.benchmarks.internal;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/**
 * The Lambda {@link Context} a handler gets in a benchmark: fixed values, and a logger that discards what it is
 * given (the runtime writes logs to a pipe; the formatting cost stays in the handler, the I/O does not).
 */
public final class BenchmarkContext implements Context {
    private static final LambdaLogger DISCARD = new LambdaLogger() {
        @Override
        public void log(String message) {}

        @Override
        public void log(byte[] message) {}
    };

    @Override
    public String getAwsRequestId() {
        return "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/benchmark";
    }

    @Override
    public String getLogStreamName() {
        return "benchmark";
    }

    @Override
    public String getFunctionName() {
        return "benchmark";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:benchmark";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return 30_000;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return DISCARD;
    }
}
