package dev.vpclattice.local.internal;

import dev.vpclattice.contract.LatticeHeaders;
import dev.vpclattice.contract.QueryStrings;
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
 * Builds the V2 event the way VPC Lattice builds it for a Lambda target.
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
 *       identity: {@code type AWS_IAM} with principal and session name for a verified signer, else {@code type NONE}.</li>
 * </ul>
 */
public final class EventFactory {
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade");

    private static final Set<String> TEXT_TYPES =
            Set.of("application/json", "application/xml", "application/javascript");

    private final LatticeResources resources;
    private final String principalOrgId;

    /**
     * Creates a factory.
     *
     * @param resources the ARNs and region to report
     * @param principalOrgId the organization id reported for signed callers, or null to leave it out
     */
    public EventFactory(LatticeResources resources, String principalOrgId) {
        this.resources = resources;
        this.principalOrgId = principalOrgId;
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

        Map<String, List<String>> eventHeaders = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name) && !LatticeHeaders.isLatticeHeader(name)) {
                eventHeaders.put(name, new ArrayList<>(values));
            }
        });
        List<String> forwarded = eventHeaders.get("x-forwarded-for");
        if (forwarded == null || forwarded.isEmpty()) {
            eventHeaders.put("x-forwarded-for", new ArrayList<>(List.of(clientAddress)));
        } else {
            // Proxies append the address they received the request from to the existing list.
            int last = forwarded.size() - 1;
            forwarded.set(last, forwarded.get(last) + ", " + clientAddress);
        }
        event.setHeaders(eventHeaders);

        // The event model's rule, leniently: a malformed escape is passed through as sent. Copied into mutable
        // collections, as the headers are, because the event is a mutable bean that a target may edit.
        Map<String, List<String>> query = new LinkedHashMap<>();
        QueryStrings.parse(rawQuery).forEach((name, values) -> query.put(name, new ArrayList<>(values)));
        event.setQueryStringParameters(query);

        String text = body.length == 0 ? "" : utf8OrNull(body);
        if (text == null || (body.length > 0 && mustEncode(eventHeaders))) {
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
            identity.setPrincipalOrgID(principalOrgId);
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
