package dev.vpclattice.client;

import java.util.Objects;

/**
 * A VPC Lattice service (or Lattice itself) answered with a non-2xx status. Obtained from
 * {@link LatticeResponse#ensureSuccess()} or {@link LatticeResponse#toException()}; the client itself returns every
 * answer as a {@link LatticeResponse} and never throws this. The message names the status, the error code, the
 * request's method and URL without query, and the error message.
 *
 * <p>For Lattice's own denials the body reads {@code AccessDeniedException: User: ... is not authorized ...}: the
 * {@link #errorCode()} is then {@code AccessDeniedException} and the {@link #errorMessage()} the rest.
 */
public class LatticeServiceException extends LatticeException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String errorCode;
    private final String errorMessage;
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
        super(describe(statusCode, errorCode, errorMessage, response), null);
        this.statusCode = statusCode;
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.errorMessage = Objects.requireNonNull(errorMessage, "errorMessage");
        this.response = response;
    }

    private static String describe(int status, String code, String message, LatticeResponse response) {
        StringBuilder text = new StringBuilder("HTTP ").append(status);
        if (code != null && !code.isEmpty()) {
            text.append(' ').append(code);
        }
        if (response != null && response.request().isPresent()) {
            text.append(" from ").append(response.request().get());
        }
        if (message != null && !message.isEmpty()) {
            text.append(": ").append(message);
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
     * Returns the error code: the {@code x-amzn-ErrorType} header when present, else the word before the first
     * colon of a text body such as {@code AccessDeniedException: ...}.
     *
     * @return the code, e.g. {@code AccessDeniedException}, or an empty string when the response named none
     */
    public String errorCode() {
        return errorCode;
    }

    /**
     * Returns the error message taken from the body (at most 1024 characters).
     *
     * @return the message, possibly empty
     */
    public String errorMessage() {
        return errorMessage;
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
