package dev.vpclattice.events.servlet;

import dev.vpclattice.events.LatticeCallerIdentity;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Objects;

/**
 * A servlet filter that puts the caller identity VPC Lattice sends an HTTP target on each request, as the attribute
 * {@value #ATTRIBUTE}, and lets every request through. Stateless and thread-safe.
 */
public final class LatticeIdentityFilter implements Filter {
    /** The request attribute that holds the {@link LatticeCallerIdentity}: the class's fully qualified name. */
    public static final String ATTRIBUTE = "dev.vpclattice.events.LatticeCallerIdentity";

    /** Creates the filter; it needs no configuration. */
    public LatticeIdentityFilter() {}

    /**
     * Puts the caller identity on the request and passes it on.
     *
     * @param request the request; its Lattice headers are read if it is an HTTP request
     * @param response the response, untouched
     * @param chain the rest of the chain
     * @throws IOException if the rest of the chain throws it
     * @throws ServletException if the rest of the chain throws it
     */
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        LatticeCallerIdentity identity = request instanceof HttpServletRequest
                ? LatticeCallerIdentity.fromHeaders(((HttpServletRequest) request)::getHeader)
                : LatticeCallerIdentity.empty();
        request.setAttribute(ATTRIBUTE, identity);
        chain.doFilter(request, response);
    }

    /**
     * Returns the caller identity this filter put on a request.
     *
     * @param request a request this filter has seen; required
     * @return the identity; {@link LatticeCallerIdentity#empty()}'s equal when the request had no Lattice headers
     * @throws IllegalStateException if the filter did not run for this request (it is not registered, or not for
     *     this path)
     */
    public static LatticeCallerIdentity identity(ServletRequest request) {
        Object identity = Objects.requireNonNull(request, "request").getAttribute(ATTRIBUTE);
        if (identity instanceof LatticeCallerIdentity) {
            return (LatticeCallerIdentity) identity;
        }
        throw new IllegalStateException("No caller identity on this request: register "
                + LatticeIdentityFilter.class.getName() + " for its path");
    }
}
