/**
 * The implementation of lattice-client-spring. Not API: it may change in any release, and on the module path it is
 * exported only because the jar is an automatic module. Use {@link dev.vpclattice.client.spring.LatticeSpringInterceptor},
 * {@link dev.vpclattice.client.spring.LatticeWebClientFilter} and the Boot auto-configuration.
 */
@LatticeInternalApi
package dev.vpclattice.client.spring.internal;

import dev.vpclattice.client.internal.LatticeInternalApi;
