package dev.vpclattice.client;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The service, or VPC Lattice itself, answered with a non-2xx status. Its message names the status, the error code and
 * the request's method and URL without the query, never the body, which {@link #response()} keeps.
 */
public class LatticeServiceException extends LatticeException {
    private static final long serialVersionUID = 1L;
    /** An error code goes into the message only in this shape, so that a body cannot smuggle text into logs. */
    private static final Pattern EXCEPTION_NAME = Pattern.compile("[A-Z][A-Za-z0-9]{0,80}(Exception|Error|Fault)");

    private final int statusCode;
    private final String errorCode;
    private final String errorMessage;
    private final String requestId;
    private final transient LatticeResponse response;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status, required
     * @param errorCode the error code, or an empty string when the response named none; not {@code null}
     * @param errorMessage the error message from the body, possibly empty; not {@code null}
     * @param response the response, may be {@code null}; when it names its request, the message does too
     */
    public LatticeServiceException(int statusCode, String errorCode, String errorMessage, LatticeResponse response) {
        super(describe(statusCode, errorCode, response), null);
        this.statusCode = statusCode;
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.errorMessage = Objects.requireNonNull(errorMessage, "errorMessage");
        this.requestId = response == null ? null : response.requestId().orElse(null);
        this.response = response;
    }

    private static String describe(int status, String code, LatticeResponse response) {
        StringBuilder text = new StringBuilder("HTTP ").append(status);
        if (code != null && EXCEPTION_NAME.matcher(code).matches()) {
            text.append(' ').append(code);
        }
        if (response != null && response.request().isPresent()) {
            text.append(" from ").append(response.request().get());
        }
        return text.toString();
    }

    /**
     * Returns the HTTP status code.
     *
     * @return the status, e.g. 403
     */
    public int statusCode() {
        return statusCode;
    }

    /**
     * Returns the error code: the {@code x-amzn-ErrorType} header when present, else {@code __type} (after any
     * {@code #}) or {@code code} of a JSON body, else the word before the first colon of a text body such as
     * {@code AccessDeniedException: ...}.
     *
     * @return the code, e.g. {@code AccessDeniedException}, or an empty string when the response named none
     */
    public String errorCode() {
        return errorCode;
    }

    /**
     * Returns the error message taken from the body: {@code message} of a JSON body, or the text after the error
     * code of a text body (at most 1024 characters). It is the server's text: log it only if you trust the server.
     *
     * @return the message, possibly empty
     */
    public String errorMessage() {
        return errorMessage;
    }

    /**
     * Returns the ID that Lattice gave the request, from the {@code x-amzn-requestid} response header: quote it when
     * asking AWS about a request.
     *
     * @return the request ID, or empty when the answer carried none
     */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /**
     * Tells whether the status is one the client retries for retryable requests: 429, 502, 503 or 504.
     *
     * @return whether sending the same request again could succeed
     */
    @Override
    public boolean retryable() {
        return statusCode == 429 || statusCode == 502 || statusCode == 503 || statusCode == 504;
    }

    /**
     * Returns the full response that caused this exception.
     *
     * @return the response, or {@code null} if the exception was deserialized
     */
    public LatticeResponse response() {
        return response;
    }
}
