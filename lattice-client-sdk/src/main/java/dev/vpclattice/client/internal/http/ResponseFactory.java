package dev.vpclattice.client.internal.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.client.LatticeClientException;
import dev.vpclattice.client.LatticeResponse;
import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.internal.call.Call;
import dev.vpclattice.client.internal.call.Failures;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Builds the {@link LatticeResponse} of an attempt from the SDK's response head and the body read within the size
 * limit: the same for any transport.
 */
@LatticeInternalApi
public final class ResponseFactory {
    private final ObjectMapper mapper;
    private final int maxBodySize;
    private final String builderName;

    /**
     * Creates the factory.
     *
     * @param mapper the client's mapper for {@code bodyAs}, or {@code null} for the library's default
     * @param maxBodySize the largest body the client accepts, in bytes
     */
    public ResponseFactory(ObjectMapper mapper, int maxBodySize) {
        this(mapper, maxBodySize, "LatticeClient.Builder");
    }

    /**
     * Creates the factory for a client whose builder has another name.
     *
     * @param mapper the client's mapper for {@code bodyAs}, or {@code null} for the library's default
     * @param maxBodySize the largest body the client accepts, in bytes
     * @param builderName the public builder that sets the limit, named in the message, e.g.
     *     {@code LatticeAsyncClient.Builder}
     */
    public ResponseFactory(ObjectMapper mapper, int maxBodySize, String builderName) {
        this.mapper = mapper;
        this.maxBodySize = maxBodySize;
        this.builderName = builderName;
    }

    /**
     * Returns the body size limit.
     *
     * @return bytes
     */
    public int maxBodySize() {
        return maxBodySize;
    }

    /**
     * Builds the response.
     *
     * @param call the call
     * @param head the status and headers
     * @param body the whole body, not copied
     * @return the response
     */
    public LatticeResponse create(Call call, SdkHttpResponse head, byte[] body) {
        LatticeResponse.Builder result = LatticeResponse.builder()
                .statusCode(head.statusCode())
                .bodyFromByteArrayUnsafe(body)
                .attempts(call.attempts())
                .request(call.request());
        if (mapper != null) {
            result.objectMapper(mapper);
        }
        for (Map.Entry<String, List<String>> header : head.headers().entrySet()) {
            for (String value : header.getValue()) {
                result.header(header.getKey(), value);
            }
        }
        return result.build();
    }

    /**
     * Refuses a status that HTTP does not define: such an answer is not HTTP, whatever the HTTP client accepted.
     *
     * @param head the status and headers
     * @throws Failures.ProtocolViolation if the status is outside 100-599
     */
    public void checkStatus(SdkHttpResponse head) throws Failures.ProtocolViolation {
        int status = head.statusCode();
        if (status < 100 || status > 599) {
            throw new Failures.ProtocolViolation("The answer's status " + status + " is outside 100-599");
        }
    }

    /**
     * The answer's body is larger than the client accepts.
     *
     * @param call the call
     * @return the exception
     */
    public LatticeClientException tooLarge(Call call) {
        return call.failed(
                "was answered with a body larger than the maximum response body size of " + maxBodySize + " bytes ("
                        + builderName + ".maxResponseBodySize)",
                null);
    }
}
