package dev.vpclattice.events;

import dev.vpclattice.contract.EventVersion;

/**
 * A VPC Lattice Lambda event of either version, as {@link VpcLatticeEventCodec#read(byte[])} returns it: a
 * {@link VpcLatticeV1Request} or a {@link VpcLatticeV2Request}, with what both carry.
 */
public sealed interface VpcLatticeRequest permits VpcLatticeV1Request, VpcLatticeV2Request {
    /**
     * Returns which structure this event is.
     *
     * @return {@link EventVersion#V1} for a {@link VpcLatticeV1Request}, {@link EventVersion#V2} for a
     *     {@link VpcLatticeV2Request}
     */
    EventVersion eventVersion();

    /**
     * Returns the HTTP method.
     *
     * @return the method in upper case, for example {@code GET}; null when the event has none
     */
    String getMethod();

    /**
     * Returns the request path without its query.
     *
     * @return the path before any {@code ?}, for example {@code /orders}; null when the event has no path
     */
    String pathWithoutQuery();

    /**
     * Decodes the body.
     *
     * @return the body bytes: base64-decoded when the event says so, else the UTF-8 bytes of the text; an empty array
     *     when there is no body
     * @throws InvalidLatticeEventException if the event says the body is base64 and it is not
     */
    byte[] decodeBody();
}
