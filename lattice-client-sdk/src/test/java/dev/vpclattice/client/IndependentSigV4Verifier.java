package dev.vpclattice.client;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Recomputes an AWS SigV4 signature from the bytes a server received, written from the SigV4 specification and
 * sharing no code with the client (which uses the SDK signer). Paths are double-encoded as the SDK default does,
 * unless asked otherwise.
 */
final class IndependentSigV4Verifier {
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    /** The parsed Authorization header and whether the signature matched. */
    record Result(
            String accessKeyId,
            String date,
            String region,
            String service,
            List<String> signedHeaders,
            String signature,
            String expectedSignature) {
        boolean valid() {
            return MessageDigest.isEqual(
                    signature.getBytes(StandardCharsets.US_ASCII),
                    expectedSignature.getBytes(StandardCharsets.US_ASCII));
        }

        String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }
    }

    private IndependentSigV4Verifier() {}

    static Result verify(TestHttpsServer.Received request, Map<String, String> secretsByAccessKey) {
        return verify(request, secretsByAccessKey, true);
    }

    /** Like {@link #verify(TestHttpsServer.Received, Map)}; {@code doubleEncode=false} uses the raw path as sent. */
    static Result verify(
            TestHttpsServer.Received request, Map<String, String> secretsByAccessKey, boolean doubleEncode) {
        String authorization = request.header("authorization");
        if (authorization == null) {
            throw new AssertionError(
                    "No Authorization header; headers were " + request.headers().keySet());
        }
        Matcher m = AUTHORIZATION.matcher(authorization);
        if (!m.matches()) {
            throw new AssertionError(
                    "Not a SigV4 Authorization header: " + authorization.replaceAll("Signature=.*", ""));
        }
        String accessKey = m.group(1);
        String date = m.group(2);
        String region = m.group(3);
        String service = m.group(4);
        List<String> signedHeaders = Arrays.asList(m.group(5).split(";"));
        String secret = secretsByAccessKey.get(accessKey);
        if (secret == null) {
            throw new AssertionError("Unknown access key " + accessKey);
        }

        String canonical = canonicalRequest(request, signedHeaders, doubleEncode);

        String amzDate = request.header("x-amz-date");
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, stringToSign));
        return new Result(accessKey, date, region, service, signedHeaders, m.group(6), expected);
    }

    /** The SigV4 canonical request of what the server received, for the given signed headers. */
    static String canonicalRequest(TestHttpsServer.Received request, List<String> signedHeaders, boolean doubleEncode) {
        StringBuilder canonical = new StringBuilder();
        canonical.append(request.method()).append('\n');
        canonical
                .append(canonicalPath(request.uri().getRawPath(), doubleEncode))
                .append('\n');
        canonical.append(canonicalQuery(request.uri().getRawQuery())).append('\n');
        for (String name : signedHeaders) {
            List<String> values = request.headers().get(name);
            if (values == null) {
                throw new AssertionError("Signed header " + name + " was not sent");
            }
            List<String> trimmed =
                    values.stream().map(v -> v.strip().replaceAll("\\s+", " ")).toList();
            canonical.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n').append(String.join(";", signedHeaders)).append('\n');
        canonical.append(request.header("x-amz-content-sha256"));
        return canonical.toString();
    }

    private static String canonicalPath(String rawPath, boolean doubleEncode) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        if (!doubleEncode) {
            return rawPath;
        }
        return String.join(
                "/",
                Arrays.stream(rawPath.split("/", -1))
                        .map(IndependentSigV4Verifier::encode)
                        .toList());
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            pairs.add(new String[] {encode(name), encode(value)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        return String.join("&", pairs.stream().map(p -> p[0] + "=" + p[1]).toList());
    }

    /** RFC 3986 encoding of everything but unreserved characters. */
    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
