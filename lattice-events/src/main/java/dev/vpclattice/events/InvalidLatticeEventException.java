package dev.vpclattice.events;

/**
 * Thrown when input is not a VPC Lattice V2 Lambda event: not JSON, not a JSON object, a version 1 event
 * (the target group's default {@code LambdaEventStructureVersion}), or a field with the wrong shape.
 *
 * <p>Unchecked; the message names the broken rule and, where safe, the bad value. The cause is kept.
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
