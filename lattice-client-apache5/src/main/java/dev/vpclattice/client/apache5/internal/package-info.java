/**
 * The implementation of lattice-client-apache5. Not API: it may change in any release, and on the module path it is
 * exported only because the jar is an automatic module. Use {@link dev.vpclattice.client.apache5.LatticeApache5Interceptor}.
 */
@LatticeInternalApi
package dev.vpclattice.client.apache5.internal;

import dev.vpclattice.client.internal.LatticeInternalApi;
