package dev.vpclattice.client.internal.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/** Trace headers are added after signing, and never over a header the signature covers. */
class TraceHeadersTest {
    private static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/vpc-lattice-svcs/"
            + "aws4_request, SignedHeaders=host;traceparent;x-amz-content-sha256;x-amz-date, Signature=abc";

    private static SdkHttpRequest signed(String authorization) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host("svc.example")
                .encodedPath("/")
                .putHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .putHeader("X-Amzn-Trace-Id", "Root=1-old");
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        return request.build();
    }

    @Test
    void addUnsigned_addsAndReplacesUnsignedHeaders_butKeepsSignedOnes() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
        headers.put("tracestate", "vendor=1");
        headers.put("x-amzn-trace-id", "Root=1-new");

        SdkHttpRequest sent = TraceHeaders.addUnsigned(signed(AUTHORIZATION), headers);

        assertEquals(
                Optional.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                sent.firstMatchingHeader("traceparent"),
                "signed: kept as signed");
        assertEquals(Optional.of("vendor=1"), sent.firstMatchingHeader("tracestate"));
        assertEquals(Optional.of("Root=1-new"), sent.firstMatchingHeader("X-Amzn-Trace-Id"), "unsigned: replaced");
        assertEquals(
                1,
                sent.headers().entrySet().stream()
                        .filter(e -> e.getKey().equalsIgnoreCase("x-amzn-trace-id"))
                        .count());
    }

    @Test
    void addUnsigned_withoutASignature_addsEverything_andWithNothing_returnsTheSameRequest() {
        SdkHttpRequest unsigned = signed(null);
        assertEquals(
                Optional.of("00-1-2-01"),
                TraceHeaders.addUnsigned(unsigned, Map.of("traceparent", "00-1-2-01"))
                        .firstMatchingHeader("traceparent"));
        assertSame(unsigned, TraceHeaders.addUnsigned(unsigned, Map.of()));
    }

    @Test
    void signedHeaderNames_readsTheAuthorizationHeader_ofSigV4AndSigV4a() {
        assertEquals(
                Set.of("host", "traceparent", "x-amz-content-sha256", "x-amz-date"),
                TraceHeaders.signedHeaderNames(signed(AUTHORIZATION)));
        assertEquals(
                Set.of("host", "x-amz-region-set"),
                TraceHeaders.signedHeaderNames(
                        signed("AWS4-ECDSA-P256-SHA256 Credential=AKID/20260101/vpc-lattice-svcs/aws4_request,"
                                + " SignedHeaders=host;x-amz-region-set, Signature=3045")));
        assertEquals(Set.of(), TraceHeaders.signedHeaderNames(signed(null)));
    }
}
