package dev.vpclattice.benchmarks.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * VPC Lattice V2 events of a chosen size, shaped like {@code sample-events/post-json.json}: a signed POST with a JSON
 * body whose length is padded so that the whole event is close to the requested size.
 */
public final class SampleEvents {
    private static final JsonFactory JSON = new JsonFactory();

    private SampleEvents() {}

    /**
     * Builds a V2 event of about {@code approximateBytes} bytes.
     *
     * @param approximateBytes the wanted event size, at least about 900 bytes; the result is within a few dozen
     *     bytes of it
     * @return the event JSON, UTF-8
     * @throws IllegalArgumentException if the size is too small for the fixed fields
     */
    public static byte[] postJson(int approximateBytes) {
        int fixed = event("").length;
        if (approximateBytes < fixed + 32) {
            throw new IllegalArgumentException("An event needs at least " + (fixed + 32) + " bytes for its fixed "
                    + "fields, got " + approximateBytes);
        }
        int bodyBytes = approximateBytes - fixed;
        // Every quote in the body is escaped in the event: count what the escaped form costs as it grows.
        StringBuilder body = new StringBuilder(bodyBytes).append("{\"items\":[");
        int escaped = escapedLength(body);
        for (int i = 0; escaped + 40 < bodyBytes; i++) {
            String item = (i == 0 ? "" : ",") + "{\"sku\":\"sku-" + (1_000_000 + i) + "\",\"qty\":" + (i % 9 + 1) + "}";
            body.append(item);
            escaped += escapedLength(item);
        }
        body.append("]}");
        return event(body.toString());
    }

    private static int escapedLength(CharSequence s) {
        int quotes = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '"') {
                quotes++;
            }
        }
        return s.length() + quotes;
    }

    private static byte[] event(String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length() * 2 + 2048);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("version", "2.0");
            g.writeStringField("path", "/orders");
            g.writeStringField("method", "POST");
            g.writeObjectFieldStart("headers");
            header(g, "content-type", "application/json");
            header(g, "x-forwarded-for", "10.0.1.25");
            header(
                    g,
                    "authorization",
                    "AWS4-HMAC-SHA256 Credential=ASIAFAKE/20261127/us-east-1/vpc-lattice-svcs/"
                            + "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64));
            g.writeEndObject();
            g.writeObjectFieldStart("queryStringParameters");
            g.writeEndObject();
            g.writeStringField("body", body);
            g.writeBooleanField("isBase64Encoded", false);
            g.writeObjectFieldStart("requestContext");
            g.writeStringField(
                    "serviceNetworkArn",
                    "arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-0123456789abcdef0");
            g.writeStringField(
                    "serviceArn", "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0");
            g.writeStringField(
                    "targetGroupArn", "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0");
            g.writeObjectFieldStart("identity");
            g.writeStringField("sourceVpcArn", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0");
            g.writeStringField("type", "AWS_IAM");
            g.writeStringField("principal", "arn:aws:sts::123456789012:assumed-role/client-role/client-function");
            g.writeStringField("sessionName", "client-function");
            g.writeEndObject();
            g.writeStringField("region", "us-east-1");
            g.writeStringField("timeEpoch", "1795780801000001");
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing a sample event in memory failed", e);
        }
        return out.toByteArray();
    }

    private static void header(JsonGenerator g, String name, String value) throws IOException {
        g.writeArrayFieldStart(name);
        g.writeString(value);
        g.writeEndArray();
    }
}
