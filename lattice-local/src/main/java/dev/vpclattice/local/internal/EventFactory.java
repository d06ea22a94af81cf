package dev.vpclattice.local.internal;

import dev.vpclattice.contract.LatticeHeaders;
import dev.vpclattice.contract.QueryStrings;
import dev.vpclattice.events.VpcLatticeV1Request;
import dev.vpclattice.events.VpcLatticeV2Request;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the V2 or V1 event the way VPC Lattice builds it for a Lambda target.
 *
 * <ul>
 *   <li>Header names in lower case, every value kept (multi-value), hop-by-hop headers dropped, any
 *       {@code x-amzn-lattice-*} header the client sent dropped (Lattice strips those, so that no caller can spoof
 *       the identity headers it adds), {@code x-forwarded-for} set to (or extended with) the caller's address.</li>
 *   <li>{@code path} is the raw path with the raw query; {@code queryStringParameters} holds the decoded,
 *       multi-value parameters, parsed by the event model's {@link QueryStrings#parse(String)}.</li>
 *   <li>The body is base64 ({@code isBase64Encoded: true}) when a {@code content-encoding} is present and the content
 *       type is not text/*, application/json, application/xml or application/javascript (Lattice's rule), and also
 *       whenever the bytes are not valid UTF-8, so that binary bodies survive. An absent body is "".</li>
 *   <li>{@code requestContext} carries the configured ARNs, the region, {@code timeEpoch} in microseconds, and an
 *       identity: {@code type AWS_IAM} with principal, session name, organization ID and any configured X.509 fields
 *       for a verified signer, else {@code type NONE}.</li>
 *   <li>A V1 event ({@link #buildV1}) has the same headers, joined into one string each with {@code ", "}, the path
 *       with its query in {@code raw_path}, the last value of each query parameter, and no caller at all.</li>
 * </ul>
 */
public final class EventFactory {
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade");

    private static final Set<String> TEXT_TYPES =
            Set.of("application/json", "application/xml", "application/javascript");

    private final LatticeResources resources;
    private final CallerDetails callers;

    /**
     * Creates a factory.
     *
     * @param resources the ARNs and region to report
     * @param callers what is reported about signed callers besides their principal
     */
    public EventFactory(LatticeResources resources, CallerDetails callers) {
        this.resources = resources;
        this.callers = callers;
    }

    /**
     * Builds one event.
     *
     * @param method the HTTP method
     * @param rawPath the path the target receives (the one the signature was verified over)
     * @param rawQuery the query as sent, without {@code ?}, or null
     * @param headers the headers, names in lower case
     * @param body the body bytes, possibly empty
     * @param clientAddress the caller's IP address, for {@code x-forwarded-for}
     * @param caller the verified credential, or null for an unauthenticated caller
     * @param receivedAt when the request arrived
     * @return the event
     */
    public VpcLatticeV2Request build(
            String method,
            String rawPath,
            String rawQuery,
            Map<String, List<String>> headers,
            byte[] body,
            String clientAddress,
            LocalCredential caller,
            Instant receivedAt) {
        VpcLatticeV2Request event = new VpcLatticeV2Request();
        event.setVersion("2.0");
        event.setMethod(method.toUpperCase(Locale.ROOT));
        event.setPath(rawQuery == null || rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery);

        Map<String, List<String>> eventHeaders = eventHeaders(headers, clientAddress);
        event.setHeaders(eventHeaders);

        // The event model's rule, leniently: a malformed escape is passed through as sent. Copied into mutable
        // collections, as the headers are, because the event is a mutable bean that a target may edit.
        Map<String, List<String>> query = new LinkedHashMap<>();
        QueryStrings.parse(rawQuery).forEach((name, values) -> query.put(name, new ArrayList<>(values)));
        event.setQueryStringParameters(query);

        String text = textOrNull(body, eventHeaders);
        if (text == null) {
            event.setBody(Base64.getEncoder().encodeToString(body));
            event.setIsBase64Encoded(true);
        } else {
            event.setBody(text);
            event.setIsBase64Encoded(false);
        }

        VpcLatticeV2Request.Identity identity = new VpcLatticeV2Request.Identity();
        identity.setSourceVpcArn(resources.sourceVpcArn());
        if (caller == null) {
            identity.setType("NONE");
        } else {
            identity.setType("AWS_IAM");
            identity.setPrincipal(caller.principalArn());
            identity.setSessionName(caller.sessionName());
            identity.setPrincipalOrgID(callers.principalOrgId());
            Map<String, String> x509 = callers.x509(caller.principalArn());
            identity.setX509IssuerOu(x509.get(LatticeHeaders.KEY_X509_ISSUER_OU));
            identity.setX509SanDns(x509.get(LatticeHeaders.KEY_X509_SAN_DNS));
            identity.setX509SanNameCn(x509.get(LatticeHeaders.KEY_X509_SAN_NAME_CN));
            identity.setX509SanUri(x509.get(LatticeHeaders.KEY_X509_SAN_URI));
            identity.setX509SubjectCn(x509.get(LatticeHeaders.KEY_X509_SUBJECT_CN));
        }
        VpcLatticeV2Request.RequestContext context = new VpcLatticeV2Request.RequestContext();
        context.setServiceNetworkArn(resources.serviceNetworkArn());
        context.setServiceArn(resources.serviceArn());
        context.setTargetGroupArn(resources.targetGroupArn());
        context.setIdentity(identity);
        context.setRegion(resources.region());
        context.setTimeEpoch(Long.toString(receivedAt.getEpochSecond() * 1_000_000L + receivedAt.getNano() / 1_000));
        event.setRequestContext(context);
        return event;
    }

    /**
     * Builds one V1 event: the request as {@link #build} sees it, without a caller (a V1 event has no
     * {@code requestContext}).
     *
     * @param method the HTTP method
     * @param rawPath the path the target receives (the one the signature was verified over)
     * @param rawQuery the query as sent, without {@code ?}, or null
     * @param headers the headers, names in lower case
     * @param body the body bytes, possibly empty
     * @param clientAddress the caller's IP address, for {@code x-forwarded-for}
     * @return the event
     */
    public VpcLatticeV1Request buildV1(
            String method,
            String rawPath,
            String rawQuery,
            Map<String, List<String>> headers,
            byte[] body,
            String clientAddress) {
        Map<String, List<String>> eventHeaders = eventHeaders(headers, clientAddress);
        Map<String, String> query = new LinkedHashMap<>();
        QueryStrings.parse(rawQuery).forEach((name, values) -> query.put(name, values.get(values.size() - 1)));
        VpcLatticeV1Request.Builder event = VpcLatticeV1Request.builder()
                .method(method.toUpperCase(Locale.ROOT))
                .rawPath(rawQuery == null || rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery)
                .headers(eventHeaders);
        query.forEach(event::queryParameter);
        String text = textOrNull(body, eventHeaders);
        if (text == null) {
            event.body(body);
        } else {
            event.body(text);
        }
        return event.build();
    }

    /**
     * The headers an event carries: names in lower case, hop-by-hop and {@code x-amzn-lattice-*} ones dropped, the
     * caller's address appended to {@code x-forwarded-for}.
     */
    private static Map<String, List<String>> eventHeaders(Map<String, List<String>> headers, String clientAddress) {
        Map<String, List<String>> eventHeaders = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name) && !LatticeHeaders.isLatticeHeader(name)) {
                eventHeaders.put(name, new ArrayList<>(values));
            }
        });
        List<String> forwarded = eventHeaders.get(LatticeHeaders.FORWARDED_FOR);
        if (forwarded == null || forwarded.isEmpty()) {
            eventHeaders.put(LatticeHeaders.FORWARDED_FOR, new ArrayList<>(List.of(clientAddress)));
        } else {
            // Proxies append the address they received the request from to the existing list.
            int last = forwarded.size() - 1;
            forwarded.set(last, forwarded.get(last) + ", " + clientAddress);
        }
        return eventHeaders;
    }

    /** The body as the event's text, or null when the event must carry it in base64. */
    private static String textOrNull(byte[] body, Map<String, List<String>> headers) {
        if (body.length == 0) {
            return "";
        }
        return mustEncode(headers) ? null : utf8OrNull(body);
    }

    private static boolean mustEncode(Map<String, List<String>> headers) {
        List<String> encoding = headers.get("content-encoding");
        if (encoding == null || encoding.isEmpty()) {
            return false;
        }
        List<String> types = headers.get("content-type");
        String type = types == null || types.isEmpty() ? "" : types.get(0);
        int semicolon = type.indexOf(';');
        type = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return !(type.startsWith("text/") || TEXT_TYPES.contains(type));
    }

    private static String utf8OrNull(byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
