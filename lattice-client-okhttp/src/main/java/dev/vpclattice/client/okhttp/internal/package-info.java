/**
 * The implementation of lattice-client-okhttp. Not API: it may change in any release, and on the module path it is
 * exported only because the jar is an automatic module. Use {@link dev.vpclattice.client.okhttp.LatticeOkHttpInterceptor}.
 */
@LatticeInternalApi
package dev.vpclattice.client.okhttp.internal;

import dev.vpclattice.client.internal.LatticeInternalApi;
