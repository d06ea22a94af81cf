/**
 * The rules that the event model, the echo service, lattice-local and the client library share, each in one place:
 * how a query string is parsed ({@link dev.vpclattice.events.rules.QueryStrings}), what makes an event version 2.0
 * ({@link dev.vpclattice.events.rules.EventVersion}), the 6 MB invocation payload limit
 * ({@link dev.vpclattice.events.rules.PayloadLimits}) and the SigV4 constants of VPC Lattice
 * ({@link dev.vpclattice.events.rules.LatticeSigV4}).
 *
 * <p>Dependency-free (JDK only, Java 17): a module that must not ship Jackson's databind, such as the echo service,
 * can depend on {@code lattice-events} with {@code jackson-databind} excluded and use this package alone.
 */
package dev.vpclattice.events.rules;
