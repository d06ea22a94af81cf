package dev.vpclattice.events;

/**
 * Thrown when input is not a VPC Lattice Lambda event of the version asked for. Unchecked; the message names the
 * broken rule and never quotes the input where it could carry a secret, and the cause is kept.
 */
public class InvalidLatticeEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the input; required
     */
    public InvalidLatticeEventException(String message) {
        super(message);
    }

    /**
     * Creates the exception, keeping the parser's or decoder's exception as its cause.
     *
     * @param message what is wrong with the input; required
     * @param cause the underlying failure; may be null
     */
    public InvalidLatticeEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
