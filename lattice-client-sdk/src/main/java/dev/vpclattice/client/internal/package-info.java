/**
 * The implementation of lattice-client-sdk. Not API: the module does not export this package, and nothing here is
 * covered by compatibility promises. Use {@link dev.vpclattice.client.LatticeClient} and the types beside it.
 */
@LatticeInternalApi
package dev.vpclattice.client.internal;
